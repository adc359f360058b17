/**
 * t-SNE repulsion by FFT-accelerated interpolation (FIt-SNE, Linderman et al. 2019; openTSNE):
 * the layout's bounding square is cut into B×B equal boxes with 3×3 Lagrange interpolation nodes
 * each (equispaced, spacing h = box width / 3), so the nodes form one m×m grid (m = 3B). Every
 * point spreads four charges (1, x, y, x² + y², coordinates taken from the grid's centre) onto the
 * nodes of its box; the charges are convolved with the kernel K²(d) = 1/(1 + d²)² on the grid (a
 * Toeplitz product, done as a circular convolution on an L×L grid, L ≥ 2m − 1, by FFT); each point
 * then interpolates the four potentials φ₀…φ₃ back from its box's nodes. From them:
 *   repulsion Σⱼ wᵢⱼ²(yᵢ − yⱼ) = yᵢ·φ₀ − (φ₁, φ₂),
 *   Z's share Σⱼ wᵢⱼ = (1 + |yᵢ|²)·φ₀ − 2 yᵢ·(φ₁, φ₂) + φ₃ − 1 (w·(1 + d²) = w; the −1 drops j = i).
 * The four real charges travel as two complex grids (1 + i·x, y + i·r²): the kernel is real and
 * even, so its spectrum is real and the real and imaginary parts never mix.
 *
 * Threading: each grid node sums only the points of its own box, in the order of a stable counting
 * sort by box, and a box belongs to exactly one part; rows and columns are transformed whole by one
 * part each; points are interpolated independently. So the result is the same, bit for bit, for any
 * number of parts.
 */
import { fftPlan } from "./fft";
import { partRange, sharedFloat64, sharedInt32 } from "./sharedArrays";
import type { Kernel, Team } from "./team";

/** Interpolation nodes per box side (the code below is written out for 3). */
export const INTERPOLATION_POINTS = 3;

export interface GridPlan {
  /** L: side of the circulant (FFT) grid, a power of two ≥ 2m − 1. */
  size: number;
  /** B: boxes per side actually used (m = 3B node rows / columns hold charges). */
  boxes: number;
  boxWidth: number;
  /** h = boxWidth / 3, the node spacing the kernel is sampled at. */
  spacing: number;
  /** Lower-left corner of box (0, 0). */
  x0: number;
  y0: number;
  /** Centre of the grid: the origin of the charges x, y (keeps x² + y² small, less cancellation). */
  cx: number;
  cy: number;
}

/** Box widths are rounded up to a power of 2^(1/8), so the kernel spectrum can be reused while the layout grows. */
const WIDTH_STEPS_PER_OCTAVE = 8;

/**
 * The grid for a layout spanning [minX, maxX] × [minY, maxY]: enough boxes that none is wider than
 * `maxBoxWidth` (at least `minBoxes`), in the smallest power-of-two FFT grid that holds them.
 */
export function planGrid(minX: number, maxX: number, minY: number, maxY: number, maxBoxWidth: number, minBoxes: number): GridPlan {
  const cx = (minX + maxX) / 2;
  const cy = (minY + maxY) / 2;
  // A hair wider than the points, so the extreme ones fall inside the last box, and never zero.
  const extent = Math.max(maxX - minX, maxY - minY, 1e-9) * (1 + 1e-9);
  const wanted = Math.max(minBoxes, Math.ceil(extent / maxBoxWidth));
  let size = 4;
  while (size < 6 * wanted - 1) size *= 2;
  const fit = Math.floor((size + 1) / 6); // most boxes this grid holds (2m − 1 ≤ L)
  const boxWidth = 2 ** (Math.ceil(WIDTH_STEPS_PER_OCTAVE * Math.log2(extent / fit)) / WIDTH_STEPS_PER_OCTAVE);
  const boxes = Math.max(1, Math.min(fit, Math.ceil(extent / boxWidth)));
  const side = boxes * boxWidth;
  return { size, boxes, boxWidth, spacing: boxWidth / INTERPOLATION_POINTS, x0: cx - side / 2, y0: cy - side / 2, cx, cy };
}

