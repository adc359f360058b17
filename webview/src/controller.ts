/**
 * Everything the viewer asks of its host, as intents: each one calls the typed RPC and dispatches
 * what happened into the store. DOM-free, so it is tested over the in-memory transport.
 */
import { isCancel } from "../../shared/src/errors";
import type { Events } from "../../shared/src/protocol/messages";
import type { RpcClient } from "../../shared/src/protocol/rpc";
import type { Disposable } from "../../shared/src/protocol/transport";
import type { ChunkRow, ColorBy, ExportFormat, RunRecord, SelectionResult, SourceSpec, StartRunRequest } from "../../shared/src/types";
import { nextNoticeId, normalizeRows, viewRunId, type Notice, type SelectionOrigin } from "./state";
import type { ViewerStore } from "./store";

export interface ControllerOptions {
  /** Show this run at start-up (notebook outputs, "Open Run"); otherwise the newest completed run. */
  runId?: string;
  colorBy?: ColorBy;
  /** Open the newest completed run when nothing else is asked for. Default true. */
  autoOpen?: boolean;
}

export interface ExportedFile {
  data: Uint8Array;
  fileName: string;
  count: number;
  mimeType: string;
}

const PREVIEW_CACHE_LIMIT = 1000;
const MIME: Record<ExportFormat, string> = { csv: "text/csv", json: "application/json", parquet: "application/vnd.apache.parquet" };

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class ViewerController {
  private readonly subscriptions: Disposable[] = [];
  /** Aborted whenever the shown run changes, so stale replies never land. */
  private viewSession = new AbortController();
  private searchRequest: AbortController | null = null;
  private readonly previews = new Map<number, Promise<ChunkRow | null>>();
  /** Runs started from this viewer: shown when they complete. */
  private readonly openWhenDone = new Set<string>();
  private disposed = false;

  constructor(
    readonly store: ViewerStore,
    private readonly rpc: RpcClient,
    private readonly options: ControllerOptions = {},
  ) {}

  async start(): Promise<void> {
    this.subscriptions.push(
      this.rpc.on("run.progress", (p) => this.store.dispatch({ type: "run-progress", progress: p })),
      this.rpc.on("run.updated", (e) => this.onRunUpdated(e)),
      this.rpc.on("run.deleted", ({ runId }) => {
        this.openWhenDone.delete(runId);
        if (viewRunId(this.store.state) === runId) this.resetViewSession();
        this.store.dispatch({ type: "run-deleted", runId });
      }),
      this.rpc.on("view.open", (e: Events["view.open"]) => void this.openRun(e.runId, e.colorBy)),
    );
    this.rpc.ready();
    try {
      const host = await this.rpc.request("host.info", {});
      this.store.dispatch({ type: "connected", host });
    } catch (err) {
      this.store.dispatch({ type: "connection-lost", message: errorMessage(err) });
      return;
    }
    await this.refreshRuns();
    if (this.options.runId) {
      await this.openRun(this.options.runId, this.options.colorBy);
    } else if (this.options.autoOpen !== false && viewRunId(this.store.state) === null) {
      const listed = this.store.state.runs;
      const newest = listed.kind === "data" ? listed.value.find((r) => r.status === "completed") : undefined;
      if (newest) await this.openRun(newest.id, this.options.colorBy);
    }
  }

  dispose(): void {
    this.disposed = true;
    this.viewSession.abort();
    this.searchRequest?.abort();
    for (const s of this.subscriptions.splice(0)) s.dispose();
  }

  /** The transport went away (socket closed): every later request would hang. */
  connectionLost(message: string): void {
    this.store.dispatch({ type: "connection-lost", message });
  }

  notify(level: Notice["level"], text: string): void {
    const id = nextNoticeId();
    this.store.dispatch({ type: "notice-added", notice: { id, level, text } });
    if (level === "info" && typeof setTimeout === "function") setTimeout(() => this.store.dispatch({ type: "notice-dismissed", id }), 5000);
  }

  // ── runs ──────────────────────────────────────────────────────────────────

  async refreshRuns(): Promise<RunRecord[] | null> {
    this.store.dispatch({ type: "runs-loading" });
    try {
      const { runs } = await this.rpc.request("runs.list", {});
      this.store.dispatch({ type: "runs-loaded", runs });
      return runs;
    } catch (err) {
      this.store.dispatch({ type: "runs-failed", message: errorMessage(err) });
      return null;
    }
  }

  /** Validation errors come back as InputError (with `field`) for the form to show inline. */
  async startRun(request: StartRunRequest, openWhenDone = true): Promise<RunRecord> {
    const { run } = await this.rpc.request("runs.start", { request });
    this.store.dispatch({ type: "run-updated", run });
    if (openWhenDone) this.openWhenDone.add(run.id);
    return run;
  }

  async cancelRun(runId: string): Promise<void> {
    this.openWhenDone.delete(runId);
    try {
      const { run } = await this.rpc.request("runs.cancel", { runId });
      this.store.dispatch({ type: "run-updated", run });
    } catch (err) {
      this.notify("error", `Could not cancel: ${errorMessage(err)}`);
    }
  }

  async deleteRun(runId: string): Promise<void> {
    try {
      const { deleted } = await this.rpc.request("runs.delete", { runId });
      if (viewRunId(this.store.state) === deleted) this.resetViewSession();
      this.store.dispatch({ type: "run-deleted", runId: deleted });
    } catch (err) {
      this.notify("error", `Could not delete: ${errorMessage(err)}`);
    }
  }

  describeSource(source: SourceSpec) {
    return this.rpc.request("sources.describe", { source });
  }

  listCollections(url: string) {
    return this.rpc.request("sources.collections", { url });
  }

  private onRunUpdated({ run }: Events["run.updated"]): void {
    this.store.dispatch({ type: "run-updated", run });
    if (run.status === "completed" && this.openWhenDone.delete(run.id)) {
      void this.openRun(run.id);
    } else if (run.status === "failed" || run.status === "cancelled") {
      if (this.openWhenDone.delete(run.id) && run.status === "failed") this.notify("error", `Run failed: ${run.error ?? "unknown error"}`);
    }
  }

  // ── the shown run ─────────────────────────────────────────────────────────

  private resetViewSession(): AbortSignal {
    this.viewSession.abort();
    this.searchRequest?.abort();
    this.previews.clear();
    this.viewSession = new AbortController();
    return this.viewSession.signal;
  }

  async openRun(runId: string, colorBy?: ColorBy): Promise<void> {
    if (this.disposed) return;
    const signal = this.resetViewSession();
    this.store.dispatch({ type: "view-loading", runId });
    try {
      // Resolve prefixes and check the status first: a running run has no points yet.
      const { run } = await this.rpc.request("runs.get", { runId }, { signal });
      if (run.id !== runId) {
        this.store.dispatch({ type: "run-updated", run });
        return this.openRun(run.id, colorBy);
      }
      if (run.status !== "completed") {
        this.store.dispatch({ type: "view-failed", runId, message: `This run is ${run.status}${run.error ? `: ${run.error}` : ""}; it has no points to show yet.` });
        return;
      }
      const wanted = colorBy ?? run.meta.color_by ?? "document_id";
      const [points, coloring] = await Promise.all([
        this.rpc.request("points.get", { runId }, { signal }),
        this.rpc.request("color.get", { runId, colorBy: wanted }, { signal }),
      ]);
      if (points.x.length !== points.count || points.y.length !== points.count || coloring.codes.length !== points.count) {
        throw new Error(`the host sent ${points.x.length} x, ${points.y.length} y and ${coloring.codes.length} colours for ${points.count} points`);
      }
      this.store.dispatch({ type: "view-loaded", runId, points, coloring });
      this.rpc.request("fields.list", { runId }, { signal }).then(
        ({ fields }) => this.store.dispatch({ type: "fields-loaded", runId, fields }),
        () => undefined, // The picker still offers the builtins.
      );
    } catch (err) {
      if (isCancel(err) || signal.aborted) return;
      this.store.dispatch({ type: "view-failed", runId, message: errorMessage(err) });
    }
  }

  closeView(): void {
    this.resetViewSession();
    this.store.dispatch({ type: "view-closed" });
  }

  /** Recolours from the stored columns: no new run. */
  async setColorBy(colorBy: ColorBy): Promise<void> {
    const view = this.store.state.view;
    if (view.kind !== "data" || colorBy === view.coloring.colorBy) return;
    const { runId } = view;
    const signal = this.viewSession.signal;
    this.store.dispatch({ type: "color-loading", runId, colorBy });
    try {
      const coloring = await this.rpc.request("color.get", { runId, colorBy }, { signal });
      this.store.dispatch({ type: "color-loaded", runId, coloring });
    } catch (err) {
      if (isCancel(err) || signal.aborted) return;
      this.store.dispatch({ type: "color-failed", runId, colorBy, message: errorMessage(err) });
    }
  }

  focusCategories(indices: readonly number[]): void {
    this.store.dispatch({ type: "categories-focused", indices });
  }

  /** Selects every point of the given legend categories (e.g. "select this category"). */
  selectCategories(indices: readonly number[]): void {
    const view = this.store.state.view;
    if (view.kind !== "data") return;
    const wanted = new Uint8Array(256);
    for (const i of indices) wanted[i] = 1;
    const { codes } = view.coloring;
    let n = 0;
    for (let i = 0; i < codes.length; i++) n += wanted[codes[i]];
    const rows = new Uint32Array(n);
    for (let i = 0, k = 0; i < codes.length; i++) if (wanted[codes[i]]) rows[k++] = i;
    const labels = view.coloring.legend.filter((e) => indices.includes(e.index)).map((e) => e.label);
    this.store.dispatch({ type: "selection-set", runId: view.runId, selection: { origin: "legend", rows, label: labels.join(", ") } });
  }

  select(rows: ArrayLike<number>, origin: SelectionOrigin): void {
    const runId = viewRunId(this.store.state);
    if (!runId) return;
    const normalized = normalizeRows(rows);
    this.store.dispatch({ type: "selection-set", runId, selection: normalized.length ? { origin, rows: normalized } : null });
  }

  clearSelection(): void {
    const runId = viewRunId(this.store.state);
    if (runId) this.store.dispatch({ type: "selection-set", runId, selection: null });
  }

  /** Rows of the current selection for the table, fetched lazily page by page. */
  fetchRows(rows: Uint32Array, signal?: AbortSignal): Promise<SelectionResult> {
    const runId = viewRunId(this.store.state);
    if (!runId) return Promise.resolve({ rows: [], missing: Array.from(rows), degraded: false });
    return this.rpc.request("select", { runId, rows }, { signal: anySignal(signal, this.viewSession.signal) });
  }

  /** One row's preview for the hover tooltip; cached per run. */
  preview(row: number): Promise<ChunkRow | null> {
    const cached = this.previews.get(row);
    if (cached) return cached;
    const promise = this.fetchRows(Uint32Array.of(row)).then(
      (r) => r.rows[0] ?? null,
      () => {
        this.previews.delete(row);
        return null;
      },
    );
    if (this.previews.size >= PREVIEW_CACHE_LIMIT) this.previews.delete(this.previews.keys().next().value as number);
    this.previews.set(row, promise);
    return promise;
  }

  async search(query: string): Promise<void> {
    const runId = viewRunId(this.store.state);
    this.searchRequest?.abort();
    this.searchRequest = null;
    const text = query.trim();
    if (!runId || text === "") {
      this.store.dispatch({ type: "search-cleared" });
      return;
    }
    const request = new AbortController();
    this.searchRequest = request;
    this.store.dispatch({ type: "search-started", runId, query: text });
    try {
      const { rows } = await this.rpc.request("search", { runId, query: text }, { signal: anySignal(request.signal, this.viewSession.signal) });
      this.store.dispatch({ type: "search-finished", runId, query: text, rows });
    } catch (err) {
      if (isCancel(err) || request.signal.aborted) return;
      this.store.dispatch({ type: "search-failed", runId, query: text, message: errorMessage(err) });
    }
  }

  async findSimilar(row: number, k = 10): Promise<void> {
    const runId = viewRunId(this.store.state);
    if (!runId) return;
    const signal = this.viewSession.signal;
    this.store.dispatch({ type: "similar-loading", runId, row });
    try {
      const result = await this.rpc.request("similar", { runId, row, k }, { signal });
      this.store.dispatch({ type: "similar-loaded", runId, row, result });
    } catch (err) {
      if (isCancel(err) || signal.aborted) return;
      this.store.dispatch({ type: "similar-failed", runId, row, message: errorMessage(err) });
    }
  }

  /** The full chunk text in the side panel. */
  async showPoint(row: number): Promise<void> {
    const runId = viewRunId(this.store.state);
    if (!runId) return;
    const signal = this.viewSession.signal;
    this.store.dispatch({ type: "detail-loading", runId, row });
    try {
      const { point } = await this.rpc.request("point.get", { runId, row }, { signal });
      this.store.dispatch({ type: "detail-loaded", runId, point });
    } catch (err) {
      if (isCancel(err) || signal.aborted) return;
      this.store.dispatch({ type: "detail-failed", runId, row, message: errorMessage(err) });
    }
  }

  /** Opens the document in the host when it can (VS Code); otherwise shows the text here. */
  async openDocument(row: number): Promise<void> {
    const runId = viewRunId(this.store.state);
    const connection = this.store.state.connection;
    if (!runId) return;
    if (connection.kind === "ready" && connection.host.canOpenDocument) {
      try {
        const { opened } = await this.rpc.request("document.open", { runId, row });
        if (opened) return;
        this.notify("info", "The host could not open that document; showing its text instead.");
      } catch (err) {
        this.notify("error", `Could not open the document: ${errorMessage(err)}`);
      }
    }
    await this.showPoint(row);
  }

  closePanel(): void {
    this.store.dispatch({ type: "panel-closed" });
  }

  /** The selection (or the whole run) as file bytes, for a download. */
  async exportData(format: ExportFormat, scope: "selection" | "run"): Promise<ExportedFile> {
    const state = this.store.state;
    if (state.view.kind !== "data") throw new Error("open a run first");
    const rows = scope === "selection" ? state.selection?.rows : undefined;
    if (scope === "selection" && !rows) throw new Error("select some points first (lasso, box, search or a legend entry)");
    const result = await this.rpc.request("export", { runId: state.view.runId, format, colorBy: state.view.coloring.colorBy, rows });
    if (!result.data) throw new Error("the host wrote the file instead of sending it");
    return { data: result.data, fileName: result.fileName, count: result.count, mimeType: MIME[format] };
  }
}

/** A signal aborted when any of the given ones is (AbortSignal.any drops its listeners with the signal). */
function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length === 1) return present[0];
  if (typeof AbortSignal.any === "function") return AbortSignal.any(present);
  const controller = new AbortController();
  for (const s of present) {
    if (s.aborted) {
      controller.abort();
      break;
    }
    s.addEventListener("abort", () => controller.abort(), { once: true });
  }
  return controller.signal;
}
