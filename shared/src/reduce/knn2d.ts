/**
 * k nearest neighbours in a 2-D layout: a kd-tree in flat typed arrays, built once in
 * O(N log N) (median splits by quickselect on the wider side) and queried in O(log N + k) per
 * point on typical layouts — instead of the O(N²) scan. Used by the layout-quality step.
 *
 * Order of the answer: nearest first; equal distances keep the order the tree visits them, which
 * depends only on the coordinates, so the result is deterministic.
 */

/** Points per leaf: a linear scan of this many beats descending further. */
const LEAF_SIZE = 12;

export class PlaneTree {
  /** Point indices, permuted so that every node's points are contiguous. */
  private readonly perm: Int32Array;
  /** Coordinates in `perm` order (cache-friendly leaf scans). */
  private readonly px: Float64Array;
  private readonly py: Float64Array;
  /** Position of each point in `perm`. */
  private readonly pos: Int32Array;
  /** Per internal node (heap numbering, root 1): split axis (0 = x, 1 = y) and value. */
  private readonly axis: Uint8Array;
  private readonly split: Float64Array;
  /** Best-so-far buffers of the current query (sorted ascending). */
  private bestD = new Float64Array(0);
  private bestJ = new Int32Array(0);
  private found = 0;
  private want = 0;
  private self = -1;
  private qx = 0;
  private qy = 0;

  /** `coords` is interleaved x0, y0, x1, y1… of `n` points. */
  constructor(
    coords: ArrayLike<number>,
    readonly n: number,
  ) {
    this.perm = new Int32Array(n);
    for (let i = 0; i < n; i++) this.perm[i] = i;
    const xs = new Float64Array(n);
    const ys = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      xs[i] = coords[2 * i];
      ys[i] = coords[2 * i + 1];
    }
    let leaves = 1;
    while (leaves * LEAF_SIZE < n) leaves *= 2;
    this.axis = new Uint8Array(2 * leaves);
    this.split = new Float64Array(2 * leaves);
    this.build(xs, ys);
    this.px = new Float64Array(n);
    this.py = new Float64Array(n);
    this.pos = new Int32Array(n);
    for (let p = 0; p < n; p++) {
      this.px[p] = xs[this.perm[p]];
      this.py[p] = ys[this.perm[p]];
      this.pos[this.perm[p]] = p;
    }
  }

  /** Iterative top-down build: each node splits [lo, hi) at its middle position. */
  private build(xs: Float64Array, ys: Float64Array): void {
    const stack: number[] = [1, 0, this.n];
    while (stack.length) {
      const hi = stack.pop() as number;
      const lo = stack.pop() as number;
      const node = stack.pop() as number;
      if (hi - lo <= LEAF_SIZE) continue;
      let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
      for (let p = lo; p < hi; p++) {
        const i = this.perm[p];
        if (xs[i] < minX) minX = xs[i];
        if (xs[i] > maxX) maxX = xs[i];
        if (ys[i] < minY) minY = ys[i];
        if (ys[i] > maxY) maxY = ys[i];
      }
      const a = maxY - minY > maxX - minX ? 1 : 0;
      const values = a === 0 ? xs : ys;
      const mid = (lo + hi) >> 1;
      select(this.perm, values, lo, hi - 1, mid);
      this.axis[node] = a;
      this.split[node] = values[this.perm[mid]];
      stack.push(2 * node, lo, mid, 2 * node + 1, mid, hi);
    }
  }

  /**
   * Writes the `k` nearest other points of point `i` (nearest first) to `out[offset…]`; when
   * fewer than `k` other points exist, the rest is -1.
   */
  query(i: number, k: number, out: Int32Array, offset = 0): void {
    if (this.bestD.length < k) {
      this.bestD = new Float64Array(k);
      this.bestJ = new Int32Array(k);
    }
    this.found = 0;
    this.want = k;
    this.self = i;
    this.bestD.fill(Infinity, 0, k);
    this.qx = this.px[this.pos[i]];
    this.qy = this.py[this.pos[i]];
    if (k > 0) this.visit(1, 0, this.n);
    for (let t = 0; t < k; t++) out[offset + t] = t < this.found ? this.bestJ[t] : -1;
  }

  private visit(node: number, lo: number, hi: number): void {
    if (hi - lo <= LEAF_SIZE) {
      for (let p = lo; p < hi; p++) {
        const j = this.perm[p];
        if (j === this.self) continue;
        const dx = this.px[p] - this.qx;
        const dy = this.py[p] - this.qy;
        this.offer(dx * dx + dy * dy, j);
      }
      return;
    }
    const mid = (lo + hi) >> 1;
    const diff = (this.axis[node] === 0 ? this.qx : this.qy) - this.split[node];
    // Points at the split value can sit on either side (quickselect), so "near" includes equality.
    if (diff < 0) {
      this.visit(2 * node, lo, mid);
      if (this.found < this.want || diff * diff <= this.bestD[this.want - 1]) this.visit(2 * node + 1, mid, hi);
    } else {
      this.visit(2 * node + 1, mid, hi);
      if (this.found < this.want || diff * diff <= this.bestD[this.want - 1]) this.visit(2 * node, lo, mid);
    }
  }

  /** Inserts (d, j) into the sorted best list if it beats the worst kept. */
  private offer(d: number, j: number): void {
    const k = this.want;
    const bestD = this.bestD;
    const bestJ = this.bestJ;
    if (this.found === k && d >= bestD[k - 1]) return;
    let p = this.found < k ? this.found++ : k - 1;
    while (p > 0 && bestD[p - 1] > d) {
      bestD[p] = bestD[p - 1];
      bestJ[p] = bestJ[p - 1];
      p--;
    }
    bestD[p] = d;
    bestJ[p] = j;
  }
}

/**
 * Rearranges `perm[lo..hi]` (inclusive) so that position `nth` holds the element of that rank by
 * `values[perm[·]]`, smaller-or-equal ones before it and greater-or-equal after (Hoare's
 * quickselect, median-of-three pivot; equal keys stop both scans, so many ties stay O(n)).
 */
function select(perm: Int32Array, values: Float64Array, lo: number, hi: number, nth: number): void {
  while (hi > lo) {
    const m = (lo + hi) >> 1;
    const a = values[perm[lo]], b = values[perm[m]], c = values[perm[hi]];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[perm[i]] < pivot) i++;
      while (values[perm[j]] > pivot) j--;
      if (i <= j) {
        const t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
        i++;
        j--;
      }
    }
    if (nth <= j) hi = j;
    else if (nth >= i) lo = i;
    else return;
  }
}

/** The `k` nearest 2-D neighbours of every point (self excluded), N×k row-major, nearest first. */
export function planeKnn(coords: ArrayLike<number>, n: number, k: number): Int32Array {
  const tree = new PlaneTree(coords, n);
  const out = new Int32Array(n * k);
  for (let i = 0; i < n; i++) tree.query(i, k, out, i * k);
  return out;
}
