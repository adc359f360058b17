/**
 * The viewer's state and the pure reducer of everything that happens to it (host events, replies,
 * user intents). No DOM, no transport: the controller dispatches, the views render.
 * Each asynchronous slice is a union on `kind` (loading | error | data) so a view cannot forget a case.
 */
import type { FieldInfo, HostInfo, PointDetail } from "../../shared/src/protocol/messages";
import type { ColorBy, LegendEntry, RunProgress, RunRecord, SimilarHit } from "../../shared/src/types";

export type Remote<T> = { kind: "loading" } | { kind: "error"; message: string } | { kind: "data"; value: T };

export type Connection = { kind: "connecting" } | { kind: "ready"; host: HostInfo } | { kind: "lost"; message: string };

export interface Coloring {
  colorBy: ColorBy;
  /** One category code per point, in row order (255 = "Other"). */
  codes: Uint8Array;
  legend: LegendEntry[];
}

export interface RunPoints {
  count: number;
  x: Float32Array;
  y: Float32Array;
}

export type ViewState =
  | { kind: "empty" }
  | { kind: "loading"; runId: string }
  | { kind: "error"; runId: string; message: string }
  | {
      kind: "data";
      runId: string;
      points: RunPoints;
      coloring: Coloring;
      /** A colour-by being fetched; the old colours stay until it arrives. */
      pendingColorBy: ColorBy | null;
      fields: FieldInfo[];
    };

export type SelectionOrigin = "lasso" | "box" | "click" | "search" | "similar" | "legend";

export interface Selection {
  origin: SelectionOrigin;
  /** Row indices, ascending and unique. */
  rows: Uint32Array;
  /** What produced it, for the table header (e.g. the search text). */
  label?: string;
}

export type SearchState =
  | { kind: "idle" }
  | { kind: "loading"; query: string }
  | { kind: "data"; query: string; matches: number }
  | { kind: "error"; query: string; message: string };

export interface SimilarResult {
  hits: SimilarHit[];
  via: "source" | "local";
}

export type Panel =
  | { kind: "closed" }
  | { kind: "detail"; row: number; point: Remote<PointDetail> }
  | { kind: "similar"; row: number; result: Remote<SimilarResult> };

export type InteractionMode = "pan" | "lasso" | "box";

export interface Notice {
  id: number;
  level: "info" | "error";
  text: string;
}

export interface AppState {
  connection: Connection;
  runs: Remote<RunRecord[]>;
  /** Latest progress per running run. */
  progress: Readonly<Record<string, RunProgress>>;
  view: ViewState;
  /** Legend categories (indices) the user highlighted; empty = all shown normally. */
  focusedCategories: readonly number[];
  selection: Selection | null;
  search: SearchState;
  panel: Panel;
  mode: InteractionMode;
  sidebarOpen: boolean;
  notices: readonly Notice[];
}

export type Action =
  | { type: "connected"; host: HostInfo }
  | { type: "connection-lost"; message: string }
  | { type: "runs-loading" }
  | { type: "runs-loaded"; runs: RunRecord[] }
  | { type: "runs-failed"; message: string }
  | { type: "run-updated"; run: RunRecord }
  | { type: "run-deleted"; runId: string }
  | { type: "run-progress"; progress: RunProgress }
  | { type: "view-loading"; runId: string }
  | { type: "view-loaded"; runId: string; points: RunPoints; coloring: Coloring }
  | { type: "view-failed"; runId: string; message: string }
  | { type: "view-closed" }
  | { type: "fields-loaded"; runId: string; fields: FieldInfo[] }
  | { type: "color-loading"; runId: string; colorBy: ColorBy }
  | { type: "color-loaded"; runId: string; coloring: Coloring }
  | { type: "color-failed"; runId: string; colorBy: ColorBy; message: string }
  | { type: "categories-focused"; indices: readonly number[] }
  | { type: "selection-set"; runId: string; selection: Selection | null }
  | { type: "search-started"; runId: string; query: string }
  | { type: "search-finished"; runId: string; query: string; rows: Uint32Array }
  | { type: "search-failed"; runId: string; query: string; message: string }
  | { type: "search-cleared" }
  | { type: "similar-loading"; runId: string; row: number }
  | { type: "similar-loaded"; runId: string; row: number; result: SimilarResult }
  | { type: "similar-failed"; runId: string; row: number; message: string }
  | { type: "detail-loading"; runId: string; row: number }
  | { type: "detail-loaded"; runId: string; point: PointDetail }
  | { type: "detail-failed"; runId: string; row: number; message: string }
  | { type: "panel-closed" }
  | { type: "mode-set"; mode: InteractionMode }
  | { type: "sidebar-toggled"; open?: boolean }
  | { type: "notice-added"; notice: Notice }
  | { type: "notice-dismissed"; id: number };

