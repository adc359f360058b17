/** Validation of run input, secret scrubbing, and the mapping between `runs` rows and RunRecord. */
import { InputError, redactSecrets } from "../errors";
import { REDUCERS, RUN_STATUSES, type ReducerName, type RunMeta, type RunRecord, type RunStatus } from "../types";
import type { NewRun, RunPatch } from "./types";

const SOURCE_KINDS: readonly RunRecord["source_kind"][] = ["demo", "file", "qdrant"];
const SECRET_KEY = /^(api[-_]?key|apikey|password|passwd|secret|token|access[-_]?token|authorization|auth)$/i;
const MAX_ERROR_LENGTH = 4000;

/** A `runs` row as DuckDB returns it (JSON as text, TIMESTAMPTZ as Date). */
export interface RunRow {
  id: string;
  label: string | null;
  source_kind: string;
  source_uri: string;
  collection: string | null;
  vector_name: string | null;
  reducer: string;
  dimensionality: number;
  status: string;
  config: string;
  meta: string;
  error: string | null;
  point_count: number;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
}

export const RUN_COLUMNS =
  "id, label, source_kind, source_uri, collection, vector_name, reducer, dimensionality, status, config, meta, error, point_count, created_at, updated_at, started_at, completed_at";

function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null;
}

export function toRunRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    label: row.label,
    source_kind: row.source_kind as RunRecord["source_kind"],
    source_uri: row.source_uri,
    collection: row.collection,
    vector_name: row.vector_name,
    reducer: row.reducer as ReducerName,
    dimensionality: 2,
    status: row.status as RunStatus,
    config: JSON.parse(row.config) as Record<string, unknown>,
    meta: JSON.parse(row.meta) as RunMeta,
    error: row.error,
    point_count: row.point_count,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    started_at: iso(row.started_at),
    completed_at: iso(row.completed_at),
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Drops credential-looking keys at any depth: run config is shown to users and kept on disk. */
export function scrubSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrubSecrets);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!SECRET_KEY.test(k)) out[k] = scrubSecrets(v);
    return out;
  }
  return value;
}

/** A source URI without user:password and without credential query parameters. */
export function scrubUri(uri: string): string {
  try {
    const url = new URL(uri);
    if (url.protocol === "http:" || url.protocol === "https:") {
      url.username = "";
      url.password = "";
      for (const key of [...url.searchParams.keys()]) if (SECRET_KEY.test(key)) url.searchParams.delete(key);
      return redactSecrets(url.toString());
    }
  } catch {
    // not a URL (a file path, "demo"): only redact
  }
  return redactSecrets(uri);
}

/** JSON text of a plain object, or InputError naming the field. */
export function jsonObject(value: unknown, field: string): string {
  if (!isPlainObject(value)) throw new InputError(`${field} must be a JSON object`, field);
  try {
    return JSON.stringify(value);
  } catch (err) {
    throw new InputError(`${field} cannot be stored as JSON: ${(err as Error).message}`, field);
  }
}

function optionalText(value: unknown, field: string, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") throw new InputError(`${field} must be a string`, field);
  if (value.length > max) throw new InputError(`${field} is longer than ${max} characters`, field);
  return value;
}

export function checkReducer(value: unknown): ReducerName {
  if (!REDUCERS.includes(value as ReducerName)) {
    throw new InputError(`reducer must be one of ${REDUCERS.join(", ")}; got ${JSON.stringify(value)}`, "reducer");
  }
  return value as ReducerName;
}

export interface ValidNewRun {
  label: string | null;
  source_kind: RunRecord["source_kind"];
  source_uri: string;
  collection: string | null;
  vector_name: string | null;
  reducer: ReducerName;
  config: string;
  meta: string;
}

export function validateNewRun(init: NewRun): ValidNewRun {
  if (!isPlainObject(init as unknown)) throw new InputError("a new run must be an object");
  if (!SOURCE_KINDS.includes(init.source_kind)) {
    throw new InputError(`source_kind must be one of ${SOURCE_KINDS.join(", ")}; got ${JSON.stringify(init.source_kind)}`, "source_kind");
  }
  if (typeof init.source_uri !== "string" || init.source_uri.trim() === "") {
    throw new InputError("source_uri must be a non-empty string (a file path, 'demo' or a URL)", "source_uri");
  }
  return {
    label: optionalText(init.label, "label", 200),
    source_kind: init.source_kind,
    source_uri: scrubUri(init.source_uri),
    collection: optionalText(init.collection, "collection", 1000),
    vector_name: optionalText(init.vector_name, "vector_name", 1000),
    reducer: checkReducer(init.reducer),
    config: jsonObject(scrubSecrets(init.config ?? {}), "config"),
    meta: jsonObject(init.meta ?? {}, "meta"),
  };
}

function timestampOrNull(value: string | Date | null, field: string): Date | null {
  if (value === null) return null;
  const d = value instanceof Date ? value : typeof value === "string" ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(d.getTime())) throw new InputError(`${field} must be an ISO date-time or null`, field);
  return d;
}

/** Column → value assignments for an UPDATE, validated; meta still needs merging by the caller. */
export function validatePatch(patch: RunPatch): { sets: Record<string, unknown>; meta?: RunMeta } {
  if (!isPlainObject(patch as unknown)) throw new InputError("a run update must be an object");
  const sets: Record<string, unknown> = {};
  if (patch.label !== undefined) sets.label = optionalText(patch.label, "label", 200);
  if (patch.status !== undefined) {
    if (!RUN_STATUSES.includes(patch.status)) {
      throw new InputError(`status must be one of ${RUN_STATUSES.join(", ")}; got ${JSON.stringify(patch.status)}`, "status");
    }
    sets.status = patch.status;
  }
  if (patch.error !== undefined) {
    if (patch.error !== null && typeof patch.error !== "string") throw new InputError("error must be a string or null", "error");
    sets.error = patch.error === null ? null : redactSecrets(patch.error).slice(0, MAX_ERROR_LENGTH);
  }
  if (patch.started_at !== undefined) sets.started_at = timestampOrNull(patch.started_at, "started_at");
  if (patch.completed_at !== undefined) sets.completed_at = timestampOrNull(patch.completed_at, "completed_at");
  if (patch.reducer !== undefined) sets.reducer = checkReducer(patch.reducer);
  if (patch.point_count !== undefined) {
    if (!Number.isInteger(patch.point_count) || patch.point_count < 0 || patch.point_count > 2 ** 31 - 1) {
      throw new InputError("point_count must be a non-negative integer", "point_count");
    }
    sets.point_count = patch.point_count;
  }
  if (patch.meta !== undefined) {
    jsonObject(patch.meta, "meta");
    return { sets, meta: patch.meta };
  }
  return { sets };
}
