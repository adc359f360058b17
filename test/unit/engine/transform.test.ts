/**
 * Out-of-sample placement through the engine: runs fitted on a seeded sample with the rest placed
 * (fitSample), Engine.transform into a stored run (inline, in a worker, over the protocol), and
 * bad input refused with nothing stored changing.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine } from "../../../shared/src/engine";
import { CancelledError, InputError } from "../../../shared/src/errors";
import { serveEngine } from "../../../shared/src/protocol/engineServer";
import { RpcClient } from "../../../shared/src/protocol/rpc";
import { createMemoryTransportPair } from "../../../shared/src/protocol/transport";
import { fittedRows } from "../../../shared/src/reduce/fitSample";
import type { RunRecord, StartRunRequest } from "../../../shared/src/types";
import { blobs } from "../reduce/helpers";
import { tempDir } from "../../helpers/tmp";

const DIMS = 32;
const N = 480;
const NEW = 80;
// 8 blobs; the first N rows go into the file, the last NEW are "new" vectors of the same blobs.
const { input, labels } = blobs(N + NEW, DIMS, 8, 3, 21);
const newVectors = input.data.slice(N * DIMS);
const newLabels = labels.slice(N);

let engine: Engine;
let dir: string;
let cleanup: () => void;
let file: string;

beforeAll(async () => {
  const t = tempDir();
  dir = t.dir;
  cleanup = t.cleanup;
  file = path.join(dir, "blobs.jsonl");
  const lines = Array.from({ length: N }, (_, i) => JSON.stringify({ id: `c${labels[i]}-${i}`, vector: Array.from(input.data.subarray(i * DIMS, (i + 1) * DIMS)), text: `point ${i}` }));
  writeFileSync(file, lines.join("\n") + "\n");
  engine = await Engine.open({ dbPath: path.join(dir, "t.duckdb"), inlineReducers: true, threads: 1 });
});

afterAll(async () => {
  await engine.close();
  cleanup();
});

const request = (over: Partial<StartRunRequest> = {}): StartRunRequest => ({
  source: { kind: "file", path: file },
  reducer: "umap",
  params: { metric: "euclidean", n_epochs: 120 },
  seed: 5,
  ...over,
});

/** Blob label of every stored row, from its point id `c<label>-<i>`. */
async function rowLabels(run: RunRecord): Promise<Int32Array> {
  const rows = Array.from({ length: run.point_count }, (_, i) => i);
  const sel = await engine.select(run.id, rows);
  return Int32Array.from(sel.rows.map((r) => Number(/^c(\d+)-/.exec(r.point_id)![1])));
}

async function interleaved(runId: string): Promise<Float32Array> {
  const { x, y, count } = await engine.points(runId);
  const out = new Float32Array(2 * count);
  for (let i = 0; i < count; i++) {
    out[2 * i] = x[i];
    out[2 * i + 1] = y[i];
  }
  return out;
}

/** Share of `points` whose 10 nearest reference points (2-D) mostly share its label. */
function agreement(points: Float32Array, pointLabels: Int32Array, ref: Float32Array, refLabels: Int32Array, skipSelf = false): number {
  let agree = 0;
  const m = refLabels.length;
  for (let q = 0; q < pointLabels.length; q++) {
    const d: [number, number][] = [];
    for (let j = 0; j < m; j++) d.push([(points[2 * q] - ref[2 * j]) ** 2 + (points[2 * q + 1] - ref[2 * j + 1]) ** 2, j]);
    d.sort((a, b) => a[0] - b[0]);
    const near = d.slice(skipSelf ? 1 : 0, skipSelf ? 11 : 10);
    if (near.filter(([, j]) => refLabels[j] === pointLabels[q]).length > 5) agree++;
  }
  return agree / pointLabels.length;
}

async function snapshot() {
  const runs = await engine.listRuns();
  return JSON.stringify(await Promise.all(runs.map(async (r) => ({ r, pts: r.status === "completed" ? Array.from((await engine.points(r.id)).x) : [] }))));
}

