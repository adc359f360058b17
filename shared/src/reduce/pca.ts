/**
 * PCA to 2-D, matching numpy's SVD of the centred matrix (what the original Python feature did):
 * scores = Xc·V, singular values = sqrt(eigenvalues of XcᵀXc), explained variance ratio =
 * eigenvalue / total variance. Works on the D×D scatter matrix (or on the N×N Gram matrix when
 * N < D), accumulated in Float64 over row blocks, then takes the top eigenpairs.
 */
import { InputError } from "../errors";
import type { PcaParams } from "../types";
import { topEigenpairs } from "./linalg";
import { Pacer } from "./pacer";
import type { ReduceContext, Reducer, ReducerResult, VectorMatrix } from "./types";

export interface PrincipalAxes {
  /** n×k row-major scores (projection of the centred rows), Float64. */
  scores: Float64Array;
  /** k×dims row-major unit loadings; each one's largest-magnitude entry is positive. */
  components: Float64Array;
  /** Eigenvalues of XcᵀXc (squared singular values), descending, length k. */
  eigenvalues: Float64Array;
  /** Σ‖xᵢ − μ‖² = the sum of all eigenvalues. */
  totalVariance: number;
}

/** Rows per block: a column-major block of 64 rows × 384 dims is 192 KB, inside L2. */
const BLOCK_ROWS = 64;

function columnMeans(input: VectorMatrix): Float64Array {
  const { data, n, dims } = input;
  const mean = new Float64Array(dims);
  for (let r = 0; r < n; r++) {
    const base = r * dims;
    for (let c = 0; c < dims; c++) mean[c] += data[base + c];
  }
  for (let c = 0; c < dims; c++) mean[c] /= n;
  return mean;
}

/** Upper triangle (then mirrored) of Σ (xᵢ−μ)(xᵢ−μ)ᵀ, with 2×4 register tiles over each row block. */
async function scatterMatrix(input: VectorMatrix, mean: Float64Array, pacer: Pacer): Promise<Float64Array> {
  const { data, n, dims: d } = input;
  const s = new Float64Array(d * d);
  const block = new Float64Array(d * BLOCK_ROWS);
  for (let start = 0; start < n; start += BLOCK_ROWS) {
    const rows = Math.min(BLOCK_ROWS, n - start);
    // Column-major so that each feature's values over the block are contiguous.
    for (let r = 0; r < rows; r++) {
      const base = (start + r) * d;
      for (let c = 0; c < d; c++) block[c * BLOCK_ROWS + r] = data[base + c] - mean[c];
    }
    for (let i = 0; i < d; i += 2) {
      const ia = i * BLOCK_ROWS;
      const twoRows = i + 1 < d;
      const ib = twoRows ? ia + BLOCK_ROWS : ia;
      let j = i;
      for (; j + 3 < d; j += 4) {
        const j0 = j * BLOCK_ROWS;
        const j1 = j0 + BLOCK_ROWS;
        const j2 = j1 + BLOCK_ROWS;
        const j3 = j2 + BLOCK_ROWS;
        let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
        for (let r = 0; r < rows; r++) {
          const xa = block[ia + r];
          const xb = block[ib + r];
          const y0 = block[j0 + r];
          const y1 = block[j1 + r];
          const y2 = block[j2 + r];
          const y3 = block[j3 + r];
          a0 += xa * y0; a1 += xa * y1; a2 += xa * y2; a3 += xa * y3;
          b0 += xb * y0; b1 += xb * y1; b2 += xb * y2; b3 += xb * y3;
        }
        const si = i * d + j;
        s[si] += a0; s[si + 1] += a1; s[si + 2] += a2; s[si + 3] += a3;
        if (twoRows) {
          const sj = si + d;
          s[sj] += b0; s[sj + 1] += b1; s[sj + 2] += b2; s[sj + 3] += b3;
        }
      }
      for (; j < d; j++) {
        const jj = j * BLOCK_ROWS;
        let a = 0, b = 0;
        for (let r = 0; r < rows; r++) {
          a += block[ia + r] * block[jj + r];
          b += block[ib + r] * block[jj + r];
        }
        s[i * d + j] += a;
        if (twoRows) s[(i + 1) * d + j] += b;
      }
    }
    pacer.progress("pca", start + rows, n);
    await pacer.pace();
  }
  // The tiles also filled s[(i+1), i] on the diagonal pair; mirror the strict upper triangle.
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) s[j * d + i] = s[i * d + j];
  return s;
}

function centredRows(input: VectorMatrix, mean: Float64Array): Float64Array {
  const { data, n, dims } = input;
  const out = new Float64Array(n * dims);
  for (let r = 0; r < n; r++) for (let c = 0; c < dims; c++) out[r * dims + c] = data[r * dims + c] - mean[c];
  return out;
}

