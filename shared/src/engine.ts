/**
 * The engine: everything a user can do is one method here (STYLE.md "one engine"). Hosts (CLI,
 * HTTP server, VS Code, Jupyter kernel) only translate. Runs go source → validate → DuckDB run row
 * → fetch (uniform sample) → reducer in a worker → one transaction storing points + vectors.
 */
import { CancelledError, InputError, isCancel, redactSecrets, throwIfAborted } from "./errors";
import { DEFAULT_COLOR_BY, validateColorBy, validateStartRequest, type ValidatedRun } from "./params";
import { transformIntoRun, type NewVectors } from "./placement";
import type { FieldInfo, PointDetail } from "./protocol/messages";
import { reduceOnSample } from "./reduce/fitSample";
import { reduceWithQuality } from "./reduce/layoutQuality";
import { runReducerInWorker } from "./reduce/pool";
import { defaultThreads } from "./reduce/team";
import { transformPoints, type FittedPoints, type TransformModel } from "./reduce/transform";
import type { ReduceContext, Reducer, ReducerResult, VectorMatrix } from "./reduce/types";
import { listQdrantCollections } from "./sources/qdrant";
import { openSource } from "./sources/resolve";
import type { SourceInfo, VectorSource } from "./sources/source";
import { Store } from "./store/store";
import { BUILTIN_COLOR_BY } from "./types";
import type {
  ColorBy,
  ExportFormat,
  LegendEntry,
  Payload,
  ProgressPhase,
  ReducerName,
  RunProgress,
  RunRecord,
  SelectionResult,
  SimilarHit,
  SourceSpec,
  StartRunRequest,
} from "./types";

export interface EngineOptions {
  /** DuckDB file; default `Store.defaultPath()` (EMBEDSCOPE_DB or the user's data directory). */
  dbPath?: string;
  /** Run reducers on the calling thread (tests, debugging). Default: a worker thread per run. */
  inlineReducers?: boolean;
  workerScript?: string;
  /** Replaces reducer implementations (runs them inline). For tests of failure handling. */
  reducerOverrides?: Partial<Record<ReducerName, Reducer<never>>>;
  /** Minimum interval between progress events of one run. */
  progressIntervalMs?: number;
  /**
   * Threads each reducer may use: default every core (at most 8). 1 gives bit-identical layouts for
   * a seed; what more threads guarantee is in docs/reducers.md.
   */
  threads?: number;
}

export interface EngineEvents {
  progress: RunProgress;
  run: RunRecord;
  deleted: { runId: string };
}
type Listener<E extends keyof EngineEvents> = (data: EngineEvents[E]) => void;

interface ActiveRun {
  controller: AbortController;
  done: Promise<RunRecord>;
}

export interface StartedRun {
  run: RunRecord;
  /** Settles when the run ends: resolves with the final record (completed, failed or cancelled). */
  done: Promise<RunRecord>;
}

export class Engine {
  private readonly active = new Map<string, ActiveRun>();
  private readonly listeners: { [E in keyof EngineEvents]: Set<Listener<E>> } = { progress: new Set(), run: new Set(), deleted: new Set() };
  /** API keys by Qdrant URL, in memory only (never in DuckDB): needed for "find similar" later. */
  private readonly credentials = new Map<string, string>();

  private constructor(
    readonly store: Store,
    private readonly options: EngineOptions,
  ) {}

  static async open(options: EngineOptions = {}): Promise<Engine> {
    const store = await Store.open(options.dbPath ?? Store.defaultPath());
    return new Engine(store, options);
  }

  get dbPath(): string {
    return this.store.path;
  }

  on<E extends keyof EngineEvents>(event: E, listener: Listener<E>): () => void {
    (this.listeners[event] as Set<Listener<E>>).add(listener);
    return () => (this.listeners[event] as Set<Listener<E>>).delete(listener);
  }

  private emit<E extends keyof EngineEvents>(event: E, data: EngineEvents[E]): void {
    for (const l of this.listeners[event] as Set<Listener<E>>) {
      try {
        l(data);
      } catch {
        // A broken listener must not break a run.
      }
    }
  }

  // ── runs ────────────────────────────────────────────────────────────────────