describe("fitSample: fit on a sample, place the rest", () => {
  let run: RunRecord;

  beforeAll(async () => {
    run = await engine.project(request({ fitSample: 160 }));
  });

  it("stores every point with finite coordinates and records the split", async () => {
    expect(run.status).toBe("completed");
    expect(run.point_count).toBe(N);
    const coords = await interleaved(run.id);
    expect(coords.every((v) => Number.isFinite(v))).toBe(true);
    expect(run.meta.fit_sample).toMatchObject({ fitted: 160, placed: N - 160 });
    expect(run.config.fit_sample).toBe(160);
    expect(run.meta.shown_count).toBe(N);
    // Quality is measured on the whole layout, fitted and placed points alike.
    expect(run.meta.quality?.trustworthiness).toBeGreaterThan(0.9);
  });

  it("places the unfitted points in their own blob's region of the fitted layout", async () => {
    const coords = await interleaved(run.id);
    const all = await rowLabels(run);
    const fitted = fittedRows(N, run.meta.fit_sample!);
    const isFitted = new Set(fitted);
    const ref = new Float32Array(2 * fitted.length);
    fitted.forEach((r, i) => ref.set(coords.subarray(2 * r, 2 * r + 2), 2 * i));
    const placedRows = Array.from({ length: N }, (_, i) => i).filter((i) => !isFitted.has(i));
    const placed = new Float32Array(2 * placedRows.length);
    placedRows.forEach((r, i) => placed.set(coords.subarray(2 * r, 2 * r + 2), 2 * i));
    const placedLabels = Int32Array.from(placedRows, (r) => all[r]);
    expect(agreement(placed, placedLabels, ref, Int32Array.from(fitted, (r) => all[r]))).toBeGreaterThan(0.95);
  });

  it("is reproducible for a seed: the same request gives the same coordinates", async () => {
    const again = await engine.project(request({ fitSample: 160 }));
    expect(Array.from(await interleaved(again.id))).toEqual(Array.from(await interleaved(run.id)));
    await engine.deleteRun(again.id);
  });

  it("fits every point when fitSample is at least the number of points", async () => {
    const whole = await engine.project(request({ fitSample: N, reducer: "pca", params: {} }));
    expect(whole.meta.fit_sample).toBeUndefined();
    expect(whole.point_count).toBe(N);
    await engine.deleteRun(whole.id);
  });

  it("places new vectors into the run (Engine.transform) without storing anything", async () => {
    const before = await snapshot();
    const placed = await engine.transform(run.id, { vectors: newVectors, dims: DIMS });
    expect(placed.length).toBe(2 * NEW);
    expect(agreement(placed, newLabels, await interleaved(run.id), await rowLabels(run))).toBeGreaterThan(0.95);
    expect(await snapshot()).toBe(before);
  });
});

