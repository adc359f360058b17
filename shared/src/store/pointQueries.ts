/**
 * Read queries over one completed run's points and vectors: the selection table, one point,
 * one vector, exact "find similar", id → row lookups and substring search. The run id is
 * already resolved by the caller.
 */
import { pathBaseName, type PointColumns } from "../categories";
import { InputError, NotFoundError } from "../errors";
import type { ChunkRow, SelectionResult, SimilarHit } from "../types";
import type { Db } from "./duckdb";
import type { PointDetail } from "./types";

const MAX_ROW = 2 ** 31 - 1;
const MAX_SELECTION = 1_000_000;
const MAX_SIMILAR = 10_000;
export const DEFAULT_SEARCH_LIMIT = 10_000;

/** Row indexes must be integers; negative or too large ones simply do not exist. */
export function checkRowIndex(row: unknown, field = "row"): number {
  if (typeof row !== "number" || !Number.isInteger(row)) throw new InputError(`${field} must be an integer row index; got ${String(row)}`, field);
  return row;
}

/** A row index as an INTEGER parameter; out-of-range ones become -1, which matches nothing. */
function rowParam(row: number): number {
  return row < 0 || row > MAX_ROW ? -1 : row;
}

/** The chunk-table rows for `rows`, in request order, duplicates dropped, unknown rows in `missing`. One query. */
export async function selectRows(db: Db, runId: string, rows: ArrayLike<number>): Promise<SelectionResult> {
  if (!rows || typeof rows.length !== "number") throw new InputError("rows must be a list of row indexes", "rows");
  if (rows.length > MAX_SELECTION) throw new InputError(`select at most ${MAX_SELECTION} rows at once`, "rows");
  const requested: number[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < rows.length; i++) {
    const row = checkRowIndex(rows[i], "rows");
    if (!seen.has(row)) {
      seen.add(row);
      requested.push(row);
    }
  }
  const wanted = requested.filter((row) => row >= 0 && row <= MAX_ROW);
  if (wanted.length === 0) return { rows: [], missing: requested, degraded: false };
  // Column-wise read: building 10k row objects in the binding costs more than the join itself.
  const found = await db.columns(
    `SELECT p."row" AS "row", p.point_id, p.document_id, p.chunk_index, left(p.text, 200) AS text_preview,
       coalesce(p.path, p.source_path) AS file, p.mime_type
     FROM unnest(string_split($rows, ',')::INTEGER[]) WITH ORDINALITY AS r(wanted, ord)
     JOIN points p ON p.run_id = $run AND p."row" = r.wanted
     ORDER BY r.ord`,
    // A comma-joined string binds in microseconds; a 10k-element LIST parameter takes tens of ms.
    { run: runId, rows: wanted.join(",") },
  );
  const rowCol = found.row as number[];
  const pointIds = found.point_id as string[];
  const documentIds = found.document_id as (string | null)[];
  const chunkIndexes = found.chunk_index as (number | null)[];
  const previews = found.text_preview as (string | null)[];
  const files = found.file as (string | null)[];
  const mimeTypes = found.mime_type as (string | null)[];
  const out: ChunkRow[] = new Array(rowCol.length);
  for (let i = 0; i < rowCol.length; i++) {
    const file = files[i];
    out[i] = {
      row: rowCol[i],
      point_id: pointIds[i],
      document_id: documentIds[i],
      chunk_index: chunkIndexes[i],
      text_preview: previews[i],
      file_name: file ? pathBaseName(file) || null : null,
      path: file,
      mime_type: mimeTypes[i],
    };
  }
  let missing: number[] = [];
  if (out.length < requested.length) {
    const present = new Set(out.map((r) => r.row));
    missing = requested.filter((row) => !present.has(row));
  }
  return { rows: out, missing, degraded: false };
}

interface PointRow extends PointColumns {
  row: number;
  x: number;
  y: number;
  payload: string | null;
}

/** One point in full, for "open document". */
export async function pointDetail(db: Db, runId: string, row: number): Promise<PointDetail> {
  checkRowIndex(row);
  const found = await db.all<PointRow>(`SELECT * EXCLUDE (run_id) FROM points WHERE run_id = $run AND "row" = $row`, { run: runId, row: rowParam(row) });
  if (!found.length) throw new NotFoundError("point", `${runId}#${row}`);
  const p = found[0];
  return {
    row: p.row,
    point_id: p.point_id,
    x: p.x,
    y: p.y,
    text: p.text,
    payload: p.payload,
    columns: {
      document_id: p.document_id,
      chunk_index: p.chunk_index,
      source_path: p.source_path,
      path: p.path,
      mime_type: p.mime_type,
      ts: p.ts ? p.ts.toISOString() : null,
      source_dir: p.source_dir,
      filetype: p.filetype,
    },
  };
}