export interface InitialOptions {
  sidebarOpen?: boolean;
  mode?: InteractionMode;
}

export function initialState(options: InitialOptions = {}): AppState {
  return {
    connection: { kind: "connecting" },
    runs: { kind: "loading" },
    progress: {},
    view: { kind: "empty" },
    focusedCategories: [],
    selection: null,
    search: { kind: "idle" },
    panel: { kind: "closed" },
    mode: options.mode ?? "pan",
    sidebarOpen: options.sidebarOpen ?? true,
    notices: [],
  };
}

/** The run the view shows or is loading, if any. */
export function viewRunId(state: AppState): string | null {
  return state.view.kind === "empty" ? null : state.view.runId;
}

/** Newest first, as the engine lists them. */
function sortRuns(runs: RunRecord[]): RunRecord[] {
  return [...runs].sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
}

/** Sorted unique copy of row indices (selections arrive in lasso order, with repeats from merges). */
export function normalizeRows(rows: ArrayLike<number>): Uint32Array {
  const sorted = Uint32Array.from(rows).sort();
  let n = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[n++] = sorted[i];
  }
  return n === sorted.length ? sorted : sorted.slice(0, n);
}

const MAX_NOTICES = 4;

export function reduce(state: AppState, action: Action): AppState {
  switch (action.type) {
    case "connected":
      return { ...state, connection: { kind: "ready", host: action.host } };
    case "connection-lost":
      return { ...state, connection: { kind: "lost", message: action.message } };

    case "runs-loading":
      return state.runs.kind === "data" ? state : { ...state, runs: { kind: "loading" } };
    case "runs-loaded":
      return { ...state, runs: { kind: "data", value: sortRuns(action.runs) } };
    case "runs-failed":
      return { ...state, runs: { kind: "error", message: action.message } };

    case "run-updated": {
      const runs = state.runs.kind === "data" ? state.runs.value : [];
      const index = runs.findIndex((r) => r.id === action.run.id);
      const next = index >= 0 ? runs.map((r, i) => (i === index ? action.run : r)) : sortRuns([action.run, ...runs]);
      const finished = action.run.status !== "running" && action.run.status !== "pending";
      let progress = state.progress;
      if (finished && progress[action.run.id]) {
        const { [action.run.id]: _gone, ...rest } = progress;
        progress = rest;
      }
      return { ...state, runs: { kind: "data", value: next }, progress };
    }
    case "run-deleted": {
      const runs = state.runs.kind === "data" ? { kind: "data" as const, value: state.runs.value.filter((r) => r.id !== action.runId) } : state.runs;
      const { [action.runId]: _gone, ...progress } = state.progress;
      const shown = viewRunId(state) === action.runId;
      return {
        ...state,
        runs,
        progress,
        ...(shown ? clearedView() : {}),
      };
    }
    case "run-progress":
      return { ...state, progress: { ...state.progress, [action.progress.runId]: action.progress } };

    case "view-loading":
      return { ...state, view: { kind: "loading", runId: action.runId }, ...clearedRunState() };
    case "view-loaded":
      if (viewRunId(state) !== action.runId) return state;
      return {
        ...state,
        view: { kind: "data", runId: action.runId, points: action.points, coloring: action.coloring, pendingColorBy: null, fields: [] },
      };
    case "view-failed":
      if (viewRunId(state) !== action.runId) return state;
      return { ...state, view: { kind: "error", runId: action.runId, message: action.message } };
    case "view-closed":
      return { ...state, ...clearedView() };

    case "fields-loaded":
      if (state.view.kind !== "data" || state.view.runId !== action.runId) return state;
      return { ...state, view: { ...state.view, fields: action.fields } };
    case "color-loading":
      if (state.view.kind !== "data" || state.view.runId !== action.runId) return state;
      return { ...state, view: { ...state.view, pendingColorBy: action.colorBy } };
    case "color-loaded":
      if (state.view.kind !== "data" || state.view.runId !== action.runId) return state;
      if (action.coloring.codes.length !== state.view.points.count) {
        return withNotice({ ...state, view: { ...state.view, pendingColorBy: null } }, "error", "the host sent colours for a different number of points");
      }
      return { ...state, view: { ...state.view, coloring: action.coloring, pendingColorBy: null }, focusedCategories: [] };
    case "color-failed":
      if (state.view.kind !== "data" || state.view.runId !== action.runId) return state;
      return withNotice({ ...state, view: { ...state.view, pendingColorBy: null } }, "error", `Could not colour by ${action.colorBy}: ${action.message}`);

    case "categories-focused":
      return { ...state, focusedCategories: [...new Set(action.indices)].sort((a, b) => a - b) };

    case "selection-set":
      if (viewRunId(state) !== action.runId) return state;
      return { ...state, selection: action.selection && action.selection.rows.length > 0 ? action.selection : null };

    case "search-started":
      if (viewRunId(state) !== action.runId) return state;
      return { ...state, search: { kind: "loading", query: action.query } };
    case "search-finished": {
      if (viewRunId(state) !== action.runId) return state;
      if (state.search.kind !== "loading" || state.search.query !== action.query) return state;
      const rows = normalizeRows(action.rows);
      return {
        ...state,
        search: { kind: "data", query: action.query, matches: rows.length },
        selection: rows.length > 0 ? { origin: "search", rows, label: action.query } : state.selection?.origin === "search" ? null : state.selection,
      };
    }
    case "search-failed":
      if (viewRunId(state) !== action.runId) return state;
      if (state.search.kind !== "loading" || state.search.query !== action.query) return state;
      return { ...state, search: { kind: "error", query: action.query, message: action.message } };
    case "search-cleared":
      return { ...state, search: { kind: "idle" }, selection: state.selection?.origin === "search" ? null : state.selection };

    case "similar-loading":
      if (viewRunId(state) !== action.runId) return state;
      return { ...state, panel: { kind: "similar", row: action.row, result: { kind: "loading" } } };
    case "similar-loaded": {
      if (viewRunId(state) !== action.runId || state.panel.kind !== "similar" || state.panel.row !== action.row) return state;
      const neighbours = action.result.hits.flatMap((hit) => (hit.row === null ? [] : [hit.row]));
      return {
        ...state,
        panel: { kind: "similar", row: action.row, result: { kind: "data", value: action.result } },
        selection: { origin: "similar", rows: normalizeRows([action.row, ...neighbours]), label: `row ${action.row}` },
      };
    }
    case "similar-failed":
      if (viewRunId(state) !== action.runId || state.panel.kind !== "similar" || state.panel.row !== action.row) return state;
      return { ...state, panel: { kind: "similar", row: action.row, result: { kind: "error", message: action.message } } };

    case "detail-loading":
      if (viewRunId(state) !== action.runId) return state;
      return { ...state, panel: { kind: "detail", row: action.row, point: { kind: "loading" } } };
    case "detail-loaded":
      if (viewRunId(state) !== action.runId || state.panel.kind !== "detail" || state.panel.row !== action.point.row) return state;
      return { ...state, panel: { kind: "detail", row: action.point.row, point: { kind: "data", value: action.point } } };
    case "detail-failed":
      if (viewRunId(state) !== action.runId || state.panel.kind !== "detail" || state.panel.row !== action.row) return state;
      return { ...state, panel: { kind: "detail", row: action.row, point: { kind: "error", message: action.message } } };
    case "panel-closed":
      return { ...state, panel: { kind: "closed" } };

    case "mode-set":
      return { ...state, mode: action.mode };
    case "sidebar-toggled":
      return { ...state, sidebarOpen: action.open ?? !state.sidebarOpen };

    case "notice-added":
      return { ...state, notices: [...state.notices, action.notice].slice(-MAX_NOTICES) };
    case "notice-dismissed":
      return { ...state, notices: state.notices.filter((n) => n.id !== action.id) };
  }
}

function clearedRunState(): Pick<AppState, "focusedCategories" | "selection" | "search" | "panel"> {
  return { focusedCategories: [], selection: null, search: { kind: "idle" }, panel: { kind: "closed" } };
}

function clearedView(): Pick<AppState, "view" | "focusedCategories" | "selection" | "search" | "panel"> {
  return { view: { kind: "empty" }, ...clearedRunState() };
}

let noticeCounter = 0;
export function nextNoticeId(): number {
  noticeCounter += 1;
  return noticeCounter;
}

function withNotice(state: AppState, level: Notice["level"], text: string): AppState {
  return reduce(state, { type: "notice-added", notice: { id: nextNoticeId(), level, text } });
}
