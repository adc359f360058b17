/**
 * Barnes-Hut repulsion for t-SNE, walked per group of points rather than per point.
 *
 * The tree: points sorted by 32-bit Morton code (16 bits per axis over the layout's bounding
 * square, stable LSD radix sort), then a compressed quadtree over the sorted runs (a node with a
 * single non-empty child is skipped), laid out in preorder with skip links, so a walk is a forward
 * scan. Centres of mass come from prefix sums over the sorted order. Points sharing a 16-bit cell
 * (closer than 1/65,536 of the layout) form one leaf.
 *
 * The walk: the tree's maximal nodes of ≤ GROUP_SIZE points are groups. Each group walks the tree
 * once, accepting a node as one mass when the node's side / (distance from its centre of mass to
 * the group's bounding box) < θ, which holds for every point of the group — so it is at least as
 * accurate as a per-point walk at the same θ — and collects the accepted masses in a list; then
 * every point of the group sums the list without branching. The list is about 1.5× a per-point
 * walk's interactions, but the walk and its unpredictable branches are paid once per group.
 *
 * Each group is handled whole by one part, and the tree is built by the calling thread alone, so
 * the result does not depend on the number of parts.
 */
import { sharedFloat64, sharedInt32 } from "./sharedArrays";

/** Points per group at most. */
export const GROUP_SIZE = 16;
/** Morton bits per axis. */
const BITS = 16;
const CELLS = 1 << BITS;

/** Scratch of the build (one build at a time per thread). */
const STACK = new Int32Array(3 * 4 * (BITS + 2));
const OPEN_NODE = new Int32Array(BITS + 2);
const OPEN_END = new Int32Array(BITS + 2);
const RADIX_COUNT = new Int32Array(256);

/** Spreads the low 16 bits of v to the even bits of a 32-bit word. */
function spread(v: number): number {
  v &= 0xffff;
  v = (v | (v << 8)) & 0x00ff00ff;
  v = (v | (v << 4)) & 0x0f0f0f0f;
  v = (v | (v << 2)) & 0x33333333;
  v = (v | (v << 1)) & 0x55555555;
  return v;
}

/** The tree's arrays: all shared with the team when it has workers, so any part can build or walk it. */
export interface TreeArrays {
  /** Points in Morton order (original indices). */
  order: Int32Array;
  /** Positions in Morton order, interleaved (x, y). */
  sorted: Float64Array;
  /** Per node in preorder: centre of mass x, y, point count, and the squared distance beyond which it may act as one mass ((side / θ)², −1 for a leaf). At most 2N nodes. */
  nodes: Float64Array;
  /** Per node: the position just past its subtree in preorder. */
  skip: Int32Array;
  /** Groups: points groups[2g] … groups[2g + 1] − 1 of the Morton order. */
  groups: Int32Array;
  /** [node count, group count] of the last build. */
  counts: Int32Array;
  codes: Uint32Array;
  codesTmp: Uint32Array;
  orderTmp: Int32Array;
  /** Prefix sums of the sorted positions (relative to the bounding box's corner), for centres of mass. */
  prefix: Float64Array;
}

export function allocateTree(n: number, shared: boolean): TreeArrays {
  const u32 = (len: number): Uint32Array => new Uint32Array(shared ? new SharedArrayBuffer(4 * len) : new ArrayBuffer(4 * len));
  return {
    order: sharedInt32(n, shared),
    sorted: sharedFloat64(2 * n, shared),
    nodes: sharedFloat64(8 * n, shared),
    skip: sharedInt32(2 * n, shared),
    groups: sharedInt32(2 * n, shared),
    counts: sharedInt32(2, shared),
    codes: u32(n),
    codesTmp: u32(n),
    orderTmp: sharedInt32(n, shared),
    prefix: sharedFloat64(2 * (n + 1), shared),
  };
}

/** [minX, maxX, minY, maxY] of the N interleaved positions `y`. */
export function layoutBounds(y: Float64Array, n: number): [number, number, number, number] {
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    const a = y[2 * i];
    const b = y[2 * i + 1];
    if (a < minX) minX = a;
    if (a > maxX) maxX = a;
    if (b < minY) minY = b;
    if (b > maxY) maxY = b;
  }
  return [minX, maxX, minY, maxY];
}

