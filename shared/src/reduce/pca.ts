/**
 * PCA to 2-D, matching numpy's SVD of the centred matrix (what the original Python feature did):
 * scores = Xc·V, singular values = sqrt(eigenvalues of XcᵀXc), explained variance ratio =
 * eigenvalue / total variance.
 *
 * Two ways to the top-k eigenpairs of XcᵀXc, whichever needs fewer multiply-adds (`chooseMethod`):
 * - block Lanczos (linalg.ts `blockKrylovEigen`) whose operator is one pass over the rows
 *   (pcaKernels.ts `pcaApply`: S = Xc·V, then XcᵀS, for a block of 4–8 vectors), until every
 *   residual ‖Av − λv‖ ≤ 1e-7·λ₁: ~10–12 passes for k = 2 at 384 dims. Neither the D×D matrix nor
 *   a centred copy of the data is formed. Used for wide vectors (k = 2: from ≈190 dims).
 * - the D×D scatter matrix in one pass (`pcaScatter`), then the dense eigensolver (narrow vectors,
 *   or many axes, e.g. t-SNE's 50).
 * Plus one pass for the mean and one for the scores. Passes are split into fixed row chunks whose
 * partial sums are added in chunk order, so the result is bit-for-bit the same on any number of
 * threads (a thread team, team.ts, when ctx.threads > 1 and the input is large and shared).
 */
import { InputError } from "../errors";
import type { PcaParams } from "../types";
import { blockKrylovEigen, topEigenpairs, type BlockOperator } from "./linalg";
import { Pacer } from "./pacer";
import { PCA_KERNELS, pcaChunkRows, pcaScatterRows } from "./pcaKernels";
import { sharedFloat64, sharedInt32 } from "./sharedArrays";
import { Team, type KernelArgs } from "./team";
import type { ReduceContext, Reducer, ReducerResult, VectorMatrix } from "./types";

export interface PrincipalAxes {
  /** n×k row-major scores (projection of the centred rows), Float64. */
  scores: Float64Array;
  /** k×dims row-major unit loadings; each one's largest-magnitude entry is positive; zeros beyond the data's rank. */
  components: Float64Array;
  /** Eigenvalues of XcᵀXc (squared singular values), descending, length k. */
  eigenvalues: Float64Array;
  /** Σ‖xᵢ − μ‖² = the sum of all eigenvalues. */
  totalVariance: number;
  /** The column means μ (length dims): a new point x projects to (x − μ)·components. */
  mean: Float64Array;
  /** Passes over the data: mean, then the scatter matrix (1) or Lanczos blocks, then scores. */
  passes: number;
  /** "lanczos" (block Lanczos on XcᵀXc) or "covariance" (D×D scatter matrix + dense eigensolver). */
  method: "lanczos" | "covariance";
  /** Threads that ran the passes. */
  threads: number;
}

export interface PcaOptions {
  /** Threads to use (default 1); a team is started only for inputs large enough to gain from it. */
  threads?: number;
  workerScript?: string;
  /** A team the caller already runs (left open); used when the data is on a SharedArrayBuffer. */
  team?: Team;
  /**
   * Relative residual ‖Av − λv‖/λ₁ at which Lanczos stops (default 1e-7: on the 50k × 384 test
   * data the scores then differ from numpy's float64 eigh by ≈1e-9 relative, below Float32 output
   * resolution; the Rayleigh–Ritz vectors are far more accurate than the residual suggests).
   */
  tolerance?: number;
  /** Lanczos block size (default 4 for k ≤ 4, else 8). */
  blockSize?: number;
  /** Force a method (default: the one with fewer multiply-adds, see `chooseMethod`). */
  method?: "lanczos" | "covariance";
}

const DEFAULT_TOLERANCE = 1e-7;
/** Multiply-adds per thread per team call: ≈5 ms on an idle core, so an abort is seen well within 100 ms under load. */
const CALL_WORK = 1 << 23;
/** Below this many input values (N·D), starting workers (≈50–150 ms) costs more than they save. */
const PARALLEL_MIN_VALUES = 1 << 22;
/** Progress is reported on this scale (the pacer sends at most 100 events). */
const PROGRESS_TOTAL = 1000;
/** An eigenvalue below this fraction of the total variance is round-off: the axis is beyond the rank. */
const RANK_EPSILON = 1e-12;
/** Lanczos passes a typical run needs (the first progress estimate; refined from the residuals). */
const EXPECTED_PASSES = 12;

type PcaKernel = keyof typeof PCA_KERNELS;

/**
 * Runs the data passes on a team or inline, reporting progress and pacing between calls. The first
 * call of each pass kind is one chunk per thread: V8 runs a kernel's first loops unoptimised, and
 * a full-size first call measured 150–250 ms without a yield under load.
 */
