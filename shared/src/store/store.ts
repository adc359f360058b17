/**
 * The DuckDB store: every run, its point table and (optionally) its vectors, in one file.
 * DuckDB locks the file, so one process owns it; that is what makes "runs left running are
 * interrupted" a safe conclusion at open time.
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { pathBaseName } from "../categories";
import { InputError, NotFoundError } from "../errors";
import type { ChunkRow, ColorBy, RunMeta, RunRecord, SelectionResult, SimilarHit } from "../types";
import { codedLabelsSql, isFieldPath, jsonPathOf, labelSql, legendFromRanked, rankedLabelsSql } from "./colorBy";
import { defaultStorePath } from "./defaultPath";
import { Db, duck, type DuckDBValue } from "./duckdb";
import { exportRun } from "./export";
import { checkCompletedRunData, loadPoints } from "./points";
import { checkReducer, jsonObject, RUN_COLUMNS, toRunRecord, validateNewRun, validatePatch, type RunRow } from "./runRows";
import { migrate, schemaVersion, SCHEMA_VERSION } from "./schema";
import type { CategoryCodes, CompletedRunData, ExportOptions, FieldInfo, NewRun, PointDetail, RunPatch } from "./types";

export type { CategoryCodes, CompletedRunData, ExportOptions, FieldInfo, NewRun, PointDetail, RunPatch } from "./types";

const MIN_PREFIX = 4;
const MAX_ROW = 2 ** 31 - 1;
const MAX_SELECTION = 1_000_000;
const MAX_SIMILAR = 10_000;
const DEFAULT_SEARCH_LIMIT = 10_000;
const MAX_FIELDS = 500;
const BUILTIN_FIELDS = ["document_id", "source_dir", "filetype", "age_bucket"];

function tsValue(d: Date): DuckDBValue {
  return duck.timestampTZValue(BigInt(d.getTime()) * 1000n);
}

/** Row indexes must be integers; negative or too large ones simply do not exist. */
function checkRowIndex(row: unknown, field = "row"): number {
  if (typeof row !== "number" || !Number.isInteger(row)) throw new InputError(`${field} must be an integer row index; got ${String(row)}`, field);
  return row;
}

export class Store {
  private closed = false;
  private readonly payloadFieldCache = new Map<string, FieldInfo[]>();

  private constructor(private readonly db: Db) {}

  get path(): string {
    return this.db.path;
  }

  /** EMBEDSCOPE_DB, else the user's data folder (see defaultPath.ts). */
  static defaultPath(): string {
    return defaultStorePath();
  }