/** Builds the tree of the N interleaved positions `y` for opening angle θ (≤ 0.7, see the file comment). */
export function buildGroupTree(t: TreeArrays, y: Float64Array, n: number, theta: number): void {
  const [minX, maxX, minY, maxY] = layoutBounds(y, n);
  const side = Math.max(maxX - minX, maxY - minY) * (1 + 1e-9) || 1e-300;
  const toCell = CELLS / side;
  let keys = t.codes;
  let order = t.orderTmp;
  for (let i = 0; i < n; i++) {
    const qx = Math.min(CELLS - 1, Math.floor((y[2 * i] - minX) * toCell));
    const qy = Math.min(CELLS - 1, Math.floor((y[2 * i + 1] - minY) * toCell));
    keys[i] = (spread(qx) | (spread(qy) << 1)) >>> 0;
    order[i] = i;
  }
  // LSD radix sort of (code, index), 4 passes of 8 bits; stable, so equal codes keep index order.
  // After the 4 passes the result is back in `codes` / `orderTmp`.
  let keysOut = t.codesTmp;
  let orderOut = t.order;
  const count = RADIX_COUNT;
  for (let shift = 0; shift < 32; shift += 8) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[(keys[i] >>> shift) & 255]++;
    for (let b = 0, sum = 0; b < 256; b++) {
      const c = count[b];
      count[b] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const at = count[(keys[i] >>> shift) & 255]++;
      keysOut[at] = keys[i];
      orderOut[at] = order[i];
    }
    [keys, keysOut] = [keysOut, keys];
    [order, orderOut] = [orderOut, order];
  }
  t.order.set(order);
  const { sorted, prefix } = t;
  prefix[0] = 0;
  prefix[1] = 0;
  for (let s = 0; s < n; s++) {
    const i = t.order[s];
    const a = y[2 * i];
    const b = y[2 * i + 1];
    sorted[2 * s] = a;
    sorted[2 * s + 1] = b;
    prefix[2 * s + 2] = prefix[2 * s] + (a - minX);
    prefix[2 * s + 3] = prefix[2 * s + 1] + (b - minY);
  }
  buildNodes(t, keys, n, side, minX, minY, theta);
}

function buildNodes(t: TreeArrays, codes: Uint32Array, n: number, side: number, minX: number, minY: number, theta: number): void {
  const { nodes, skip, groups, prefix } = t;
  const invThetaSq = theta > 0 ? 1 / (theta * theta) : Infinity;
  // Stack entries: (start, end, parent count); children are pushed last-first so the first pops next.
  // Depth ≤ 17 (each level fixes one more base-4 digit), ≤ 3 pending siblings per level.
  const stack = STACK;
  let top = 0;
  stack[top++] = 0;
  stack[top++] = n;
  stack[top++] = 0x7fffffff; // the root has no parent: it is a group when small enough
  let size = 0;
  let groupCount = 0;
  // Open nodes whose skip is not known yet, with their ends (nested ranges, a stack).
  const openNode = OPEN_NODE;
  const openEnd = OPEN_END;
  let open = 0;
  while (top > 0) {
    const parentCount = stack[--top];
    const end = stack[--top];
    const start = stack[--top];
    const id = size++;
    while (open > 0 && openEnd[open - 1] <= start) skip[openNode[--open]] = id;
    const cnt = end - start;
    const at = 4 * id;
    nodes[at] = minX + (prefix[2 * end] - prefix[2 * start]) / cnt;
    nodes[at + 1] = minY + (prefix[2 * end + 1] - prefix[2 * start + 1]) / cnt;
    nodes[at + 2] = cnt;
    const first = codes[start];
    const last = codes[end - 1];
    const leaf = first === last;
    if (cnt <= GROUP_SIZE ? parentCount > GROUP_SIZE : leaf) {
      // A maximal small node is one group; a big leaf (many points in one finest cell) several.
      for (let s = start; s < end; s += GROUP_SIZE) {
        groups[2 * groupCount] = s;
        groups[2 * groupCount + 1] = Math.min(end, s + GROUP_SIZE);
        groupCount++;
      }
    }
    if (leaf) {
      nodes[at + 3] = -1; // leaf: one point, or several in the same finest cell
      skip[id] = id + 1;
      continue;
    }
    // The run shares its first `level` base-4 digits; it splits on the next one.
    const level = Math.clz32(first ^ last) >> 1;
    const cellSide = side / 2 ** level;
    nodes[at + 3] = cellSide * cellSide * invThetaSq;
    openNode[open] = id;
    openEnd[open++] = end;
    const shift = 2 * (BITS - 1 - level);
    // Child boundaries (first code with digit ≥ 1, 2, 3) by one linear scan: every point is scanned
    // once per level above it, cheaper than binary searches for the few points a deep node holds.
    let b1 = end;
    let b2 = end;
    let b3 = end;
    for (let s = start; s < end; s++) {
      const digit = (codes[s] >>> shift) & 3;
      if (digit === 0) continue;
      if (b1 === end) b1 = s;
      if (digit >= 2 && b2 === end) b2 = s;
      if (digit === 3) {
        b3 = s;
        break;
      }
    }
    if (b2 < b1) b2 = b1;
    if (b3 < b2) b3 = b2;
    // Push the non-empty children last-first, so the first one pops next (preorder).
    if (end > b3) {
      stack[top++] = b3;
      stack[top++] = end;
      stack[top++] = cnt;
    }
    if (b3 > b2) {
      stack[top++] = b2;
      stack[top++] = b3;
      stack[top++] = cnt;
    }
    if (b2 > b1) {
      stack[top++] = b1;
      stack[top++] = b2;
      stack[top++] = cnt;
    }
    if (b1 > start) {
      stack[top++] = start;
      stack[top++] = b1;
      stack[top++] = cnt;
    }
  }
  while (open > 0) skip[openNode[--open]] = size;
  t.counts[0] = size;
  t.counts[1] = groupCount;
}