describe("Engine.transform", () => {
  let pcaRun: RunRecord;
  let umapRun: RunRecord;

  beforeAll(async () => {
    pcaRun = await engine.project(request({ reducer: "pca", params: {} }));
    umapRun = await engine.project(request());
  });

  it("PCA: the stored vectors come back at their stored coordinates, bit for bit", async () => {
    const coords = await interleaved(pcaRun.id);
    const placed = await engine.transform(pcaRun.id, { vectors: input.data.subarray(0, N * DIMS), dims: DIMS });
    expect(Array.from(placed)).toEqual(Array.from(coords));
  });

  it("UMAP: copies of stored points land next to them; plain number arrays are accepted", async () => {
    const coords = await interleaved(umapRun.id);
    const copies = Array.from(input.data.subarray(0, 60 * DIMS));
    const placed = await engine.transform(umapRun.id, { vectors: copies, dims: DIMS });
    let minX = Infinity, maxX = -Infinity;
    for (let i = 0; i < N; i++) {
      minX = Math.min(minX, coords[2 * i]);
      maxX = Math.max(maxX, coords[2 * i]);
    }
    const offsets = Array.from({ length: 60 }, (_, i) => Math.hypot(placed[2 * i] - coords[2 * i], placed[2 * i + 1] - coords[2 * i + 1])).sort((a, b) => a - b);
    expect(offsets[30]).toBeLessThan(0.03 * (maxX - minX));
  });

  it("reports progress and stops when aborted", async () => {
    const phases = new Set<string>();
    await engine.transform(umapRun.id, { vectors: newVectors, dims: DIMS }, { onProgress: (p) => phases.add(p.phase) });
    expect([...phases]).toEqual(["knn", "graph", "embed"]);
    const controller = new AbortController();
    const aborted = engine.transform(umapRun.id, { vectors: newVectors, dims: DIMS }, { signal: controller.signal, onProgress: (p) => p.phase === "embed" && controller.abort() });
    await expect(aborted).rejects.toBeInstanceOf(CancelledError);
  });

  it("refuses bad input with a clear InputError and changes nothing stored", async () => {
    const before = await snapshot();
    const expectInputError = async (p: Promise<unknown>, message: RegExp) => {
      const err = await p.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toMatch(message);
    };
    await expectInputError(engine.transform(umapRun.id, { vectors: new Float32Array(3 * 31), dims: 31 }), /31 dimensions; run .* was fitted on 32/);
    await expectInputError(engine.transform(umapRun.id, { vectors: new Float32Array(50), dims: DIMS }), /50 values, not a multiple of dims \(32\)/);
    const nan = newVectors.slice(0, 2 * DIMS);
    nan[DIMS + 3] = Number.NaN;
    await expectInputError(engine.transform(umapRun.id, { vectors: nan, dims: DIMS }), /vector 1 has a non-finite value/);
    await expectInputError(engine.transform("no-such-run", { vectors: newVectors, dims: DIMS }), /run 'no-such-run' not found/);
    // A run still in progress has no layout to place into yet.
    const { run, done } = await engine.startRun(request({ reducer: "pca", params: {} }));
    await expectInputError(engine.transform(run.id, { vectors: newVectors, dims: DIMS }), /is (pending|running); it has no points/);
    await engine.deleteRun((await done).id);
    expect(await snapshot()).toBe(before);
  });
});

describe("fitSample validation", () => {
  it.each([
    [{ fitSample: 5 }, /fit_sample must be between 10 and sample \(200000\) \(got 5\)/, /at least 10/],
    [{ fitSample: 300, sample: 200 }, /fit_sample must be between 10 and sample \(200\) \(got 300\)/, /raise sample, or omit fit_sample/],
    [{ fitSample: 12.5 }, /fit_sample must be an integer/, undefined],
  ] as const)("%o is refused before anything is stored", async (over, message, hint) => {
    const before = await snapshot();
    const err = await engine.startRun(request(over as Partial<StartRunRequest>)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(message);
    if (hint) expect((err as InputError).hint).toMatch(hint);
    expect((err as InputError).field).toBe("fit_sample");
    expect(await snapshot()).toBe(before);
  });
});

describe("in reducer workers and over the protocol", () => {
  it("gives the same coordinates as inline, for the fit-sample run and for runs.transform", async () => {
    const t = tempDir();
    const workerEngine = await Engine.open({ dbPath: path.join(t.dir, "w.duckdb"), threads: 1 });
    const [ui, host] = createMemoryTransportPair();
    const served = serveEngine(workerEngine, host, { host: "memory" });
    const client = new RpcClient(ui);
    client.ready();
    try {
      const inline = await engine.project(request({ fitSample: 200, reducer: "tsne", params: { perplexity: 15, iterations: 300 } }));
      const viaWorker = await workerEngine.project(request({ fitSample: 200, reducer: "tsne", params: { perplexity: 15, iterations: 300 } }));
      expect(viaWorker.meta.fit_sample).toMatchObject({ fitted: 200, placed: N - 200 });
      const a = await engine.points(inline.id);
      const b = await workerEngine.points(viaWorker.id);
      expect(Array.from(b.x)).toEqual(Array.from(a.x));
      const { coords } = await client.request("runs.transform", { runId: viaWorker.id, vectors: newVectors, dims: DIMS });
      expect(Array.from(coords)).toEqual(Array.from(await engine.transform(inline.id, { vectors: newVectors, dims: DIMS })));
      await expect(client.request("runs.transform", { runId: viaWorker.id, vectors: newVectors, dims: 16 })).rejects.toThrow(/16 dimensions/);
    } finally {
      client.dispose();
      served.dispose();
      await workerEngine.close();
      t.cleanup();
    }
  });
});