  /**
   * Opens (creating if needed) the store, applies migrations, and marks runs left pending or
   * running by a previous process as failed ("interrupted"). Read-only opens change nothing.
   */
  static async open(file: string, opts: { readOnly?: boolean } = {}): Promise<Store> {
    if (typeof file !== "string" || file === "") throw new InputError("the database path is empty", "db");
    const memory = file === ":memory:";
    if (!memory) {
      if (opts.readOnly && !existsSync(file)) throw new InputError(`No Embedscope database at ${file}`, "db");
      if (isDirectory(file)) {
        throw new InputError(`${file} is a folder; pass a database file path`, "db");
      }
      if (path.resolve(file) === path.resolve(defaultStorePath())) mkdirSync(path.dirname(file), { recursive: true });
      else if (!existsSync(path.dirname(path.resolve(file)))) {
        throw new InputError(`The folder of the database ${file} does not exist`, "db", "Create the folder first or choose another path.");
      }
    }
    let db: Db;
    try {
      db = await Db.open(file, { readOnly: opts.readOnly });
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (/not a valid DuckDB database|Unable to open|IO Error/i.test(msg) && !(err instanceof Error && err.name === "StoreLockedError")) {
        throw new InputError(`Cannot open ${file} as an Embedscope database: ${msg.split("\n")[0]}`, "db");
      }
      throw err;
    }
    try {
      if (opts.readOnly) {
        const version = await schemaVersion(db);
        if (version < SCHEMA_VERSION) {
          throw new InputError(
            `The database ${file} has schema version ${version}; this Embedscope needs ${SCHEMA_VERSION}.`,
            "db",
            "Open it once without read-only so it can be upgraded.",
          );
        }
      } else {
        await migrate(db);
        await db.run(
          "UPDATE runs SET status = 'failed', error = 'interrupted', updated_at = now() WHERE status IN ('pending', 'running')",
        );
      }
    } catch (err) {
      db.close();
      throw err;
    }
    return new Store(db);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private live(): Db {
    if (this.closed) throw new Error("the store is closed");
    return this.db;
  }

  // ------------------------------------------------------------------ runs

  async createRun(init: NewRun): Promise<RunRecord> {
    const v = validateNewRun(init);
    const id = randomUUID();
    const now = tsValue(new Date());
    await this.live().run(
      `INSERT INTO runs (${RUN_COLUMNS}) VALUES ($id, $label, $source_kind, $source_uri, $collection, $vector_name, $reducer, 2,
        'pending', $config, $meta, NULL, 0, $now, $now, NULL, NULL)`,
      { id, label: v.label, source_kind: v.source_kind, source_uri: v.source_uri, collection: v.collection, vector_name: v.vector_name, reducer: v.reducer, config: v.config, meta: v.meta, now },
    );
    return this.requireRun(id);
  }

  async updateRun(id: string, patch: RunPatch): Promise<RunRecord> {
    const { sets, meta } = validatePatch(patch);
    const run = await this.requireRun(id);
    const params: Record<string, DuckDBValue> = { id: run.id, updated_at: tsValue(new Date()) };
    const assignments = ["updated_at = $updated_at"];
    for (const [column, value] of Object.entries(sets)) {
      assignments.push(`${column} = $${column}`);
      params[column] = value instanceof Date ? tsValue(value) : (value as DuckDBValue);
    }
    await this.live().transaction(async (tx) => {
      if (meta) {
        // Read and write inside one transaction so concurrent patches do not lose keys.
        const current = (await tx.runAndReadAll("SELECT meta FROM runs WHERE id = $id", { id: run.id })).getRowObjectsJS()[0];
        params.meta = JSON.stringify({ ...(JSON.parse(String(current.meta)) as RunMeta), ...meta });
        assignments.push("meta = $meta");
      }
      await tx.run(`UPDATE runs SET ${assignments.join(", ")} WHERE id = $id`, params);
    });
    return this.requireRun(run.id);
  }

  /** A run by id, or by a unique prefix of at least 4 characters. */
  async getRun(idOrPrefix: string): Promise<RunRecord> {
    if (typeof idOrPrefix !== "string" || idOrPrefix.trim() === "") throw new InputError("run id is empty", "run");
    const key = idOrPrefix.trim();
    const exact = await this.live().all<RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = $id`, { id: key });
    if (exact.length) return toRunRecord(exact[0]);
    if (key.length < MIN_PREFIX) throw new NotFoundError("run", key, `Give at least ${MIN_PREFIX} characters of the run id.`);
    const matches = await this.live().all<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM runs WHERE starts_with(id, $prefix) ORDER BY created_at DESC, id LIMIT 11`,
      { prefix: key },
    );
    if (matches.length === 1) return toRunRecord(matches[0]);
    if (matches.length === 0) throw new NotFoundError("run", key, "List the runs to see their ids.");
    const listed = matches.slice(0, 10).map((m) => (m.label ? `${m.id} (${m.label})` : m.id));
    throw new InputError(
      `run id prefix '${key}' matches ${matches.length > 10 ? "more than 10" : matches.length} runs: ${listed.join(", ")}`,
      "run",
      "Give more characters of the run id.",
    );
  }

  /** Newest first. */
  async listRuns(): Promise<RunRecord[]> {
    const rows = await this.live().all<RunRow>(`SELECT ${RUN_COLUMNS} FROM runs ORDER BY created_at DESC, id`);
    return rows.map(toRunRecord);
  }

  /** Removes the run, its points and its vectors together (exact id). */
  async deleteRun(id: string): Promise<void> {
    const run = await this.requireRun(id);
    await this.live().transaction(async (tx) => {
      await tx.run("DELETE FROM vectors WHERE run_id = $id", { id: run.id });
      await tx.run("DELETE FROM points WHERE run_id = $id", { id: run.id });
      await tx.run("DELETE FROM runs WHERE id = $id", { id: run.id });
    });
    this.payloadFieldCache.delete(run.id);
  }