class PassRunner {
  private reported = 0;
  private done = 0;
  private next: Int32Array | null = null;

  constructor(
    private readonly team: Team | null,
    private readonly pacer: Pacer,
    /** Work expected in all (units: one pass of N·D multiply-adds); refined as Lanczos converges. */
    private expected: number,
  ) {}

  get size(): number {
    return this.team?.size ?? 1;
  }
  get shared(): boolean {
    return this.team?.shared ?? false;
  }

  /** The chunk counter of the next call (pcaKernels.ts `claim`), zeroed. */
  counter(): Int32Array {
    this.next ??= sharedInt32(1, this.shared);
    Atomics.store(this.next, 0, 0);
    return this.next;
  }

  async run(name: PcaKernel, args: KernelArgs): Promise<void> {
    if (this.team) await this.team.run(name, args);
    else PCA_KERNELS[name](args, 0, 1);
  }

  /** Records `cost` units of finished work and paces. */
  async advance(cost: number): Promise<void> {
    this.done += cost;
    const fraction = Math.min(0.99, this.done / Math.max(this.expected, 1e-9));
    this.reported = Math.max(this.reported, Math.floor(fraction * PROGRESS_TOTAL));
    this.pacer.progress("pca", this.reported, PROGRESS_TOTAL);
    await this.pacer.pace();
  }

  /** After a Lanczos pass: the passes still needed, extrapolated from the residual's decay. */
  reestimate(residual: number, previous: number, tolerance: number, passCost: number, tail: number): void {
    let remaining = 0;
    if (residual > tolerance) {
      const rate = Number.isFinite(previous) && previous > 0 && residual < previous ? Math.max(0.05, residual / previous) : 0.7;
      remaining = Number.isFinite(residual) ? Math.max(1, Math.ceil(Math.log(residual / tolerance) / -Math.log(rate))) : EXPECTED_PASSES;
    }
    this.expected = Math.max(this.done + tail + 1e-9, this.done + remaining * passCost + tail);
  }
}

/** The top-k principal axes of `input` (k ≥ 1); axes beyond the data's rank come out as zeros. */
export async function principalAxes(input: VectorMatrix, k: number, pacer: Pacer, options: PcaOptions = {}): Promise<PrincipalAxes> {
  const { data, n, dims } = input;
  const onShared = data.buffer instanceof SharedArrayBuffer;
  let team: Team | null = null;
  let ownTeam = false;
  if (options.team && (options.team.size === 1 || onShared)) team = options.team;
  else if (!options.team && (options.threads ?? 1) > 1 && onShared && n * dims >= PARALLEL_MIN_VALUES) {
    team = await Team.create(options.threads ?? 1, options.workerScript);
    ownTeam = true;
  }
  try {
    return await computeAxes(input, k, pacer, options, team);
  } finally {
    if (ownTeam && team) await team.close();
  }
}

/**
 * Which way is cheaper, in multiply-adds per input value: the scatter matrix costs D/2; Lanczos
 * costs 2·(block size)·(passes), measured ≈ 2·max(48, 4.4·k) (k = 2: 10–12 passes of 4 vectors;
 * k = 50: 27 passes of 8). So k = 2 uses the scatter matrix below ≈190 dims, k = 50 below ≈880.
 */
function chooseMethod(dims: number, k: number, options: PcaOptions): "lanczos" | "covariance" {
  if (options.method) return options.method;
  return dims / 2 < 2 * Math.max(48, 4.4 * k) ? "covariance" : "lanczos";
}

