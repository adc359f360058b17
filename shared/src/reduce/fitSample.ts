/**
 * "Fit on a sample, place the rest" (StartRunRequest.fitSample): the reducer runs on a seeded
 * sample of the rows, every other row is placed into that layout by transform.ts, and the layout
 * quality is then measured on all rows. The fitted rows are not stored: they are
 * `fittedRows(N, meta.fit_sample)`, drawn again whenever the run is used to place new points.
 */
import { sampleIndices } from "../random";
import type { FitSampleRecord, ReducerName } from "../types";
import { REDUCER_IMPLS } from "./index";
import { addLayoutQuality, qualityMetric, reduceWithQuality } from "./layoutQuality";
import { transformPoints, type FittedPoints, type TransformModel } from "./transform";
import type { ReduceContext, ReducerResult, VectorMatrix } from "./types";

/** Places `queries` into the layout of `fitted`. */
export type PlaceFn = (model: TransformModel, fitted: FittedPoints, queries: VectorMatrix, ctx: ReduceContext) => Promise<Float32Array>;

/** Mixed into the run's seed so the fitted sample is not the same draw as the source's own sample. */
const FIT_SAMPLE_SALT = 0x2545f491;

/** Rows (ascending) of a run's N points that the reducer was fitted on. */
export function fittedRows(n: number, record: Pick<FitSampleRecord, "fitted" | "seed">): Uint32Array {
  return sampleIndices(n, record.fitted, record.seed);
}

/** The model a reducer leaves behind: its effective parameters (and UMAP's requested epochs). */
export function transformModel(reducer: ReducerName, params: Record<string, unknown>, requested: Record<string, unknown>): TransformModel {
  const epochs = requested.n_epochs;
  return { reducer, params, requestedEpochs: typeof epochs === "number" ? epochs : undefined };
}

/** The given rows of `matrix`, copied into shared memory (team workers read it without a copy). */
function rowsOf(matrix: VectorMatrix, rows: ArrayLike<number>): VectorMatrix {
  const { dims } = matrix;
  const data = new Float32Array(new SharedArrayBuffer(rows.length * dims * 4));
  for (let i = 0; i < rows.length; i++) data.set(matrix.data.subarray(rows[i] * dims, (rows[i] + 1) * dims), i * dims);
  return { data, n: rows.length, dims };
}

/** The rows of [0, n) not in `rows` (ascending). */
function otherRows(n: number, rows: Uint32Array): Uint32Array {
  const out = new Uint32Array(n - rows.length);
  for (let i = 0, r = 0, o = 0; i < n; i++) {
    if (r < rows.length && rows[r] === i) r++;
    else out[o++] = i;
  }
  return out;
}

/**
 * Fits with `fit` on a seeded sample of `fitSample` rows of `matrix`, places every other row with
 * `place`, and returns coordinates for all rows (row order) with `meta.fit_sample` recording the
 * split. The fit's own quality, graph and per-point values describe the sample only: dropped.
 */
export async function fitOnSample(
  matrix: VectorMatrix,
  fitSample: number,
  reducer: ReducerName,
  params: Record<string, unknown>,
  ctx: ReduceContext,
  fit: (sample: VectorMatrix) => Promise<ReducerResult>,
  place: PlaceFn,
): Promise<ReducerResult> {
  const n = matrix.n;
  const record: FitSampleRecord = { fitted: fitSample, placed: n - fitSample, seed: (ctx.seed ^ FIT_SAMPLE_SALT) >>> 0 };
  const rows = fittedRows(n, record);
  const sample = rowsOf(matrix, rows);
  let started = performance.now();
  const fitted = await fit(sample);
  const fitMs = Math.round(performance.now() - started);
  started = performance.now();
  const rest = otherRows(n, rows);
  const model = transformModel(reducer, { ...params, ...fitted.meta }, params);
  const placed = await place(model, { vectors: sample, coords: fitted.coords }, rowsOf(matrix, rest), ctx);
  const coords = new Float32Array(2 * n);
  rows.forEach((r, i) => {
    coords[2 * r] = fitted.coords[2 * i];
    coords[2 * r + 1] = fitted.coords[2 * i + 1];
  });
  rest.forEach((r, i) => {
    coords[2 * r] = placed[2 * i];
    coords[2 * r + 1] = placed[2 * i + 1];
  });
  return { coords, meta: { ...fitted.meta, fit_sample: { ...record, fit_ms: fitMs, place_ms: Math.round(performance.now() - started) } } };
}

/**
 * Reducer `name` fitted on `fitSample` sampled rows with the rest placed, then the layout quality
 * of all rows (layoutQuality.ts); with `fitSample` ≥ N simply the reducer on every row. Runs on
 * the calling thread (the reducer worker, or inline), its kernels on ctx.threads.
 */
export async function reduceOnSample(name: ReducerName, input: VectorMatrix, params: unknown, fitSample: number, ctx: ReduceContext): Promise<ReducerResult> {
  if (fitSample >= input.n) return reduceWithQuality(name, input, params, ctx);
  const own = (params ?? {}) as Record<string, unknown>;
  const result = await fitOnSample(input, fitSample, name, own, ctx, (sample) => REDUCER_IMPLS[name](sample, params as never, ctx), transformPoints);
  return addLayoutQuality(result, input, { metric: qualityMetric(name, params), reducer: name }, ctx);
}
