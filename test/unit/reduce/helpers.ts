/** Shared fixtures for the reducer tests: seeded data sets and contexts. Not a test file. */
import { createRng } from "../../../shared/src/random";
import type { ReduceContext, ReduceProgress, VectorMatrix } from "../../../shared/src/reduce/types";

export interface Labelled {
  input: VectorMatrix;
  labels: Int32Array;
}

/** `centres` Gaussian blobs in `dims` dimensions: centres ~ N(0, 10²), points ~ centre + N(0, spread²). */
export function blobs(n: number, dims: number, centres: number, spread: number, seed: number): Labelled {
  const rng = createRng(seed);
  const c = new Float64Array(centres * dims);
  for (let i = 0; i < c.length; i++) c[i] = 10 * rng.normal();
  const data = new Float32Array(n * dims);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % centres;
    labels[i] = label;
    for (let j = 0; j < dims; j++) data[i * dims + j] = c[label * dims + j] + spread * rng.normal();
  }
  return { input: { data, n, dims }, labels };
}

export function randomMatrix(n: number, dims: number, seed: number): VectorMatrix {
  const rng = createRng(seed);
  const data = new Float32Array(n * dims);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return { data, n, dims };
}

/** A context that records every progress event. */
export function recordingContext(seed = 42): { ctx: ReduceContext; events: ReduceProgress[]; controller: AbortController } {
  const controller = new AbortController();
  const events: ReduceProgress[] = [];
  return { ctx: { signal: controller.signal, seed, onProgress: (p) => events.push(p) }, events, controller };
}

/** A context whose run is aborted from inside the first progress event of `phase`. */
export function abortOnPhase(phase: string, seed = 42): { ctx: ReduceContext; controller: AbortController } {
  const controller = new AbortController();
  return {
    controller,
    ctx: {
      signal: controller.signal,
      seed,
      onProgress: (p) => {
        if (p.phase === phase) controller.abort();
      },
    },
  };
}

export function ctxWithSeed(seed = 42): ReduceContext {
  return { signal: new AbortController().signal, seed };
}

export function allFinite(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

/** Pearson correlation of two columns, for comparing projections up to sign. */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

export function column(coords: Float32Array | Float64Array, axis: number): number[] {
  const out: number[] = [];
  for (let i = axis; i < coords.length; i += 2) out.push(coords[i]);
  return out;
}