async function computeAxes(input: VectorMatrix, k: number, pacer: Pacer, options: PcaOptions, team: Team | null): Promise<PrincipalAxes> {
  const { data, n, dims } = input;
  const method = chooseMethod(dims, k, options);
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const blockSize = Math.min(dims, Math.max(1, options.blockSize ?? (k <= 4 ? 4 : 8)));
  const passCost = 2 * blockSize;
  const scatterCost = dims / 2;
  const tail = k; // the scores pass
  const runner = new PassRunner(team, pacer, 1 + (method === "covariance" ? scatterCost : EXPECTED_PASSES * passCost) + tail);
  const shared = runner.shared;

  const { mean, totalVariance } = await moments(input, runner);

  let eigenvalues: Float64Array;
  let components: Float64Array;
  let passes: number;
  if (method === "covariance") {
    const scatter = await scatterMatrix(input, mean, runner, scatterCost);
    const eig = await topEigenpairs(scatter, dims, k, { pacer, tolerance });
    eigenvalues = eig.values;
    components = eig.vectors;
    passes = 1;
  } else {
    let previous = Infinity;
    const eig = await blockKrylovEigen(centredScatterOperator(input, mean, runner), dims, k, {
      blockSize,
      tolerance,
      pacer,
      onPass: (_passes, residual) => {
        runner.reestimate(residual, previous, tolerance, passCost, tail);
        previous = residual;
      },
    });
    eigenvalues = eig.values;
    components = eig.vectors;
    passes = eig.passes;
  }

  for (let j = 0; j < k; j++) {
    const row = j * dims;
    if (!(eigenvalues[j] > RANK_EPSILON * totalVariance)) {
      eigenvalues[j] = 0; // round-off on a PSD matrix, or an axis beyond the rank
      components.fill(0, row, row + dims);
      continue;
    }
    let best = 0;
    for (let c = 1; c < dims; c++) if (Math.abs(components[row + c]) > Math.abs(components[row + best])) best = c;
    if (components[row + best] < 0) for (let c = 0; c < dims; c++) components[row + c] = -components[row + c];
  }

  // Last pass: scores = (x − μ)·w for every row.
  const axes = sharedFloat64(dims * k, shared);
  const axisOffsets = sharedFloat64(k, shared);
  for (let j = 0; j < k; j++) {
    let offset = 0;
    for (let c = 0; c < dims; c++) {
      axes[c * k + j] = components[j * dims + c];
      offset += mean[c] * components[j * dims + c];
    }
    axisOffsets[j] = offset;
  }
  const scores = sharedFloat64(n * k, shared);
  const rowsPerCall = runner.size * Math.max(1, Math.floor(CALL_WORK / (dims * k)));
  for (let first = 0, rowCount = 0; first < n; first += rowCount) {
    rowCount = Math.min(first === 0 ? Math.ceil(rowsPerCall / 16) : rowsPerCall, n - first);
    await runner.run("pcaScores", { data, dims, firstRow: first, rowCount, axes, offsets: axisOffsets, k, scores });
    await runner.advance((tail * rowCount) / n);
  }
  return { scores, components, eigenvalues, totalVariance, mean, passes: passes + 2, threads: runner.size, method };
}

/** Pass 1: column means and Σ‖x − μ‖², shifted by the first row against cancellation. */
async function moments(input: VectorMatrix, runner: PassRunner): Promise<{ mean: Float64Array; totalVariance: number }> {
  const { data, n, dims } = input;
  const chunkRows = pcaChunkRows(dims);
  const chunks = Math.ceil(n / chunkRows);
  const shift = sharedFloat64(dims, runner.shared);
  for (let c = 0; c < dims; c++) shift[c] = data[c];
  // A value costs this pass about what 4 multiply-adds cost the others (a load and store per column).
  const perCall = runner.size * Math.max(1, Math.floor(CALL_WORK / (4 * chunkRows * dims)));
  const partial = sharedFloat64(Math.min(perCall, chunks) * (dims + 1), runner.shared);
  const sums = new Float64Array(dims);
  let squares = 0;
  for (let first = 0, count = 0; first < chunks; first += count) {
    count = Math.min(first === 0 ? runner.size : perCall, chunks - first);
    await runner.run("pcaMoments", { data, n, dims, chunkRows, firstChunk: first, chunkCount: count, shift, partial, next: runner.counter() });
    for (let i = 0; i < count; i++) {
      const base = i * (dims + 1);
      for (let c = 0; c < dims; c++) sums[c] += partial[base + c];
      squares += partial[base + dims];
    }
    await runner.advance(count / chunks);
  }
  const mean = new Float64Array(dims);
  let shiftSquares = 0;
  for (let c = 0; c < dims; c++) {
    mean[c] = shift[c] + sums[c] / n;
    shiftSquares += (sums[c] * sums[c]) / n;
  }
  return { mean, totalVariance: Math.max(0, squares - shiftSquares) };
}

/** The D×D scatter matrix Σ (x − μ)(x − μ)ᵀ in one pass, group partials added in group order. */
async function scatterMatrix(input: VectorMatrix, mean: Float64Array, runner: PassRunner, cost: number): Promise<Float64Array> {
  const { data, n, dims: d } = input;
  const groupRows = pcaScatterRows(d);
  const groups = Math.ceil(n / groupRows);
  const perCall = runner.size;
  const sharedMean = sharedFloat64(d, runner.shared);
  sharedMean.set(mean);
  const partial = sharedFloat64(Math.min(perCall, groups) * d * d, runner.shared);
  const s = new Float64Array(d * d);
  for (let first = 0; first < groups; first += perCall) {
    const count = Math.min(perCall, groups - first);
    await runner.run("pcaScatter", { data, n, dims: d, groupRows, firstGroup: first, groupCount: count, mean: sharedMean, partial });
    for (let g = 0; g < count; g++) {
      const o = g * d * d;
      for (let i = 0; i < d; i++) for (let j = i; j < d; j++) s[i * d + j] += partial[o + i * d + j];
    }
    await runner.advance((cost * count) / groups);
  }
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) s[j * d + i] = s[i * d + j];
  return s;
}