/**
 * The real spectrum of the circulant kernel K²(h·a, h·b), a, b ∈ (−L/2, L/2) (0 at ±L/2), scaled by
 * 1/L² (the inverse FFT is unscaled). The kernel is even in a and b, so the spectrum is real and
 * even: only the quadrant u, v ∈ [0, L/2] is stored, row-major with stride L/2 + 1 (and symmetric,
 * S[u][v] = S[v][u], as the kernel is). Two real even rows (then columns) share one complex FFT,
 * since each one's transform is real.
 */
export function kernelSpectrum(size: number, spacing: number): Float64Array {
  const half = size / 2;
  const q = half + 1;
  const fft = fftPlan(size);
  // The kernel on the quadrant a, b ∈ [0, L/2] (0 on the Nyquist row / column); the rest mirrors it.
  const quadrant = new Float64Array(q * q);
  for (let a = 0; a < half; a++) {
    for (let b = 0; b < half; b++) {
      const d2 = (a * a + b * b) * spacing * spacing;
      const w = 1 / (1 + d2);
      quadrant[a * q + b] = w * w;
    }
  }
  const mirrored = (row: Float64Array | null, at: number, out: Float64Array, offset: number): void => {
    // out[offset + 2b] = row value at circular index b (even: b and L − b alike).
    for (let b = 0; b < size; b++) out[offset + 2 * b] = row === null ? 0 : row[at + (b <= half ? b : size - b)];
  };
  // Rows a ∈ [0, L/2] transformed along b, two per complex FFT: rowSpectrum[a·q + v], v ∈ [0, L/2].
  const rowSpectrum = new Float64Array(q * q);
  const buf = new Float64Array(2 * size);
  for (let a = 0; a < q; a += 2) {
    const a2 = a + 1;
    mirrored(quadrant, a * q, buf, 0);
    if (a2 < q) mirrored(quadrant, a2 * q, buf, 1);
    else mirrored(null, 0, buf, 1);
    fft.transform(buf, 0, false);
    for (let v = 0; v < q; v++) {
      rowSpectrum[a * q + v] = buf[2 * v];
      if (a2 < q) rowSpectrum[a2 * q + v] = buf[2 * v + 1];
    }
  }
  // Columns v transformed along a (row a and row L − a are equal), two per complex FFT.
  const out = new Float64Array(q * q);
  const scale = 1 / (size * size);
  const column = new Float64Array(q);
  const column2 = new Float64Array(q);
  for (let v = 0; v < q; v += 2) {
    const v2 = v + 1;
    for (let a = 0; a < q; a++) {
      column[a] = rowSpectrum[a * q + v];
      column2[a] = v2 < q ? rowSpectrum[a * q + v2] : 0;
    }
    mirrored(column, 0, buf, 0);
    mirrored(column2, 0, buf, 1);
    fft.transform(buf, 0, false);
    for (let u = 0; u < q; u++) {
      out[u * q + v] = buf[2 * u] * scale;
      if (v2 < q) out[u * q + v2] = buf[2 * u + 1] * scale;
    }
  }
  return out;
}

/** Lagrange weights of the three nodes at 1/6, 1/2, 5/6 of a box, for a point at t ∈ [0, 1]. */
function weight0(t: number): number {
  return 4.5 * (t - 0.5) * (t - 5 / 6);
}
function weight1(t: number): number {
  return -9 * (t - 1 / 6) * (t - 5 / 6);
}
function weight2(t: number): number {
  return 4.5 * (t - 1 / 6) * (t - 0.5);
}

/**
 * Box of every point (row-major, by·B + bx) and a stable counting sort of the points by box:
 * `order[boxStart[b] … boxStart[b + 1])` are box b's points in index order. Sequential, O(N + B²).
 */