/** XcXcᵀ for the N < D case; the N×N problem is smaller and has the same non-zero spectrum. */
async function gramMatrix(centred: Float64Array, n: number, d: number, pacer: Pacer): Promise<Float64Array> {
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s0 = 0, s1 = 0;
      let c = 0;
      for (; c + 1 < d; c += 2) {
        s0 += centred[i * d + c] * centred[j * d + c];
        s1 += centred[i * d + c + 1] * centred[j * d + c + 1];
      }
      if (c < d) s0 += centred[i * d + c] * centred[j * d + c];
      g[i * n + j] = s0 + s1;
      g[j * n + i] = s0 + s1;
    }
    pacer.progress("pca", i + 1, n);
    await pacer.pace();
  }
  return g;
}

function trace(m: Float64Array, size: number): number {
  let t = 0;
  for (let i = 0; i < size; i++) t += m[i * size + i];
  return t;
}

/** The top-k principal axes of `input` (k ≥ 1); axes beyond the data's rank come out as zeros. */
export async function principalAxes(input: VectorMatrix, k: number, pacer: Pacer): Promise<PrincipalAxes> {
  const { data, n, dims } = input;
  const mean = columnMeans(input);
  const components = new Float64Array(k * dims);
  const scores = new Float64Array(n * k);
  let eigenvalues: Float64Array;
  let totalVariance: number;
  if (dims <= n) {
    const scatter = await scatterMatrix(input, mean, pacer);
    totalVariance = trace(scatter, dims);
    const eig = await topEigenpairs(scatter, dims, k, { pacer });
    eigenvalues = eig.values;
    components.set(eig.vectors);
  } else {
    const centred = centredRows(input, mean);
    const gram = await gramMatrix(centred, n, dims, pacer);
    totalVariance = trace(gram, n);
    const eig = await topEigenpairs(gram, n, k, { pacer });
    eigenvalues = eig.values;
    // v = Xcᵀu / σ turns a left singular vector into the loading vector.
    for (let j = 0; j < k; j++) {
      const sigma = Math.sqrt(Math.max(eigenvalues[j], 0));
      if (!(sigma > 1e-12 * Math.sqrt(Math.max(totalVariance, 0)))) continue;
      for (let r = 0; r < n; r++) {
        const u = eig.vectors[j * n + r];
        if (u === 0) continue;
        for (let c = 0; c < dims; c++) components[j * dims + c] += (u * centred[r * dims + c]) / sigma;
      }
    }
  }
  for (let j = 0; j < k; j++) {
    if (eigenvalues[j] < 0) eigenvalues[j] = 0; // round-off on a PSD matrix
    let best = 0;
    for (let c = 1; c < dims; c++) if (Math.abs(components[j * dims + c]) > Math.abs(components[j * dims + best])) best = c;
    if (components[j * dims + best] < 0) for (let c = 0; c < dims; c++) components[j * dims + c] = -components[j * dims + c];
  }
  for (let r = 0; r < n; r++) {
    if ((r & 1023) === 0) await pacer.pace();
    const base = r * dims;
    for (let j = 0; j < k; j++) {
      const cb = j * dims;
      let s = 0;
      for (let c = 0; c < dims; c++) s += (data[base + c] - mean[c]) * components[cb + c];
      scores[r * k + j] = s;
    }
  }
  return { scores, components, eigenvalues, totalVariance: Math.max(totalVariance, 0) };
}

const NEVER_ABORTED: ReduceContext = { signal: new AbortController().signal, seed: 0 };

/** PCA scores (n×k, Float64) for initialising another reducer's layout. */
export async function pcaInit(input: VectorMatrix, k: number, ctx: ReduceContext = NEVER_ABORTED): Promise<Float64Array> {
  return (await principalAxes(input, k, new Pacer(ctx))).scores;
}

export const pca: Reducer<PcaParams> = async (input, _params, ctx): Promise<ReducerResult> => {
  if (input.n < 2) throw new InputError(`At least two samples are required for PCA projection (got ${input.n})`, "sample", "Select a source or sample with two or more points.");
  if (input.dims < 2) throw new InputError(`Vectors must have at least two dimensions for PCA projection (got ${input.dims})`, undefined, "Use a vector field with two or more dimensions.");
  const pacer = new Pacer(ctx);
  pacer.check();
  pacer.progress("pca", 0, input.n);
  const axes = await principalAxes(input, 2, pacer);
  const coords = new Float32Array(2 * input.n);
  for (let i = 0; i < 2 * input.n; i++) coords[i] = axes.scores[i];
  const total = axes.totalVariance;
  const explained = total > 0 ? Array.from(axes.eigenvalues, (e) => e / total) : [0, 0];
  pacer.progress("pca", input.n, input.n);
  return {
    coords,
    meta: {
      explained_variance_ratio: explained,
      singular_values: Array.from(axes.eigenvalues, (e) => Math.sqrt(e)),
    },
  };
};
