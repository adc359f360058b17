/**
 * Placing new vectors into a stored run (Engine.transform): the run's fitted vectors and
 * coordinates come from the store — for a run fitted on a sample, the rows `fittedRows(N,
 * meta.fit_sample)` (reduce/fitSample.ts) — and its effective parameters from its meta.
 */
import { InputError } from "./errors";
import { DEFAULT_SEED } from "./params";
import { fittedRows, transformModel, type PlaceFn } from "./reduce/fitSample";
import type { FittedPoints } from "./reduce/transform";
import type { ReduceContext, VectorMatrix } from "./reduce/types";
import type { Store } from "./store/store";
import type { RunRecord } from "./types";

/** New vectors as the caller gives them: `dims` values per vector, row-major. */
export interface NewVectors {
  vectors: ArrayLike<number>;
  dims: number;
}

function checkNewVectors(input: NewVectors, run: RunRecord, dims: number): VectorMatrix {
  if (input === null || typeof input !== "object") throw new InputError("transform needs { vectors, dims }", "vectors");
  const { vectors } = input;
  if (!Number.isInteger(input.dims) || input.dims < 1) throw new InputError(`dims must be a positive integer (got ${String(input.dims)})`, "dims");
  if (vectors === null || typeof vectors !== "object" || typeof vectors.length !== "number") {
    throw new InputError("vectors must be a Float32Array or an array of numbers, dims values per vector", "vectors");
  }
  if (vectors.length % input.dims !== 0) {
    throw new InputError(`vectors hold ${vectors.length} values, not a multiple of dims (${input.dims})`, "vectors");
  }
  if (input.dims !== dims) {
    throw new InputError(`vectors have ${input.dims} dimensions; run ${run.id} was fitted on ${dims}`, "dims", `Give vectors from the same embedding model (${dims} dimensions).`);
  }
  const data = vectors instanceof Float32Array ? vectors : Float32Array.from(vectors);
  return { data, n: data.length / dims, dims };
}

/** The vectors and coordinates a stored run was fitted on. */
export async function loadFitted(store: Store, run: RunRecord, dims: number): Promise<FittedPoints> {
  const record = run.meta.fit_sample;
  if (record && record.fitted + record.placed !== run.point_count) {
    throw new Error(`run ${run.id} records ${record.fitted} fitted + ${record.placed} placed points but holds ${run.point_count}`);
  }
  const rows = record ? fittedRows(run.point_count, record) : null;
  const data = await store.vectors(run.id, dims, rows);
  if (!data) {
    throw new InputError(`run ${run.id} did not keep its vectors, which placing new points needs`, "run", "Run the projection again: new runs keep their vectors.");
  }
  const { x, y } = await store.coords(run.id);
  const n = rows ? rows.length : run.point_count;
  const coords = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const r = rows ? rows[i] : i;
    coords[2 * i] = x[r];
    coords[2 * i + 1] = y[r];
  }
  return { vectors: { data, n, dims }, coords };
}

/**
 * Places `input` into completed run `run`'s layout (nothing is stored). Checks the vectors before
 * reading anything big: bad input is an InputError.
 */
export async function transformIntoRun(store: Store, run: RunRecord, input: NewVectors, ctx: Omit<ReduceContext, "seed">, place: PlaceFn): Promise<Float32Array> {
  const dims = run.meta.dims;
  if (typeof dims !== "number" || !Number.isInteger(dims) || dims < 1) {
    throw new InputError(`run ${run.id} does not record its vector dimensions`, "run", "Run the projection again to place points into it.");
  }
  const queries = checkNewVectors(input, run, dims);
  if (queries.n === 0) return new Float32Array(0);
  const fitted = await loadFitted(store, run, dims);
  const model = transformModel(run.reducer, { ...(run.meta.reducer_params ?? {}) }, run.config);
  return place(model, fitted, queries, { ...ctx, seed: typeof run.meta.seed === "number" ? run.meta.seed : DEFAULT_SEED });
}