export function sortIntoBoxes(y: Float64Array, n: number, plan: GridPlan, boxOf: Int32Array, boxStart: Int32Array, order: Int32Array): void {
  const { boxes, boxWidth, x0, y0 } = plan;
  const nb = boxes * boxes;
  boxStart.fill(0, 0, nb + 1);
  const last = boxes - 1;
  for (let i = 0; i < n; i++) {
    let bx = Math.floor((y[2 * i] - x0) / boxWidth);
    let by = Math.floor((y[2 * i + 1] - y0) / boxWidth);
    bx = bx < 0 ? 0 : bx > last ? last : bx;
    by = by < 0 ? 0 : by > last ? last : by;
    const b = by * boxes + bx;
    boxOf[i] = b;
    boxStart[b + 1]++;
  }
  for (let b = 0; b < nb; b++) boxStart[b + 1] += boxStart[b];
  for (let i = 0; i < n; i++) order[boxStart[boxOf[i]]++] = i;
  for (let b = nb; b > 0; b--) boxStart[b] = boxStart[b - 1];
  boxStart[0] = 0;
}

/**
 * Splits the B box rows into `parts` runs with about as many points each (for the spreading
 * kernel): part p takes box rows [split[p], split[p + 1]).
 */
export function splitBoxRows(plan: GridPlan, boxStart: Int32Array, n: number, parts: number, split: Int32Array): void {
  const { boxes } = plan;
  split[0] = 0;
  let row = 0;
  for (let p = 1; p < parts; p++) {
    const target = (n * p) / parts;
    while (row < boxes && boxStart[(row + 1) * boxes] <= target) row++;
    split[p] = Math.max(split[p - 1], row);
  }
  split[parts] = boxes;
}

/** Arguments shared by the grid kernels. */
interface GridArgs {
  y: Float64Array;
  /** Two complex grids (L columns × at most L/2 rows, interleaved): (1, x) and (y, x² + y²). */
  gridA: Float64Array;
  gridB: Float64Array;
  size: number;
  boxes: number;
  boxWidth: number;
  x0: number;
  y0: number;
  cx: number;
  cy: number;
}

/**
 * Part p: zeroes its node rows (the box rows split[p]…split[p+1]), spreads its boxes' charges onto
 * them, then FFTs those rows of both grids.
 */
export const tsneSpread: Kernel = (raw, part) => {
  const a = raw as unknown as GridArgs & { order: Int32Array; boxStart: Int32Array; split: Int32Array };
  const { y, gridA, gridB, size, boxes, boxWidth, x0, y0, cx, cy, order, boxStart } = a;
  const rowFrom = 3 * a.split[part];
  const rowTo = 3 * a.split[part + 1];
  gridA.fill(0, 2 * size * rowFrom, 2 * size * rowTo);
  gridB.fill(0, 2 * size * rowFrom, 2 * size * rowTo);
  const stride = 2 * size;
  for (let b = a.split[part] * boxes, end = a.split[part + 1] * boxes; b < end; b++) {
    const bx = b % boxes;
    const by = (b - bx) / boxes;
    const left = x0 + bx * boxWidth;
    const bottom = y0 + by * boxWidth;
    const corner = 3 * by * stride + 6 * bx; // node (3·by, 3·bx), as a double offset
    for (let s = boxStart[b]; s < boxStart[b + 1]; s++) {
      const i = order[s];
      const px = y[2 * i];
      const py = y[2 * i + 1];
      const tx = (px - left) / boxWidth;
      const ty = (py - bottom) / boxWidth;
      const wx0 = weight0(tx), wx1 = weight1(tx), wx2 = weight2(tx);
      const qx = px - cx;
      const qy = py - cy;
      const qr = qx * qx + qy * qy;
      for (let ky = 0; ky < 3; ky++) {
        const wy = ky === 0 ? weight0(ty) : ky === 1 ? weight1(ty) : weight2(ty);
        const at = corner + ky * stride;
        let w = wy * wx0;
        gridA[at] += w;
        gridA[at + 1] += w * qx;
        gridB[at] += w * qy;
        gridB[at + 1] += w * qr;
        w = wy * wx1;
        gridA[at + 2] += w;
        gridA[at + 3] += w * qx;
        gridB[at + 2] += w * qy;
        gridB[at + 3] += w * qr;
        w = wy * wx2;
        gridA[at + 4] += w;
        gridA[at + 5] += w * qx;
        gridB[at + 4] += w * qy;
        gridB[at + 5] += w * qr;
      }
    }
  }
  const fft = fftPlan(size);
  for (let r = rowFrom; r < rowTo; r++) {
    fft.transform(gridA, r * size, false);
    fft.transform(gridB, r * size, false);
  }
};