  /** Stores points (+ vectors) and marks the run completed, all in one transaction. */
  async completeRun(id: string, data: CompletedRunData): Promise<RunRecord> {
    const n = checkCompletedRunData(data);
    const reducer = checkReducer(data.reducer);
    jsonObject(data.meta, "meta");
    const run = await this.requireRun(id);
    if (run.status !== "pending" && run.status !== "running") {
      throw new InputError(`run ${run.id} is ${run.status}; only a pending or running run can be completed`, "run");
    }
    const meta = JSON.stringify({ ...run.meta, ...data.meta });
    const now = tsValue(new Date());
    await this.live().transaction(async (tx) => {
      await tx.run("DELETE FROM vectors WHERE run_id = $id", { id: run.id });
      await tx.run("DELETE FROM points WHERE run_id = $id", { id: run.id });
      await loadPoints(tx, run.id, data);
      await tx.run(
        `UPDATE runs SET status = 'completed', meta = $meta, point_count = $n, reducer = $reducer, error = NULL,
          started_at = coalesce(started_at, $now), completed_at = $now, updated_at = $now WHERE id = $id`,
        { id: run.id, meta, n, reducer, now },
      );
    });
    return this.requireRun(run.id);
  }

  private async requireRun(id: string): Promise<RunRecord> {
    if (typeof id !== "string" || id === "") throw new InputError("run id is empty", "run");
    const rows = await this.live().all<RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = $id`, { id });
    if (!rows.length) throw new NotFoundError("run", id, "List the runs to see their ids.");
    return toRunRecord(rows[0]);
  }

  // ------------------------------------------------------------------ point data

  /** x and y of every point, in row order. */
  async coords(runId: string): Promise<{ x: Float32Array; y: Float32Array; count: number }> {
    const run = await this.requireRun(runId);
    const cols = await this.live().columns(`SELECT x, y FROM points WHERE run_id = $run ORDER BY "row"`, { run: run.id });
    const x = Float32Array.from(cols.x as number[]);
    const y = Float32Array.from(cols.y as number[]);
    return { x, y, count: x.length };
  }

  /** Colour codes per row and the legend for `colorBy`, computed in SQL from stored columns. */
  async categories(runId: string, colorBy: ColorBy, now: Date = new Date()): Promise<CategoryCodes> {
    const label = labelSql(colorBy, now);
    const run = await this.requireRun(runId);
    const params = { run: run.id, ...label.params };
    const ranked = await this.live().all<{ label: string; n: bigint }>(rankedLabelsSql(label), params);
    const cols = await this.live().columns(`SELECT "row", code FROM (${codedLabelsSql(label)}) ORDER BY "row"`, params);
    const rows = cols.row as number[];
    const codeValues = cols.code as number[];
    const codes = new Uint8Array(rows.length);
    for (let i = 0; i < rows.length; i++) codes[rows[i]] = codeValues[i];
    return { colorBy, codes, legend: legendFromRanked(ranked) };
  }

  /** Colour-by choices: the builtins and payload field paths (one level into objects), with distinct label counts. */
  async fields(runId: string): Promise<FieldInfo[]> {
    const run = await this.requireRun(runId);
    const age = labelSql("age_bucket", new Date());
    const builtin = await this.live().all<Record<string, bigint>>(
      `SELECT count(DISTINCT coalesce(document_id, 'unknown')) AS document_id, count(DISTINCT source_dir) AS source_dir,
        count(DISTINCT filetype) AS filetype, count(DISTINCT ${age.expr}) AS age_bucket FROM points WHERE run_id = $run`,
      { run: run.id, ...age.params },
    );
    const fields: FieldInfo[] = BUILTIN_FIELDS.map((name) => ({ name, distinct: Number(builtin[0][name]) }));
    // Points never change after completion, so the payload part is computed once per run.
    let payloadFields = this.payloadFieldCache.get(run.id);
    if (!payloadFields) {
      payloadFields = await this.payloadFields(run.id);
      this.payloadFieldCache.set(run.id, payloadFields);
    }
    return [...fields, ...payloadFields];
  }

  /** Payload paths usable as colour-by, with the number of distinct labels each gives. */
  private async payloadFields(runId: string): Promise<FieldInfo[]> {
    const db = this.live();
    const isKey = (k: string) => isFieldPath(k) && !k.includes(".");
    const top = (
      await db.all<{ k: string }>(
        `SELECT DISTINCT unnest(json_keys(payload)) AS k FROM points WHERE run_id = $run AND json_type(payload) = 'OBJECT' ORDER BY 1`,
        { run: runId },
      )
    )
      .map((r) => r.k)
      .filter(isKey)
      .slice(0, MAX_FIELDS);
    if (top.length === 0) return [];
    // Paths below are validated to [A-Za-z0-9_-.], so they are safe inside SQL string literals.
    const pathList = (names: string[]) => `[${names.map((n) => `'${jsonPathOf(n)}'`).join(", ")}]`;
    const types = await db.all<Record<string, boolean | null>>(
      `SELECT ${top.map((_, i) => `bool_or(t[${i + 1}] = 'OBJECT') AS o${i}`).join(", ")}
       FROM (SELECT json_type(payload, ${pathList(top)}) AS t FROM points WHERE run_id = $run)`,
      { run: runId },
    );
    const names: string[] = [];
    for (let i = 0; i < top.length; i++) {
      if (!BUILTIN_FIELDS.includes(top[i])) names.push(top[i]);
      if (!types[0][`o${i}`]) continue;
      const nested = await db.all<{ k: string }>(
        `SELECT DISTINCT unnest(json_keys(payload, '${jsonPathOf(top[i])}')) AS k FROM points WHERE run_id = $run ORDER BY 1`,
        { run: runId },
      );
      for (const { k } of nested) if (isKey(k)) names.push(`${top[i]}.${k}`);
    }
    const chosen = names.slice(0, MAX_FIELDS);
    if (chosen.length === 0) return [];
    const counts = await db.all<Record<string, bigint>>(
      `SELECT ${chosen.map((_, i) => `count(DISTINCT coalesce(nullif(v[${i + 1}], ''), 'unknown')) AS f${i}`).join(", ")}
       FROM (SELECT json_extract_string(payload, ${pathList(chosen)}) AS v FROM points WHERE run_id = $run)`,
      { run: runId },
    );
    return chosen.map((name, i) => ({ name, distinct: Number(counts[0][`f${i}`]) }));
  }

  /** The chunk-table rows for `rows`, in request order, duplicates dropped, unknown rows in `missing`. One query. */
  async select(runId: string, rows: ArrayLike<number>): Promise<SelectionResult> {
    const run = await this.requireRun(runId);
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
    const found = await this.live().all<{
      row: number;
      point_id: string;
      document_id: string | null;
      chunk_index: number | null;
      text_preview: string | null;
      path: string | null;
      source_path: string | null;
      mime_type: string | null;
    }>(
      `SELECT p."row" AS "row", p.point_id, p.document_id, p.chunk_index, left(p.text, 200) AS text_preview, p.path, p.source_path, p.mime_type
       FROM unnest(string_split($rows, ',')::INTEGER[]) WITH ORDINALITY AS r(wanted, ord)
       JOIN points p ON p.run_id = $run AND p."row" = r.wanted
       ORDER BY r.ord`,
      // A comma-joined string binds in microseconds; a 10k-element LIST parameter takes tens of ms.
      { run: run.id, rows: wanted.join(",") },
    );
    const out: ChunkRow[] = found.map((f) => {
      const file = f.path ?? f.source_path;
      return {
        row: f.row,
        point_id: f.point_id,
        document_id: f.document_id,
        chunk_index: f.chunk_index,
        text_preview: f.text_preview,
        file_name: file ? pathBaseName(file) || null : null,
        path: f.path ?? f.source_path,
        mime_type: f.mime_type,
      };
    });
    let missing: number[] = [];
    if (out.length < requested.length) {
      const present = new Set(out.map((r) => r.row));
      missing = requested.filter((row) => !present.has(row));
    }
    return { rows: out, missing, degraded: false };
  }

  /** One point in full. */
  async point(runId: string, row: number): Promise<PointDetail> {
    const run = await this.requireRun(runId);
    checkRowIndex(row);
    const found = await this.live().all<{
      row: number;
      point_id: string;
      x: number;
      y: number;
      document_id: string | null;
      chunk_index: number | null;
      source_path: string | null;
      path: string | null;
      mime_type: string | null;
      ts: Date | null;
      source_dir: string;
      filetype: string;
      text: string | null;
      payload: string | null;
    }>(`SELECT * EXCLUDE (run_id) FROM points WHERE run_id = $run AND "row" = $row`, { run: run.id, row: Math.min(Math.max(row, -1), MAX_ROW) });
    if (!found.length) throw new NotFoundError("point", `${run.id}#${row}`);
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

  /** The stored vector of a point; null when the run kept no vectors. */
  async vector(runId: string, row: number): Promise<Float32Array | null> {
    const run = await this.requireRun(runId);
    checkRowIndex(row);
    const found = await this.live().all<{ vec: number[] | null }>(
      `SELECT v.vec FROM points p LEFT JOIN vectors v ON v.run_id = p.run_id AND v."row" = p."row" WHERE p.run_id = $run AND p."row" = $row`,
      { run: run.id, row: Math.min(Math.max(row, -1), MAX_ROW) },
    );
    if (!found.length) throw new NotFoundError("point", `${run.id}#${row}`);
    return found[0].vec ? Float32Array.from(found[0].vec) : null;
  }

  /** The k most cosine-similar points of the run to `row` (exact, over stored vectors), best first. */
  async similarLocal(runId: string, row: number, k: number): Promise<SimilarHit[]> {
    if (!Number.isInteger(k) || k < 1 || k > MAX_SIMILAR) throw new InputError(`k must be an integer from 1 to ${MAX_SIMILAR}`, "k");
    const query = await this.vector(runId, row);
    if (!query) {
      throw new InputError(`run ${runId} has no stored vectors`, "run", "Find similar through the source instead, or re-run with vectors kept.");
    }
    if (!query.some((v) => v !== 0)) return []; // cosine is undefined for a zero vector
    // Zero vectors are skipped: DuckDB reports -1 for them, which would rank as "opposite".
    const hits = await this.live().all<{ row: number; point_id: string; score: number }>(
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
  async rowsForPointIds(runId: string, ids: string[]): Promise<Map<string, number>> {
    const run = await this.requireRun(runId);
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== "string")) throw new InputError("ids must be a list of strings", "ids");
    const out = new Map<string, number>();
    if (ids.length === 0) return out;
    const found = await this.live().all<{ point_id: string; row: number }>(
      `SELECT point_id, min("row") AS "row" FROM points
       WHERE run_id = $run AND point_id IN (SELECT unnest(from_json($ids, '["VARCHAR"]'))) GROUP BY point_id`,
      { run: run.id, ids: JSON.stringify([...new Set(ids)]) },
    );
    for (const f of found) out.set(f.point_id, f.row);
    return out;
  }

  /** Rows (ascending) whose text, document id or path contains `query`, ignoring case. */
  async search(runId: string, query: string, limit: number = DEFAULT_SEARCH_LIMIT): Promise<Uint32Array> {
    const run = await this.requireRun(runId);
    if (typeof query !== "string" || query.trim() === "") throw new InputError("search text is empty", "query");
    if (query.length > 1000) throw new InputError("search text is longer than 1000 characters", "query");
    if (!Number.isInteger(limit) || limit < 1) throw new InputError("limit must be a positive integer", "limit");
    const cols = await this.live().columns(
      `SELECT "row" FROM points WHERE run_id = $run AND (
         contains(lower(text), lower($q)) OR contains(lower(document_id), lower($q))
         OR contains(lower(path), lower($q)) OR contains(lower(source_path), lower($q)))
       ORDER BY "row" LIMIT $limit`,
      { run: run.id, q: query, limit },
    );
    return Uint32Array.from(cols.row as number[]);
  }

  /** Writes the run's points with their colour label as CSV, JSON or Parquet. */
  async exportRun(runId: string, opts: ExportOptions): Promise<{ path: string; count: number }> {
    const run = await this.requireRun(runId);
    return exportRun(this.live(), run, opts);
  }
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}