  /**
   * Validates everything it can before anything is stored (bad input → InputError, DB unchanged),
   * creates the run and returns at once; the work continues in the background (`done`).
   */
  async startRun(request: StartRunRequest): Promise<StartedRun> {
    const valid = validateStartRequest(request);
    const source = openSource(request.source);
    let info: SourceInfo;
    try {
      info = await source.describe();
    } catch (err) {
      await source.close().catch(() => undefined);
      throw err;
    }
    if (info.count < 2) {
      await source.close();
      throw new InputError(`${describeSpec(request.source)} has ${info.count} point(s); a projection needs at least 2`, "source");
    }
    if (request.source.kind === "qdrant" && request.source.apiKey) this.credentials.set(info.uri, request.source.apiKey);

    const run = await this.store.createRun({
      label: request.label ?? null,
      source_kind: info.kind,
      source_uri: info.uri,
      collection: info.collection,
      vector_name: info.vectorName,
      reducer: valid.reducer,
      config: runConfig(request.source, valid),
      meta: {
        color_by: valid.colorBy,
        sample_limit: valid.sample,
        seed: valid.seed,
        total_count: info.count,
        dims: info.dims,
        distance: info.distance,
        reducer_requested: valid.reducer,
        notes: info.notes.length ? info.notes : undefined,
      },
    });
    this.emit("run", run);
    const controller = new AbortController();
    const done = this.execute(run, source, info, valid, controller.signal).finally(() => {
      this.active.delete(run.id);
      void source.close().catch(() => undefined);
    });
    this.active.set(run.id, { controller, done });
    // Callers that only await `done` sometimes never look at rejections; keep the process alive.
    done.catch(() => undefined);
    return { run, done };
  }