/** The stored vector of a point; null when the run kept no vectors, NotFoundError for a missing row. */
export async function pointVector(db: Db, runId: string, row: number): Promise<Float32Array | null> {
  checkRowIndex(row);
  const found = await db.all<{ vec: number[] | null }>(
    `SELECT v.vec FROM points p LEFT JOIN vectors v ON v.run_id = p.run_id AND v."row" = p."row" WHERE p.run_id = $run AND p."row" = $row`,
    { run: runId, row: rowParam(row) },
  );
  if (!found.length) throw new NotFoundError("point", `${runId}#${row}`);
  return found[0].vec ? Float32Array.from(found[0].vec) : null;
}

/** The k most cosine-similar points of the run to `row`, exact over the stored vectors, best first. */
export async function similarRows(db: Db, runId: string, row: number, k: number): Promise<SimilarHit[]> {
  if (!Number.isInteger(k) || k < 1 || k > MAX_SIMILAR) throw new InputError(`k must be an integer from 1 to ${MAX_SIMILAR}`, "k");
  const query = await pointVector(db, runId, row);
  if (!query) {
    throw new InputError(`run ${runId} has no stored vectors`, "run", "Find similar through the source instead, or re-run with vectors kept.");
  }
  if (!query.some((v) => v !== 0)) return []; // cosine is undefined for a zero vector
  // Zero vectors are skipped: DuckDB reports -1 for them, which would rank as "opposite".
  const hits = await db.all<{ row: number; point_id: string; score: number }>(
    `WITH q AS (SELECT vec FROM vectors WHERE run_id = $run AND "row" = $row),
     top AS (
       SELECT v."row", list_cosine_similarity(v.vec, q.vec) AS score FROM vectors v, q
       WHERE v.run_id = $run AND v."row" <> $row AND list_dot_product(v.vec, v.vec) > 0
       ORDER BY score DESC, v."row" LIMIT $k
     )
     SELECT top."row" AS "row", p.point_id, top.score FROM top JOIN points p ON p.run_id = $run AND p."row" = top."row"
     ORDER BY top.score DESC, top."row"`,
    { run: runId, row, k },
  );
  return hits.map((h) => ({ row: h.row, point_id: h.point_id, score: h.score }));
}

/** Rows of the given point ids (the first row when an id repeats); unknown ids are absent. */
export async function rowsOfPointIds(db: Db, runId: string, ids: string[]): Promise<Map<string, number>> {
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== "string")) throw new InputError("ids must be a list of strings", "ids");
  const out = new Map<string, number>();
  if (ids.length === 0) return out;
  // Ids travel as one JSON text: any character is safe and it binds far faster than a LIST.
  const found = await db.all<{ point_id: string; row: number }>(
    `SELECT point_id, min("row") AS "row" FROM points
     WHERE run_id = $run AND point_id IN (SELECT unnest(from_json($ids, '["VARCHAR"]'))) GROUP BY point_id`,
    { run: runId, ids: JSON.stringify([...new Set(ids)]) },
  );
  for (const f of found) out.set(f.point_id, f.row);
  return out;
}

/** Rows (ascending) whose text, document id or path contains `query`, ignoring case; no wildcards. */
export async function searchRows(db: Db, runId: string, query: string, limit: number = DEFAULT_SEARCH_LIMIT): Promise<Uint32Array> {
  if (typeof query !== "string" || query.trim() === "") throw new InputError("search text is empty", "query");
  if (query.length > 1000) throw new InputError("search text is longer than 1000 characters", "query");
  if (!Number.isInteger(limit) || limit < 1) throw new InputError("limit must be a positive integer", "limit");
  const cols = await db.columns(
    `SELECT "row" FROM points WHERE run_id = $run AND (
       contains(lower(text), lower($q)) OR contains(lower(document_id), lower($q))
       OR contains(lower(path), lower($q)) OR contains(lower(source_path), lower($q)))
     ORDER BY "row" LIMIT $limit`,
    { run: runId, q: query, limit },
  );
  return Uint32Array.from(cols.row as number[]);
}