/** XcᵀXc as a block operator: one pass over the rows per block (pcaApply), chunk partials added in order. */
function centredScatterOperator(input: VectorMatrix, mean: Float64Array, runner: PassRunner): BlockOperator {
  const { data, n, dims } = input;
  const shared = runner.shared;
  const chunkRows = pcaChunkRows(dims);
  const chunks = Math.ceil(n / chunkRows);
  let basis = sharedFloat64(0, shared);
  let offsets = sharedFloat64(0, shared);
  let partial = sharedFloat64(0, shared);
  let warm = false;
  return async (x, b, out) => {
    if (basis.length < dims * b) {
      basis = sharedFloat64(dims * b, shared);
      offsets = sharedFloat64(b, shared);
    }
    for (let j = 0; j < b; j++) {
      let offset = 0;
      for (let c = 0; c < dims; c++) {
        basis[c * b + j] = x[j * dims + c];
        offset += mean[c] * x[j * dims + c];
      }
      offsets[j] = offset;
    }
    const stride = dims * b + b;
    const perCall = runner.size * Math.max(1, Math.floor(CALL_WORK / (2 * chunkRows * dims * b)));
    if (partial.length < Math.min(perCall, chunks) * stride) partial = sharedFloat64(Math.min(perCall, chunks) * stride, shared);
    const acc = new Float64Array(stride);
    for (let first = 0, count = 0; first < chunks; first += count) {
      count = Math.min(warm ? perCall : runner.size, chunks - first);
      warm = true;
      await runner.run("pcaApply", { data, n, dims, chunkRows, firstChunk: first, chunkCount: count, basis, offsets, b, partial, next: runner.counter() });
      for (let i = 0; i < count; i++) {
        const base = i * stride;
        for (let t = 0; t < stride; t++) acc[t] += partial[base + t];
      }
      await runner.advance((2 * b * count) / chunks);
    }
    // Xcᵀ(Xc·V) = Xᵀ(Xc·V) − μ·1ᵀ(Xc·V).
    for (let j = 0; j < b; j++) {
      const colSum = acc[dims * b + j];
      for (let c = 0; c < dims; c++) out[j * dims + c] = acc[c * b + j] - mean[c] * colSum;
    }
  };
}

const NEVER_ABORTED: ReduceContext = { signal: new AbortController().signal, seed: 0 };

/**
 * PCA scores (n×k, Float64) for initialising another reducer's layout. Uses ctx.threads; pass
 * `options.team` to run on a team the caller already has.
 */
export async function pcaInit(input: VectorMatrix, k: number, ctx: ReduceContext = NEVER_ABORTED, options: PcaOptions = {}): Promise<Float64Array> {
  const axes = await principalAxes(input, k, new Pacer(ctx), { threads: ctx.threads, workerScript: ctx.workerScript, ...options });
  return axes.scores;
}

export const pca: Reducer<PcaParams> = async (input, _params, ctx): Promise<ReducerResult> => {
  if (input.n < 2) throw new InputError(`At least two samples are required for PCA projection (got ${input.n})`, "sample", "Select a source or sample with two or more points.");
  if (input.dims < 2) throw new InputError(`Vectors must have at least two dimensions for PCA projection (got ${input.dims})`, undefined, "Use a vector field with two or more dimensions.");
  const pacer = new Pacer(ctx);
  pacer.check();
  pacer.progress("pca", 0, PROGRESS_TOTAL);
  const axes = await principalAxes(input, 2, pacer, { threads: ctx.threads, workerScript: ctx.workerScript });
  const coords = new Float32Array(2 * input.n);
  for (let i = 0; i < 2 * input.n; i++) coords[i] = axes.scores[i];
  const total = axes.totalVariance;
  const explained = total > 0 ? Array.from(axes.eigenvalues, (e) => e / total) : [0, 0];
  pacer.progress("pca", PROGRESS_TOTAL, PROGRESS_TOTAL);
  return {
    coords,
    meta: {
      explained_variance_ratio: explained,
      singular_values: Array.from(axes.eigenvalues, (e) => Math.sqrt(e)),
      method: axes.method === "lanczos" ? "block-lanczos" : "covariance",
      passes: axes.passes,
      threads: axes.threads,
      mean: Array.from(axes.mean),
      components: [0, 1].map((j) => Array.from(axes.components.subarray(j * input.dims, (j + 1) * input.dims))),
    },
  };
};
