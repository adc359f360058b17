/**
 * Bulk load of a finished run: derives each point's columns once (categories.ts), then appends
 * points and vectors through DataChunks in row order, so per-run scans prune by zone maps.
 */
import { extractPointColumns } from "../categories";
import { InputError } from "../errors";
import { bulkAppend, type BulkColumn, type DuckDBConnection } from "./duckdb";
import type { CompletedRunData } from "./types";

const MAX_POINTS = 2 ** 31 - 1;

/** Throws InputError unless the arrays describe the same N points. */
export function checkCompletedRunData(data: CompletedRunData): number {
  if (!data || !Array.isArray(data.ids) || !Array.isArray(data.payloads)) {
    throw new InputError("completed run data needs ids and payloads arrays");
  }
  const n = data.ids.length;
  if (n > MAX_POINTS) throw new InputError(`a run holds at most ${MAX_POINTS} points`);
  if (data.payloads.length !== n) throw new InputError(`payloads has ${data.payloads.length} entries for ${n} ids`, "payloads");
  if (!(data.coords instanceof Float32Array) || data.coords.length !== 2 * n) {
    throw new InputError(`coords must be a Float32Array of 2 × ${n} interleaved x, y values`, "coords");
  }
  for (let i = 0; i < n; i++) {
    if (typeof data.ids[i] !== "string") throw new InputError(`point id at row ${i} is not a string`, "ids");
  }
  const preservation = data.neighborPreservation;
  if (preservation !== undefined && preservation !== null && (!(preservation instanceof Float32Array) || preservation.length !== n)) {
    throw new InputError(`neighborPreservation must be a Float32Array of ${n} values`, "neighborPreservation");
  }
  if (data.vectors) {
    const { data: vec, dims } = data.vectors;
    if (!Number.isInteger(dims) || dims < 1) throw new InputError("vectors.dims must be a positive integer", "vectors");
    if (!(vec instanceof Float32Array) || vec.length !== n * dims) {
      throw new InputError(`vectors.data must be a Float32Array of ${n} × ${dims} values`, "vectors");
    }
  }
  return n;
}

function payloadJson(payload: unknown, row: number): string | null {
  if (payload === null || payload === undefined) return null;
  try {
    return JSON.stringify(payload);
  } catch (err) {
    throw new InputError(`payload at row ${row} cannot be stored as JSON: ${(err as Error).message}`, "payloads");
  }
}

/** The `points` columns of rows [start, start + count), in table order. */
function pointColumns(runId: string, data: CompletedRunData, start: number, count: number): BulkColumn[] {
  const rows = new Int32Array(count);
  const xs = new Float32Array(count);
  const ys = new Float32Array(count);
  const chunkIndexes = new Int32Array(count);
  const hasChunkIndex = new Uint8Array(count);
  const timestamps = new BigInt64Array(count); // epoch µs
  const hasTimestamp = new Uint8Array(count);
  const pointIds: string[] = new Array(count);
  const documentIds: (string | null)[] = new Array(count);
  const sourcePaths: (string | null)[] = new Array(count);
  const paths: (string | null)[] = new Array(count);
  const mimeTypes: (string | null)[] = new Array(count);
  const sourceDirs: string[] = new Array(count);
  const filetypes: string[] = new Array(count);
  const texts: (string | null)[] = new Array(count);
  const payloads: (string | null)[] = new Array(count);
  const preservation = new Float32Array(count);
  const hasPreservation = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const row = start + i;
    const c = extractPointColumns(data.ids[row], data.payloads[row]);
    rows[i] = row;
    xs[i] = data.coords[2 * row];
    ys[i] = data.coords[2 * row + 1];
    pointIds[i] = c.point_id;
    documentIds[i] = c.document_id;
    if (c.chunk_index !== null) {
      chunkIndexes[i] = c.chunk_index;
      hasChunkIndex[i] = 1;
    }
    sourcePaths[i] = c.source_path;
    paths[i] = c.path;
    mimeTypes[i] = c.mime_type;
    if (c.ts) {
      timestamps[i] = BigInt(c.ts.getTime()) * 1000n;
      hasTimestamp[i] = 1;
    }
    sourceDirs[i] = c.source_dir;
    filetypes[i] = c.filetype;
    texts[i] = c.text;
    payloads[i] = payloadJson(data.payloads[row], row);
    const kept = data.neighborPreservation?.[row];
    if (kept !== undefined && Number.isFinite(kept)) {
      preservation[i] = kept;
      hasPreservation[i] = 1;
    }
  }
  const text = (values: readonly (string | null)[]): BulkColumn => ({ kind: "varchar", values });
  return [
    { kind: "constant", value: runId },
    { kind: "int32", values: rows },
    text(pointIds),
    { kind: "float32", values: xs },
    { kind: "float32", values: ys },
    text(documentIds),
    { kind: "int32", values: chunkIndexes, valid: hasChunkIndex },
    text(sourcePaths),
    text(paths),
    text(mimeTypes),
    { kind: "int64", values: timestamps, valid: hasTimestamp },
    text(sourceDirs),
    text(filetypes),
    text(texts),
    text(payloads),
    { kind: "float32", values: preservation, valid: hasPreservation },
  ];
}

/** Appends the points (and vectors, when given) of `runId` inside the caller's transaction. */
export async function loadPoints(tx: DuckDBConnection, runId: string, data: CompletedRunData): Promise<void> {
  const n = data.ids.length;
  await bulkAppend(tx, "points", n, (start, count) => pointColumns(runId, data, start, count));
  const vectors = data.vectors;
  if (vectors) {
    await bulkAppend(tx, "vectors", n, (start, count) => [
      { kind: "constant", value: runId },
      { kind: "int32", values: Int32Array.from({ length: count }, (_, i) => start + i) },
      { kind: "floatList", values: vectors.data.subarray(start * vectors.dims, (start + count) * vectors.dims), width: vectors.dims },
    ]);
  }
}