  /** Runs a projection to completion; resolves with the final record. */
  async project(request: StartRunRequest, signal?: AbortSignal): Promise<RunRecord> {
    const { run, done } = await this.startRun(request);
    const onAbort = () => void this.cancelRun(run.id);
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      return await done;
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  listRuns(): Promise<RunRecord[]> {
    return this.store.listRuns();
  }

  getRun(idOrPrefix: string): Promise<RunRecord> {
    return this.store.getRun(idOrPrefix);
  }

  isActive(runId: string): boolean {
    return this.active.has(runId);
  }

  /** Cancels an active run and waits until it is recorded as cancelled. */
  async cancelRun(idOrPrefix: string): Promise<RunRecord> {
    const run = await this.store.getRun(idOrPrefix);
    const active = this.active.get(run.id);
    if (!active) {
      if (run.status === "running" || run.status === "pending") {
        return this.setStatus(run.id, { status: "cancelled", completed_at: now(), error: null });
      }
      throw new InputError(`run ${run.id} is ${run.status}; only pending or running runs can be cancelled`, "run");
    }
    active.controller.abort();
    await active.done.catch(() => undefined);
    return this.store.getRun(run.id);
  }

  async deleteRun(idOrPrefix: string): Promise<string> {
    const run = await this.store.getRun(idOrPrefix);
    const active = this.active.get(run.id);
    if (active) {
      active.controller.abort();
      await active.done.catch(() => undefined);
    }
    await this.store.deleteRun(run.id);
    this.emit("deleted", { runId: run.id });
    return run.id;
  }

  // ── reading a run ───────────────────────────────────────────────────────────

  async points(runId: string): Promise<{ count: number; x: Float32Array; y: Float32Array }> {
    const run = await this.completedRun(runId);
    return this.store.coords(run.id);
  }

  /** Recolours from stored columns (SQL); never recomputes the projection. */
  async colors(runId: string, colorBy?: ColorBy): Promise<{ colorBy: ColorBy; codes: Uint8Array; legend: LegendEntry[] }> {
    const run = await this.completedRun(runId);
    return this.store.categories(run.id, validateColorBy(colorBy ?? run.meta.color_by ?? DEFAULT_COLOR_BY));
  }

  async fields(runId: string): Promise<FieldInfo[]> {
    const run = await this.completedRun(runId);
    const builtin = new Set<string>(BUILTIN_COLOR_BY);
    return (await this.store.fields(run.id)).map((f) => ({ ...f, builtin: builtin.has(f.name) }));
  }

  async select(runId: string, rows: ArrayLike<number>): Promise<SelectionResult> {
    const run = await this.completedRun(runId);
    return this.store.select(run.id, rows);
  }

  async point(runId: string, row: number): Promise<PointDetail> {
    const run = await this.completedRun(runId);
    const p = await this.store.point(run.id, checkRow(row, run));
    return {
      row: p.row,
      point_id: p.point_id,
      document_id: p.columns.document_id,
      chunk_index: p.columns.chunk_index,
      path: p.columns.path,
      source_path: p.columns.source_path,
      mime_type: p.columns.mime_type,
      text: p.text,
      payload_json: p.payload ?? "{}",
    };
  }

  /**
   * Neighbours of a point: from the source itself when it can search (Qdrant), else exact cosine
   * over the vectors stored with the run.
   */
  async similar(runId: string, row: number, k = 10, signal?: AbortSignal): Promise<{ hits: SimilarHit[]; via: "source" | "local" }> {
    const run = await this.completedRun(runId);
    checkRow(row, run);
    if (!Number.isInteger(k) || k < 1 || k > 1000) throw new InputError(`k must be an integer between 1 and 1000 (got ${k})`, "k");
    if (run.source_kind === "qdrant" && run.collection) {
      const vector = await this.store.vector(run.id, row);
      if (vector) {
        const source = openSource({
          kind: "qdrant",
          url: run.source_uri,
          collection: run.collection,
          vector: run.vector_name ?? undefined,
          apiKey: this.credentials.get(run.source_uri),
        });
        try {
          if (source.search) {
            const found = await source.search(vector, k + 1, signal);
            const self = (await this.store.select(run.id, [row])).rows[0]?.point_id;
            const hits = found.filter((h) => h.id !== self).slice(0, k);
            const rows = await this.store.rowsForPointIds(run.id, hits.map((h) => h.id));
            return { via: "source", hits: hits.map((h) => ({ point_id: h.id, score: h.score, row: rows.get(h.id) ?? null })) };
          }
        } catch (err) {
          if (isCancel(err) || err instanceof InputError) throw err;
          // Source unreachable: the stored vectors still answer.
        } finally {
          await source.close().catch(() => undefined);
        }
      }
    }
    return { via: "local", hits: await this.store.similarLocal(run.id, row, k) };
  }

  async search(runId: string, query: string, limit = 10_000): Promise<Uint32Array> {
    const run = await this.completedRun(runId);
    if (typeof query !== "string") throw new InputError("search query must be text", "query");
    return this.store.search(run.id, query, limit);
  }

  /**
   * Places new vectors (`dims` values each, row-major) into completed run `runId`'s layout without
   * refitting it (kNN among the fitted points + a short optimisation; see reduce/transform.ts) and
   * returns their coordinates, interleaved x, y. Nothing is stored.
   */
  async transform(runId: string, input: NewVectors, options: { signal?: AbortSignal; onProgress?: ReduceContext["onProgress"] } = {}): Promise<Float32Array> {
    const run = await this.completedRun(runId);
    const ctx = {
      signal: options.signal ?? new AbortController().signal,
      threads: this.options.threads ?? defaultThreads(),
      workerScript: this.options.workerScript,
      onProgress: options.onProgress,
    };
    return transformIntoRun(this.store, run, input, ctx, (model, fitted, queries, c) => this.place(model, fitted, queries, c));
  }

  async exportRun(
    runId: string,
    options: { format: ExportFormat; out: string; colorBy?: ColorBy; rows?: ArrayLike<number> },
  ): Promise<{ path: string; count: number }> {
    const run = await this.completedRun(runId);
    if (!["csv", "json", "parquet"].includes(options.format)) {
      throw new InputError(`format '${String(options.format)}' is not supported; use csv, json or parquet`, "format");
    }
    return this.store.exportRun(run.id, {
      format: options.format,
      out: options.out,
      colorBy: validateColorBy(options.colorBy ?? run.meta.color_by ?? DEFAULT_COLOR_BY),
      rows: options.rows,
    });
  }

  // ── sources ─────────────────────────────────────────────────────────────────

  async describeSource(spec: SourceSpec): Promise<SourceInfo> {
    const source = openSource(spec);
    try {
      return await source.describe();
    } finally {
      await source.close().catch(() => undefined);
    }
  }

  listCollections(url: string, apiKey?: string): Promise<string[]> {
    return listQdrantCollections(url, apiKey ?? this.credentials.get(url));
  }

  /** Cancels active runs, waits for them to record their state, closes the database. */
  async close(): Promise<void> {
    for (const a of this.active.values()) a.controller.abort();
    await Promise.allSettled([...this.active.values()].map((a) => a.done));
    await this.store.closeWhenIdle();
  }

  // ── internals ───────────────────────────────────────────────────────────────

  private async completedRun(idOrPrefix: string): Promise<RunRecord> {
    const run = await this.store.getRun(idOrPrefix);
    if (run.status !== "completed") {
      throw new InputError(`run ${run.id} is ${run.status}${run.error ? ` (${run.error})` : ""}; it has no points to show`, "run");
    }
    return run;
  }

  private async setStatus(id: string, patch: Parameters<Store["updateRun"]>[1]): Promise<RunRecord> {
    const run = await this.store.updateRun(id, patch);
    this.emit("run", run);
    return run;
  }

  private progressReporter(runId: string): (phase: ProgressPhase, done: number, total: number, message?: string) => void {
    const interval = this.options.progressIntervalMs ?? 100;
    let last = 0;
    let lastPhase = "";
    return (phase, done, total, message) => {
      const t = Date.now();
      // Always report phase changes and completion; throttle the rest.
      if (phase === lastPhase && done < total && t - last < interval) return;
      last = t;
      lastPhase = phase;
      this.emit("progress", { runId, phase, done, total, message });
    };
  }

  private async execute(run: RunRecord, source: VectorSource, info: SourceInfo, valid: ValidatedRun, signal: AbortSignal): Promise<RunRecord> {
    const progress = this.progressReporter(run.id);
    const timings: Record<string, number> = {};
    let phaseStart = Date.now();
    const lap = (name: string) => {
      const t = Date.now();
      timings[name] = t - phaseStart;
      phaseStart = t;
    };
    try {
      await this.setStatus(run.id, { status: "running", started_at: now() });

      // Fetch: vectors go straight into shared memory so the worker reads them without a copy.
      const expected = Math.min(info.count, valid.sample);
      const fetched = await fetchPoints(source, info, expected, valid, signal, (done) => progress("fetch", done, expected));
      lap("fetch_ms");
      if (fetched.n < 2) throw new InputError(`${run.source_uri} yielded ${fetched.n} usable point(s); a projection needs at least 2`, "source");

      const matrix: VectorMatrix = { data: fetched.vectors, n: fetched.n, dims: info.dims };
      const ctx: ReduceContext = {
        signal,
        seed: valid.seed,
        threads: this.options.threads ?? defaultThreads(),
        workerScript: this.options.workerScript,
        onProgress: (p) => progress(p.phase === "knn" || p.phase === "graph" || p.phase === "quality" ? p.phase : "embed", p.done, p.total),
      };
      let reducerUsed: ReducerName = valid.reducer;
      let fallbackReason: string | undefined;
      let result: ReducerResult;
      try {
        result = await this.reduce(valid.reducer, matrix, valid.params, ctx, valid.fitSample);
      } catch (err) {
        if (isCancel(err) || err instanceof InputError || valid.reducer === "pca") throw err;
        // As the original: a reducer that breaks for another reason falls back to PCA, recorded.
        fallbackReason = `${valid.reducer} failed: ${redactSecrets(err instanceof Error ? err.message : String(err))}`;
        reducerUsed = "pca";
        result = await this.reduce("pca", matrix, {}, ctx);
      }
      lap("reduce_ms");
      throwIfAborted(signal);

      progress("store", 0, fetched.n);
      const sampled = fetched.n < info.count;
      await this.store.completeRun(run.id, {
        ids: fetched.ids,
        payloads: fetched.payloads,
        coords: result.coords,
        neighborPreservation: result.neighborPreservation,
        vectors: { data: fetched.vectors, dims: info.dims },
        reducer: reducerUsed,
        meta: {
          ...run.meta,
          reducer_used: reducerUsed,
          reducer_params: { ...valid.params, ...result.meta },
          ...pick(result.meta, ["explained_variance_ratio", "singular_values", "kl_divergence", "fit_sample"]),
          ...(result.quality ? { quality: result.quality } : {}),
          // Sources add notes while reading (skipped points, deleted samples): keep them all.
          notes: info.notes.length ? [...info.notes] : undefined,
          sampled,
          shown_count: fetched.n,
          total_count: Math.max(info.count, fetched.n),
          ...(fallbackReason ? { fallback_reason: fallbackReason, degraded: true } : {}),
        },
      });
      const { legend } = await this.store.categories(run.id, valid.colorBy);
      lap("store_ms");
      progress("store", fetched.n, fetched.n);
      // updateRun merges meta keys into what completeRun stored.
      return await this.setStatus(run.id, { meta: { legend, timings_ms: timings } });
    } catch (err) {
      if (isCancel(err) || signal.aborted) {
        return this.setStatus(run.id, { status: "cancelled", completed_at: now(), error: null });
      }
      if (err instanceof InputError) {
        // Bad data found while reading (NaN, mixed dimensions…): leave the database as it was.
        await this.store.deleteRun(run.id).catch(() => undefined);
        this.emit("deleted", { runId: run.id });
        throw err;
      }
      const message = redactSecrets(err instanceof Error ? err.message : String(err));
      await this.setStatus(run.id, { status: "failed", completed_at: now(), error: message });
      throw err;
    }
  }

  /** `fitSample`: fit on that many sampled rows and place the rest (reduce/fitSample.ts). */
  private reduce(name: ReducerName, matrix: VectorMatrix, params: unknown, ctx: ReduceContext, fitSample: number | null = null): Promise<ReducerResult> {
    const override = this.options.reducerOverrides?.[name];
    if (override) return override(matrix, params as never, ctx);
    // Inline or in the worker, the same wrapper adds the layout quality (reduce/layoutQuality.ts).
    if (this.options.inlineReducers) return fitSample === null ? reduceWithQuality(name, matrix, params, ctx) : reduceOnSample(name, matrix, params, fitSample, ctx);
    return runReducerInWorker(name, matrix, params, ctx, this.options.workerScript, fitSample === null ? {} : { fitSample });
  }

  /** Places `queries` into a fitted layout (reduce/transform.ts), in a worker like a reducer. */
  private place(model: TransformModel, fitted: FittedPoints, queries: VectorMatrix, ctx: ReduceContext): Promise<Float32Array> {
    if (this.options.inlineReducers || this.options.reducerOverrides) return transformPoints(model, fitted, queries, ctx);
    const transform = { model, fitted: fitted.vectors.data, n: fitted.vectors.n, coords: fitted.coords };
    return runReducerInWorker(model.reducer, queries, {}, ctx, this.options.workerScript, { transform }).then((r) => r.coords);
  }
}

interface FetchedPoints {
  n: number;
  ids: string[];
  payloads: Payload[];
  vectors: Float32Array;
}

async function fetchPoints(
  source: VectorSource,
  info: SourceInfo,
  expected: number,
  valid: ValidatedRun,
  signal: AbortSignal,
  onProgress: (done: number) => void,
): Promise<FetchedPoints> {
  const vectors = new Float32Array(new SharedArrayBuffer(expected * info.dims * 4));
  const ids: string[] = [];
  const payloads: Payload[] = [];
  onProgress(0);
  for await (const batch of source.read({ limit: expected, seed: valid.seed, signal })) {
    throwIfAborted(signal);
    if (batch.vectors.length !== batch.ids.length * info.dims) {
      throw new InputError(`vectors of ${batch.vectors.length / Math.max(1, batch.ids.length)} dimensions where ${info.dims} were announced`, "source");
    }
    const room = Math.min(batch.ids.length, expected - ids.length);
    vectors.set(batch.vectors.subarray(0, room * info.dims), ids.length * info.dims);
    for (let i = 0; i < room; i++) {
      ids.push(batch.ids[i]);
      payloads.push(batch.payloads[i] ?? {});
    }
    onProgress(ids.length);
    if (ids.length >= expected) break;
  }
  const n = ids.length;
  return { n, ids, payloads, vectors: n === expected ? vectors : vectors.subarray(0, n * info.dims) };
}

function runConfig(spec: SourceSpec, valid: ValidatedRun): Record<string, unknown> {
  const config: Record<string, unknown> = { ...valid.params, color_by: valid.colorBy, sample: valid.sample, seed: valid.seed };
  if (valid.fitSample !== null) config.fit_sample = valid.fitSample;
  if (spec.kind === "file") {
    if (spec.vectorColumn) config.vector_column = spec.vectorColumn;
    if (spec.idColumn) config.id_column = spec.idColumn;
    if (spec.payloadPath) config.payload_path = spec.payloadPath;
  }
  if (spec.kind === "qdrant" && spec.vector) config.vector = spec.vector;
  return config;
}

function describeSpec(spec: SourceSpec): string {
  if (spec.kind === "demo") return "the demo source";
  if (spec.kind === "file") return spec.path;
  return `Qdrant collection '${spec.collection}'`;
}

function checkRow(row: number, run: RunRecord): number {
  if (!Number.isInteger(row) || row < 0 || row >= run.point_count) {
    throw new InputError(`row ${row} is not in run ${run.id} (it has rows 0..${run.point_count - 1})`, "row");
  }
  return row;
}

function pick(obj: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}

function now(): string {
  return new Date().toISOString();
}

export { CancelledError };