/** Columns gathered per pass (8 complex = two cache lines per row). */
const PANEL = 8;
let panelScratch = new Float64Array(0);

/**
 * Part p: for its columns, FFT along the column (rows ≥ m are zero padding), multiply by the
 * kernel spectrum, inverse FFT, and keep rows < m.
 */
export const tsneConvolveColumns: Kernel = (raw, part, parts) => {
  const { gridA, gridB, size, boxes, spectrum } = raw as unknown as GridArgs & { spectrum: Float64Array };
  const m = 3 * boxes;
  const half = size / 2;
  const q = half + 1;
  const [from, to] = partRange(size, part, parts);
  if (panelScratch.length < 2 * size * PANEL) panelScratch = new Float64Array(2 * size * PANEL);
  const buf = panelScratch;
  const fft = fftPlan(size);
  for (const grid of [gridA, gridB]) {
    for (let c0 = from; c0 < to; c0 += PANEL) {
      const width = Math.min(PANEL, to - c0);
      // Gather: panel column j occupies buf[2·size·j …].
      for (let r = 0; r < m; r++) {
        const src = 2 * (r * size + c0);
        for (let j = 0; j < width; j++) {
          buf[2 * (j * size + r)] = grid[src + 2 * j];
          buf[2 * (j * size + r) + 1] = grid[src + 2 * j + 1];
        }
      }
      for (let j = 0; j < width; j++) {
        const col = c0 + j;
        // The spectrum is symmetric (S[u][v] = S[v][u]), so column v is contiguous: spectrum[v·q + u].
        const sv = (col <= half ? col : size - col) * q;
        const off = j * size;
        buf.fill(0, 2 * (off + m), 2 * (off + size));
        fft.transform(buf, off, false);
        for (let u = 0; u <= half; u++) {
          const sp = spectrum[sv + u];
          buf[2 * (off + u)] *= sp;
          buf[2 * (off + u) + 1] *= sp;
        }
        for (let u = half + 1; u < size; u++) {
          const sp = spectrum[sv + size - u];
          buf[2 * (off + u)] *= sp;
          buf[2 * (off + u) + 1] *= sp;
        }
        fft.transform(buf, off, true);
      }
      for (let r = 0; r < m; r++) {
        const dst = 2 * (r * size + c0);
        for (let j = 0; j < width; j++) {
          grid[dst + 2 * j] = buf[2 * (j * size + r)];
          grid[dst + 2 * j + 1] = buf[2 * (j * size + r) + 1];
        }
      }
    }
  }
};

/** Part p: inverse FFT of its share of the m node rows of both grids (the potentials at the nodes). */
export const tsneInverseRows: Kernel = (raw, part, parts) => {
  const { gridA, gridB, size, boxes } = raw as unknown as GridArgs;
  const [from, to] = partRange(3 * boxes, part, parts);
  const fft = fftPlan(size);
  for (let r = from; r < to; r++) {
    fft.transform(gridA, r * size, true);
    fft.transform(gridB, r * size, true);
  }
};

/**
 * Interpolates the potentials back to point i and returns Z's share; writes the repulsion
 * Σⱼ wᵢⱼ²(yᵢ − yⱼ) to rep[2i], rep[2i + 1]. Needs the grids after tsneInverseRows and `boxOf`.
 */
