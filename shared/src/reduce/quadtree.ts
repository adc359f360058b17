/**
 * A point quadtree in flat typed arrays, for Barnes-Hut walks per point: out-of-sample t-SNE
 * placement (transform.ts) walks the fitted layout's tree. (t-SNE's own fit uses the group tree in
 * tsneTree.ts.) Each node keeps its point count and the sum of its points' positions (the centre
 * of mass); a leaf holds one point, or several that share a position (a "bundle").
 */

const NO_CHILD = -1;
/** Below this a cell is ~1e-15 of the root: points that close are treated as coincident. */
const MAX_DEPTH = 50;

export class QuadTree {
  private capacity = 0;
  size = 0;
  centreX = new Float64Array(0);
  centreY = new Float64Array(0);
  halfWidth = new Float64Array(0);
  massX = new Float64Array(0);
  massY = new Float64Array(0);
  count = new Int32Array(0);
  /** Index of the first of four consecutive children, or NO_CHILD for a leaf. */
  firstChild = new Int32Array(0);
  /** For a leaf: the first point stored there (−1 when empty). */
  point = new Int32Array(0);
  /**
   * What Barnes-Hut reads, for the non-empty nodes in depth-first preorder, interleaved for
   * locality: centre-of-mass x, y, point count, and the squared distance beyond which the node may
   * act as one mass ((side / θ)², −1 for a leaf, which always may).
   */
  summary = new Float64Array(0);
  /** In preorder: the position just past a node's subtree (where a traversal goes after using it). */
  skip = new Int32Array(0);
  /** Number of entries in `summary` / `skip`. */
  flatSize = 0;
  /** Points in leaf order (depth first), so consecutive traversals walk nearly the same path. */
  order = new Int32Array(0);
  private subtree = new Int32Array(0);
  /** Next point in the same leaf bundle, −1 at the end. */
  private nextInLeaf = new Int32Array(0);

