/**
 * What t-SNE's kNN search runs on (as Rtsne does): vectors wider than PCA_DIMS are projected on
 * their top PCA_DIMS principal axes. The axes come from PCA (pca.ts) of at most PCA_SAMPLE rows
 * (a seeded sample: the top 50 axes of 20,000 rows are as good a basis for neighbourhoods as those
 * of all rows, at a tenth of the scatter matrix's cost at 200,000 rows); every row is then
 * projected here, in Float32, on the team.
 *
 * Euclidean: the 50 scores (distances lose only the discarded variance). Cosine and dot need the
 * uncentred vectors: scores + the mean's projection, plus one coordinate for the part of the mean
 * outside the 50 axes, so x̂ = μ + V·s exactly in 51 dims; the kNN then measures cos / dot of x̂.
 * Manhattan is not preserved by a rotation: searched on the vectors as they are.
 */
import { sampleIndices } from "../random";
import type { Metric } from "../types";
import type { Pacer } from "./pacer";
import { principalAxes } from "./pca";
import { partRange, sharedFloat32, sharedFloat64 } from "./sharedArrays";
import type { Kernel, Team } from "./team";
import type { ReduceContext, VectorMatrix } from "./types";

export const PCA_DIMS = 50;
/** Rows the principal axes are fitted on, at most. */
export const PCA_SAMPLE = 20_000;
/** Multiply-adds per thread per projection call (≈ 20 ms). */
const PROJECT_WORK = 1 << 25;

export interface NeighbourInput {
  input: VectorMatrix;
  metric: Metric;
  /** N×2 scores on the first two principal axes, when the projection was made (the "pca" init). */
  pcaScores: Float64Array | null;
  /** Axes projected on (null: none). */
  pcaDims: number | null;
  /** Rows the axes were fitted on. */
  pcaRows: number;
}

/**
 * Kernel: rows [from, to) split over the parts; out[i·width + j] = (x_i − μ)·v_j + offset_j for
 * the `k` axes (row-major k×dims), and out[i·width + k] = `extra` when width = k + 1.
 */
export const tsneProject: Kernel = (raw, part, parts) => {
  const { data, dims, axes, mean, offsets, k, width, extra, out, from, to } = raw as {
    data: Float32Array;
    dims: number;
    axes: Float64Array;
    mean: Float64Array;
    offsets: Float64Array;
    k: number;
    width: number;
    extra: number;
    out: Float32Array;
    from: number;
    to: number;
  };
  const [start, end] = partRange(to - from, part, parts);
  const centred = new Float64Array(dims);
  for (let i = from + start; i < from + end; i++) {
    const row = i * dims;
    for (let c = 0; c < dims; c++) centred[c] = data[row + c] - mean[c];
    let j = 0;
    for (; j + 3 < k; j += 4) {
      const a0 = j * dims, a1 = a0 + dims, a2 = a1 + dims, a3 = a2 + dims;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let c = 0; c < dims; c++) {
        const x = centred[c];
        s0 += x * axes[a0 + c];
        s1 += x * axes[a1 + c];
        s2 += x * axes[a2 + c];
        s3 += x * axes[a3 + c];
      }
      const o = i * width + j;
      out[o] = s0 + offsets[j];
      out[o + 1] = s1 + offsets[j + 1];
      out[o + 2] = s2 + offsets[j + 2];
      out[o + 3] = s3 + offsets[j + 3];
    }
    for (; j < k; j++) {
      let s = 0;
      for (let c = 0; c < dims; c++) s += centred[c] * axes[j * dims + c];
      out[i * width + j] = s + offsets[j];
    }
    if (width > k) out[i * width + k] = extra;
  }
};

/** Whether `neighbourInput` projects (else it hands the vectors back as they are). */
export function projects(input: VectorMatrix, metric: Metric): boolean {
  return metric !== "manhattan" && input.dims > PCA_DIMS && input.n > PCA_DIMS;
}

/** The kNN search's input for `metric` (see the file comment). Reports "pca" progress. */
export async function neighbourInput(input: VectorMatrix, metric: Metric, team: Team, pacer: Pacer, ctx: ReduceContext, sampleRows = PCA_SAMPLE): Promise<NeighbourInput> {
  const { data, n, dims } = input;
  if (!projects(input, metric)) return { input, metric, pcaScores: null, pcaDims: null, pcaRows: 0 };
  const k = PCA_DIMS;
  // Fit on all rows, or on a seeded sample copied out (ascending row order).
  let fit = input;
  const fitRows = Math.max(PCA_DIMS + 1, Math.min(n, Math.floor(sampleRows)));
  if (fitRows < n) {
    const rows = sampleIndices(n, fitRows, ctx.seed);
    const sample = sharedFloat32(fitRows * dims, team.shared);
    for (let s = 0; s < fitRows; s++) sample.set(data.subarray(rows[s] * dims, (rows[s] + 1) * dims), s * dims);
    fit = { data: sample, n: fitRows, dims };
  }
  const axes = await principalAxes(fit, k, pacer, { team });
  fit = input; // drop the sample
  const { components, mean } = axes;
  const centred = metric === "euclidean";
  const offsets = sharedFloat64(k, team.shared);
  let extra = 0;
  if (!centred) {
    let meanSq = 0;
    for (let c = 0; c < dims; c++) meanSq += mean[c] * mean[c];
    let onAxesSq = 0;
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let c = 0; c < dims; c++) s += components[j * dims + c] * mean[c];
      offsets[j] = s;
      onAxesSq += s * s;
    }
    extra = Math.sqrt(Math.max(0, meanSq - onAxesSq));
  }
  const width = centred ? k : k + 1;
  const out = sharedFloat32(n * width, team.shared);
  const sharedAxes = sharedFloat64(k * dims, team.shared);
  sharedAxes.set(components);
  const sharedMean = sharedFloat64(dims, team.shared);
  sharedMean.set(mean);
  const rowsPerCall = team.size * Math.max(1, Math.floor(PROJECT_WORK / (dims * k)));
  for (let from = 0; from < n; from += rowsPerCall) {
    const to = Math.min(n, from + rowsPerCall);
    await team.run("tsneProject", { data, dims, axes: sharedAxes, mean: sharedMean, offsets, k, width, extra, out, from, to });
    pacer.progress("pca", to, n);
    await pacer.pace();
  }
  const pcaScores = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    pcaScores[2 * i] = out[i * width] - offsets[0];
    pcaScores[2 * i + 1] = out[i * width + 1] - offsets[1];
  }
  return { input: { data: out, n, dims: width }, metric, pcaScores, pcaDims: k, pcaRows: fitRows };
}