export function interpolatePoint(i: number, a: GridArgs, boxOf: Int32Array, rep: Float64Array): number {
  const { y, gridA, gridB, size, boxes, boxWidth, x0, y0, cx, cy } = a;
  const b = boxOf[i];
  const bx = b % boxes;
  const by = (b - bx) / boxes;
  const px = y[2 * i];
  const py = y[2 * i + 1];
  const tx = (px - (x0 + bx * boxWidth)) / boxWidth;
  const ty = (py - (y0 + by * boxWidth)) / boxWidth;
  const wx0 = weight0(tx), wx1 = weight1(tx), wx2 = weight2(tx);
  const stride = 2 * size;
  const corner = 3 * by * stride + 6 * bx;
  let p0 = 0, p1 = 0, p2 = 0, p3 = 0;
  for (let ky = 0; ky < 3; ky++) {
    const wy = ky === 0 ? weight0(ty) : ky === 1 ? weight1(ty) : weight2(ty);
    const at = corner + ky * stride;
    const w0 = wy * wx0, w1 = wy * wx1, w2 = wy * wx2;
    p0 += w0 * gridA[at] + w1 * gridA[at + 2] + w2 * gridA[at + 4];
    p1 += w0 * gridA[at + 1] + w1 * gridA[at + 3] + w2 * gridA[at + 5];
    p2 += w0 * gridB[at] + w1 * gridB[at + 2] + w2 * gridB[at + 4];
    p3 += w0 * gridB[at + 1] + w1 * gridB[at + 3] + w2 * gridB[at + 5];
  }
  const qx = px - cx;
  const qy = py - cy;
  rep[2 * i] = qx * p0 - p1;
  rep[2 * i + 1] = qy * p0 - p2;
  return (1 + qx * qx + qy * qy) * p0 - 2 * (qx * p1 + qy * p2) + p3 - 1;
}

export type { GridArgs };

export interface FftOptions {
  /** Widest box allowed, in layout units (the kernel changes on a scale of 1). */
  maxBoxWidth: number;
  /** Fewest boxes per side, however small the layout. */
  minBoxes: number;
}

/**
 * The grids and buffers of one t-SNE run's FFT repulsion, shared with the team. `convolve()` leaves
 * the potentials on the grids; `interpolatePoint(i, args, boxOf, rep)` then reads them per point.
 */
export class FftRepulsion {
  plan: GridPlan | null = null;
  readonly boxOf: Int32Array;
  private readonly order: Int32Array;
  private boxStart: Int32Array = new Int32Array(0);
  private readonly split: Int32Array;
  private gridA: Float64Array = new Float64Array(0);
  private gridB: Float64Array = new Float64Array(0);
  private spectrum: Float64Array = new Float64Array(0);
  private spectrumFor = "";
  /** Kernel spectra computed so far (the rest were reused). */
  spectra = 0;

  constructor(
    private readonly n: number,
    private readonly team: Team,
    private readonly options: FftOptions,
  ) {
    this.boxOf = sharedInt32(n, team.shared);
    this.order = sharedInt32(n, team.shared);
    this.split = sharedInt32(team.size + 1, team.shared);
  }

  /** Spreads the charges of layout `y` (bounding box given), convolves them with K², and returns the grid arguments. */
  async convolve(y: Float64Array, minX: number, maxX: number, minY: number, maxY: number): Promise<GridArgs> {
    const { n, team } = this;
    const plan = planGrid(minX, maxX, minY, maxY, this.options.maxBoxWidth, this.options.minBoxes);
    this.plan = plan;
    const { size, boxes } = plan;
    if (this.gridA.length < size * size) {
      this.gridA = sharedFloat64(size * size, team.shared); // L columns × L/2 rows, complex
      this.gridB = sharedFloat64(size * size, team.shared);
    }
    if (this.boxStart.length < boxes * boxes + 1) this.boxStart = sharedInt32(boxes * boxes + 1, team.shared);
    const key = `${size}:${plan.spacing}`;
    if (key !== this.spectrumFor) {
      const spectrum = kernelSpectrum(size, plan.spacing);
      // One shared buffer, refilled: a worker keeps every SharedArrayBuffer it was handed alive until
      // its own heap is collected, so a new one per spectrum (~90 in a run) would pile up.
      if (this.spectrum.length < spectrum.length) this.spectrum = sharedFloat64(spectrum.length, team.shared);
      this.spectrum.set(spectrum);
      this.spectrumFor = key;
      this.spectra++;
    }
    sortIntoBoxes(y, n, plan, this.boxOf, this.boxStart, this.order);
    splitBoxRows(plan, this.boxStart, n, team.size, this.split);
    const args: GridArgs = { y, gridA: this.gridA, gridB: this.gridB, ...plan };
    await team.run("tsneSpread", { ...args, order: this.order, boxStart: this.boxStart, split: this.split });
    await team.run("tsneConvolveColumns", { ...args, spectrum: this.spectrum });
    await team.run("tsneInverseRows", { ...args });
    return args;
  }
}