  /** Builds the tree of the interleaved positions `y` (length 2N). */
  build(y: Float64Array, n: number): void {
    this.ensureCapacity(Math.max(16, 4 * n + 1));
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = y[2 * i];
      const v = y[2 * i + 1];
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (v < minY) minY = v;
      if (v > maxY) maxY = v;
    }
    const half = Math.max(maxX - minX, maxY - minY) / 2;
    if (this.nextInLeaf.length < n) {
      this.nextInLeaf = new Int32Array(n);
      this.order = new Int32Array(n);
    }
    this.size = 0;
    this.newNode((minX + maxX) / 2, (minY + maxY) / 2, half * (1 + 1e-6) + 1e-12);
    for (let i = 0; i < n; i++) this.insert(i, y[2 * i], y[2 * i + 1], y);
  }

  /**
   * Lays the tree out for traversal with opening angle θ (call after build()): a traversal is then
   * a forward scan that either uses a node and jumps to `skip`, or opens it and steps to the next.
   */
  summarize(theta: number): void {
    if (this.summary.length < 4 * this.size) {
      this.summary = new Float64Array(4 * this.capacity);
      this.skip = new Int32Array(this.capacity);
      this.subtree = new Int32Array(this.capacity);
    }
    const { count, firstChild, summary, skip, subtree } = this;
    // Children are always created after their parent, so a reverse sweep sees children first.
    for (let node = this.size - 1; node >= 0; node--) {
      if (count[node] === 0) {
        subtree[node] = 0;
        continue;
      }
      const c = firstChild[node];
      subtree[node] = c === NO_CHILD ? 1 : 1 + subtree[c] + subtree[c + 1] + subtree[c + 2] + subtree[c + 3];
    }
    const invThetaSq = theta > 0 ? 1 / (theta * theta) : Infinity;
    const stack: number[] = [0];
    let out = 0;
    let points = 0;
    while (stack.length > 0) {
      const node = stack.pop() as number;
      const at = out++;
      const cnt = count[node];
      const side = 2 * this.halfWidth[node];
      summary[4 * at] = this.massX[node] / cnt;
      summary[4 * at + 1] = this.massY[node] / cnt;
      summary[4 * at + 2] = cnt;
      skip[at] = at + subtree[node];
      const c = firstChild[node];
      if (c === NO_CHILD) {
        summary[4 * at + 3] = -1;
        for (let p = this.point[node]; p >= 0; p = this.nextInLeaf[p]) this.order[points++] = p;
        continue;
      }
      summary[4 * at + 3] = side * side * invThetaSq;
      for (let k = 3; k >= 0; k--) if (count[c + k] > 0) stack.push(c + k);
    }
    this.flatSize = out;
  }

  private ensureCapacity(wanted: number): void {
    if (wanted <= this.capacity) return;
    const grow = <T extends Float64Array | Int32Array>(old: T, make: (len: number) => T): T => {
      const next = make(wanted);
      next.set(old.subarray(0, this.size) as never);
      return next;
    };
    this.centreX = grow(this.centreX, (l) => new Float64Array(l));
    this.centreY = grow(this.centreY, (l) => new Float64Array(l));
    this.halfWidth = grow(this.halfWidth, (l) => new Float64Array(l));
    this.massX = grow(this.massX, (l) => new Float64Array(l));
    this.massY = grow(this.massY, (l) => new Float64Array(l));
    this.count = grow(this.count, (l) => new Int32Array(l));
    this.firstChild = grow(this.firstChild, (l) => new Int32Array(l));
    this.point = grow(this.point, (l) => new Int32Array(l));
    this.capacity = wanted;
  }

  private newNode(cx: number, cy: number, half: number): number {
    if (this.size === this.capacity) this.ensureCapacity(this.capacity * 2);
    const id = this.size++;
    this.centreX[id] = cx;
    this.centreY[id] = cy;
    this.halfWidth[id] = half;
    this.massX[id] = 0;
    this.massY[id] = 0;
    this.count[id] = 0;
    this.firstChild[id] = NO_CHILD;
    this.point[id] = -1;
    return id;
  }

  private childFor(node: number, x: number, v: number): number {
    return this.firstChild[node] + (x > this.centreX[node] ? 1 : 0) + (v > this.centreY[node] ? 2 : 0);
  }

  private split(node: number): void {
    const half = this.halfWidth[node] / 2;
    const cx = this.centreX[node];
    const cy = this.centreY[node];
    // Children in the order childFor() computes: (−,−), (+,−), (−,+), (+,+).
    const first = this.newNode(cx - half, cy - half, half);
    this.newNode(cx + half, cy - half, half);
    this.newNode(cx - half, cy + half, half);
    this.newNode(cx + half, cy + half, half);
    this.firstChild[node] = first;
  }

  private insert(i: number, x: number, v: number, y: Float64Array): void {
    let node = 0;
    for (let depth = 0; ; depth++) {
      if (this.firstChild[node] === NO_CHILD) {
        if (this.count[node] === 0) {
          this.nextInLeaf[i] = -1;
          this.point[node] = i;
          this.count[node] = 1;
          this.massX[node] = x;
          this.massY[node] = v;
          return;
        }
        const resident = this.point[node];
        const rx = y[2 * resident];
        const ry = y[2 * resident + 1];
        if ((rx === x && ry === v) || depth >= MAX_DEPTH) {
          this.nextInLeaf[i] = this.nextInLeaf[resident];
          this.nextInLeaf[resident] = i;
          this.count[node]++;
          this.massX[node] += x;
          this.massY[node] += v;
          return;
        }
        // Push the resident bundle one level down, then continue as an internal node.
        this.split(node);
        const child = this.childFor(node, rx, ry);
        this.point[child] = resident;
        this.count[child] = this.count[node];
        this.massX[child] = this.massX[node];
        this.massY[child] = this.massY[node];
        this.point[node] = -1;
      }
      this.count[node]++;
      this.massX[node] += x;
      this.massY[node] += v;
      node = this.childFor(node, x, v);
    }
  }
}