/** A tree owned by one caller (tests, single-thread use): `build()` then read the arrays. */
export class GroupTree {
  readonly arrays: TreeArrays;
  constructor(
    private readonly n: number,
    shared: boolean,
  ) {
    this.arrays = allocateTree(n, shared);
  }
  build(y: Float64Array, theta: number): void {
    buildGroupTree(this.arrays, y, this.n, theta);
  }
  get size(): number {
    return this.arrays.counts[0];
  }
  get groupCount(): number {
    return this.arrays.counts[1];
  }
  get nodes(): Float64Array {
    return this.arrays.nodes;
  }
  get skip(): Int32Array {
    return this.arrays.skip;
  }
  get groups(): Int32Array {
    return this.arrays.groups;
  }
  get order(): Int32Array {
    return this.arrays.order;
  }
  get sorted(): Float64Array {
    return this.arrays.sorted;
  }
}

/** The group's list of accepted masses (x, y, count), grown as needed; one per thread. */
let listX: Float64Array = new Float64Array(1024);
let listY: Float64Array = new Float64Array(1024);
let listM: Float64Array = new Float64Array(1024);

/** One group's walk and sums (see the file comment); points [start, end) of the Morton order. */
export function groupRepulsion(
  nodes: Float64Array,
  skip: Int32Array,
  size: number,
  start: number,
  end: number,
  order: Int32Array,
  sorted: Float64Array,
  rep: Float64Array,
  zTerm: Float64Array,
): void {
  let bx0 = Infinity, bx1 = -Infinity, by0 = Infinity, by1 = -Infinity;
  for (let s = start; s < end; s++) {
    const a = sorted[2 * s];
    const b = sorted[2 * s + 1];
    if (a < bx0) bx0 = a;
    if (a > bx1) bx1 = a;
    if (b < by0) by0 = b;
    if (b > by1) by1 = b;
  }
  let lx = listX, ly = listY, lm = listM;
  let len = 0;
  let node = 0;
  while (node < size) {
    const at = 4 * node;
    const cx = nodes[at];
    const cy = nodes[at + 1];
    const dx = cx < bx0 ? bx0 - cx : cx > bx1 ? cx - bx1 : 0;
    const dy = cy < by0 ? by0 - cy : cy > by1 ? cy - by1 : 0;
    if (dx * dx + dy * dy <= nodes[at + 3]) {
      node++; // open: its first child follows in preorder
      continue;
    }
    if (len === lx.length) {
      const grow = (a: Float64Array): Float64Array => {
        const b = new Float64Array(2 * a.length);
        b.set(a);
        return b;
      };
      lx = listX = grow(lx);
      ly = listY = grow(ly);
      lm = listM = grow(lm);
    }
    lx[len] = cx;
    ly[len] = cy;
    lm[len] = nodes[at + 2];
    len++;
    node = skip[node];
  }
  // Two points per pass over the list: each mass is loaded once for both.
  let s = start;
  for (; s + 1 < end; s += 2) {
    const xa = sorted[2 * s], ya = sorted[2 * s + 1];
    const xb = sorted[2 * s + 2], yb = sorted[2 * s + 3];
    let fxa = 0, fya = 0, za = 0, fxb = 0, fyb = 0, zb = 0;
    for (let t = 0; t < len; t++) {
      const cx = lx[t], cy = ly[t], m = lm[t];
      const dxa = xa - cx, dya = ya - cy;
      const wa = 1 / (1 + dxa * dxa + dya * dya);
      const mwa = m * wa;
      za += mwa;
      fxa += mwa * wa * dxa;
      fya += mwa * wa * dya;
      const dxb = xb - cx, dyb = yb - cy;
      const wb = 1 / (1 + dxb * dxb + dyb * dyb);
      const mwb = m * wb;
      zb += mwb;
      fxb += mwb * wb * dxb;
      fyb += mwb * wb * dyb;
    }
    const a = order[s];
    const b = order[s + 1];
    rep[2 * a] = fxa;
    rep[2 * a + 1] = fya;
    zTerm[a] = za - 1; // the point itself sat in the list at distance 0 (w = 1)
    rep[2 * b] = fxb;
    rep[2 * b + 1] = fyb;
    zTerm[b] = zb - 1;
  }
  if (s < end) {
    const xi = sorted[2 * s], yi = sorted[2 * s + 1];
    let fx = 0, fy = 0, z = 0;
    for (let t = 0; t < len; t++) {
      const dx = xi - lx[t], dy = yi - ly[t];
      const w = 1 / (1 + dx * dx + dy * dy);
      const mw = lm[t] * w;
      z += mw;
      fx += mw * w * dx;
      fy += mw * w * dy;
    }
    const i = order[s];
    rep[2 * i] = fx;
    rep[2 * i + 1] = fy;
    zTerm[i] = z - 1;
  }
}
