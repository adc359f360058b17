/**
 * Every message between a UI (the viewer) and a host, declared once for both directions
 * (STYLE.md habit 1). Requests carry an id; replies carry status ok | error | cancelled; progress
 * and run updates are events. Binary arrays travel as typed arrays, never JSON number lists.
 */
import type { SerializedError } from "../errors";
import type { SourceInfo } from "../sources/source";
import type {
  ColorBy,
  ExportFormat,
  LegendEntry,
  Payload,
  RunProgress,
  RunRecord,
  SelectionResult,
  SimilarHit,
  SourceSpec,
  StartRunRequest,
} from "../types";

/** Full detail of one point, for "open document". */
export interface PointDetail {
  row: number;
  point_id: string;
  document_id: string | null;
  chunk_index: number | null;
  path: string | null;
  source_path: string | null;
  mime_type: string | null;
  text: string | null;
  /** The payload as JSON text (untrusted). */
  payload_json: string;
  payload?: Payload;
}

export interface FieldInfo {
  name: string;
  distinct: number;
  builtin: boolean;
}

/** method → params and result. The single source of truth for the RPC surface. */
export interface Methods {
  "runs.list": { params: Record<string, never>; result: { runs: RunRecord[] } };
  "runs.get": { params: { runId: string }; result: { run: RunRecord } };
  /** Returns once the run exists (status running); completion arrives as `run.updated` events. */
  "runs.start": { params: { request: StartRunRequest }; result: { run: RunRecord } };
  "runs.cancel": { params: { runId: string }; result: { run: RunRecord } };
  "runs.delete": { params: { runId: string }; result: { deleted: string } };
  /** Places new vectors (`dims` values each) into a completed run's layout; nothing is stored. */
  "runs.transform": { params: { runId: string; vectors: Float32Array; dims: number }; result: { coords: Float32Array } };
  "points.get": { params: { runId: string }; result: { count: number; x: Float32Array; y: Float32Array } };
  "color.get": { params: { runId: string; colorBy: ColorBy }; result: { colorBy: ColorBy; codes: Uint8Array; legend: LegendEntry[] } };
  "fields.list": { params: { runId: string }; result: { fields: FieldInfo[] } };
  "select": { params: { runId: string; rows: Uint32Array }; result: SelectionResult };
  "point.get": { params: { runId: string; row: number }; result: { point: PointDetail } };
  "similar": { params: { runId: string; row: number; k?: number }; result: { hits: SimilarHit[]; via: "source" | "local" } };
  "search": { params: { runId: string; query: string; limit?: number }; result: { rows: Uint32Array } };
  /** With `out`: written on the host's disk. Without: the bytes come back (browser download). */
  "export": {
    params: { runId: string; format: ExportFormat; colorBy?: ColorBy; rows?: Uint32Array; out?: string };
    result: { path?: string; data?: Uint8Array; fileName: string; count: number };
  };
  "sources.describe": { params: { source: SourceSpec }; result: { info: SourceInfo } };
  /** `apiKey` is used for this call and remembered in memory only (never stored). */
  "sources.collections": { params: { url: string; apiKey?: string }; result: { collections: string[] } };
  /** Asks the host to open the document of a point (VS Code: the workspace file). */
  "document.open": { params: { runId: string; row: number }; result: { opened: boolean } };
  /** What this host can do, so the viewer can hide what it cannot. */
  "host.info": { params: Record<string, never>; result: HostInfo };
}

export interface HostInfo {
  host: "browser" | "vscode" | "jupyter" | "memory";
  canOpenDocument: boolean;
  canWriteFiles: boolean;
  version: string;
}

export type MethodName = keyof Methods;
export type ParamsOf<M extends MethodName> = Methods[M]["params"];
export type ResultOf<M extends MethodName> = Methods[M]["result"];

/** event → data, host to UI. */
export interface Events {
  "run.progress": RunProgress;
  "run.updated": { run: RunRecord };
  "run.deleted": { runId: string };
  /** Host asks the viewer to show a run (e.g. VS Code "Open Run"). */
  "view.open": { runId: string; colorBy?: ColorBy };
}
export type EventName = keyof Events;

export interface RequestMessage<M extends MethodName = MethodName> {
  type: "request";
  id: number;
  method: M;
  params: ParamsOf<M>;
}

export interface CancelMessage {
  type: "cancel";
  id: number;
}

export type ReplyMessage =
  | { type: "reply"; id: number; status: "ok"; result: unknown }
  | { type: "reply"; id: number; status: "error"; error: SerializedError }
  | { type: "reply"; id: number; status: "cancelled" };

export interface EventMessage<E extends EventName = EventName> {
  type: "event";
  event: E;
  data: Events[E];
}

/** The UI says it is ready before the host sends anything (STYLE.md habit 7). */
export interface ReadyMessage {
  type: "ready";
}

export type UiToHost = RequestMessage | CancelMessage | ReadyMessage;
export type HostToUi = ReplyMessage | EventMessage;
export type WireMessage = UiToHost | HostToUi;
