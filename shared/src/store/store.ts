/**
 * The DuckDB store: every run, its point table and (optionally) its vectors, in one file.
 * DuckDB locks the file, so one process owns it; that is what makes "runs left running are
 * interrupted" a safe conclusion at open time.
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { InputError, NotFoundError, StoreLockedError } from "../errors";
import type { ColorBy, RunMeta, RunRecord, SelectionResult, SimilarHit } from "../types";
import { codedLabelsSql, labelSql, legendSql, toLegend } from "./colorBy";
import { defaultStorePath } from "./defaultPath";
import { Db, duck, type DuckDBConnection, type DuckDBValue } from "./duckdb";
import { exportRun } from "./export";
import { builtinFields, payloadFields, qualityFields } from "./fields";
import { DEFAULT_SEARCH_LIMIT, pointDetail, pointVector, rowsOfPointIds, searchRows, selectRows, similarRows } from "./pointQueries";
import { checkCompletedRunData, loadPoints } from "./points";
import { checkReducer, jsonObject, RUN_COLUMNS, toRunRecord, validateNewRun, validatePatch, type RunRow } from "./runRows";
import { migrate, schemaVersion, SCHEMA_VERSION } from "./schema";
import { readVectorRows } from "./vectorRows";
import type { CategoryCodes, CompletedRunData, ExportOptions, FieldInfo, NewRun, PointDetail, RunPatch } from "./types";

export type { CategoryCodes, CompletedRunData, ExportOptions, FieldInfo, NewRun, PointDetail, RunPatch } from "./types";

const MIN_PREFIX = 4;

function tsValue(d: Date): DuckDBValue {
  return duck.timestampTZValue(BigInt(d.getTime()) * 1000n);
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
    checkDatabasePath(file, opts.readOnly === true);
    let db: Db;
    try {
      db = await Db.open(file, { readOnly: opts.readOnly });
    } catch (err) {
      if (err instanceof StoreLockedError || !(err instanceof Error)) throw err;
      if (/not a valid DuckDB database|Unable to open|IO Error|Permission denied/i.test(err.message)) {
        throw new InputError(`Cannot open ${file} as an Embedscope database: ${err.message.split("\n")[0]}`, "db");
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

  /** Closes after the statements already asked for have finished. */
  async closeWhenIdle(): Promise<void> {
    if (this.closed) return;
    await this.db.idle();
    this.close();
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
        params.meta = JSON.stringify({ ...(await currentMeta(tx, run.id)), ...meta });
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
    const now = tsValue(new Date());
    await this.live().transaction(async (tx) => {
      // Checked inside the transaction: two completions of one run cannot both pass.
      const status = (await tx.runAndReadAll("SELECT status FROM runs WHERE id = $id", { id: run.id })).getRowObjectsJS()[0]?.status;
      if (status !== "pending" && status !== "running") {
        throw new InputError(`run ${run.id} is ${String(status)}; only a pending or running run can be completed`, "run");
      }
      const meta = JSON.stringify({ ...(await currentMeta(tx, run.id)), ...data.meta });
      await tx.run("DELETE FROM vectors WHERE run_id = $id", { id: run.id });
      await tx.run("DELETE FROM points WHERE run_id = $id", { id: run.id });
      await loadPoints(tx, run.id, data);
      await tx.run(
        `UPDATE runs SET status = 'completed', meta = $meta, point_count = $n, reducer = $reducer, error = NULL,
          started_at = coalesce(started_at, $now), completed_at = $now, updated_at = $now WHERE id = $id`,
        { id: run.id, meta, n, reducer, now },
      );
    });
    this.payloadFieldCache.delete(run.id);
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
    const legend = toLegend(await this.live().all<{ idx: bigint; label: string; n: bigint }>(legendSql(label), params), label.colors);
    const cols = await this.live().columns(`SELECT "row", code FROM (${codedLabelsSql(label)}) ORDER BY "row"`, params);
    const rows = cols.row as number[];
    const codeValues = cols.code as number[];
    const codes = new Uint8Array(rows.length);
    for (let i = 0; i < rows.length; i++) codes[rows[i]] = codeValues[i];
    return { colorBy, codes, legend };
  }

  /** Colour-by choices: the builtins and payload field paths (one level into objects), with distinct label counts. */
  async fields(runId: string): Promise<FieldInfo[]> {
    const run = await this.requireRun(runId);
    const builtins = await builtinFields(this.live(), run.id, new Date());
    // Points never change after completion, so the payload part is computed once per run.
    let payload = this.payloadFieldCache.get(run.id);
    if (!payload) {
      payload = await payloadFields(this.live(), run.id);
      this.payloadFieldCache.set(run.id, payload);
    }
    return [...builtins, ...(await qualityFields(this.live(), run.id)), ...payload];
  }

  /** The chunk-table rows for `rows`, in request order, duplicates dropped, unknown rows in `missing`. One query. */
  async select(runId: string, rows: ArrayLike<number>): Promise<SelectionResult> {
    const run = await this.requireRun(runId);
    return selectRows(this.live(), run.id, rows);
  }

  /** One point in full (text, payload JSON, stored columns), for "open document". */
  async point(runId: string, row: number): Promise<PointDetail> {
    const run = await this.requireRun(runId);
    return pointDetail(this.live(), run.id, row);
  }

  /** The stored vector of a point; null when the run kept no vectors. */
  async vector(runId: string, row: number): Promise<Float32Array | null> {
    const run = await this.requireRun(runId);
    return pointVector(this.live(), run.id, row);
  }

  /**
   * The stored vectors of `rows` (ascending; null = every row), row-major in one Float32Array of
   * `dims` values per row; null when the run did not keep vectors for all of them.
   */
  async vectors(runId: string, dims: number, rows: Uint32Array | null = null): Promise<Float32Array | null> {
    const run = await this.requireRun(runId);
    return readVectorRows(this.live(), run.id, run.point_count, dims, rows);
  }

  /** The k most cosine-similar points of the run to `row` (exact, over stored vectors), excluding the row itself. */
  async similarLocal(runId: string, row: number, k: number): Promise<SimilarHit[]> {
    const run = await this.requireRun(runId);
    return similarRows(this.live(), run.id, row, k);
  }

  /** Rows of the given point ids (the first row when an id repeats); unknown ids are absent. */
  async rowsForPointIds(runId: string, ids: string[]): Promise<Map<string, number>> {
    const run = await this.requireRun(runId);
    return rowsOfPointIds(this.live(), run.id, ids);
  }

  /** Rows (ascending) whose text, document id or path contains `query`, ignoring case. */
  async search(runId: string, query: string, limit: number = DEFAULT_SEARCH_LIMIT): Promise<Uint32Array> {
    const run = await this.requireRun(runId);
    return searchRows(this.live(), run.id, query, limit);
  }

  /** Writes the run's points with their colour label as CSV, JSON or Parquet. */
  async exportRun(runId: string, opts: ExportOptions): Promise<{ path: string; count: number }> {
    const run = await this.requireRun(runId);
    return exportRun(this.live(), run, opts);
  }
}

/** The stored meta of a run, read on the transaction's connection. */
async function currentMeta(tx: DuckDBConnection, id: string): Promise<RunMeta> {
  const row = (await tx.runAndReadAll("SELECT meta FROM runs WHERE id = $id", { id })).getRowObjectsJS()[0];
  if (!row) throw new NotFoundError("run", id);
  return JSON.parse(String(row.meta)) as RunMeta;
}

/** InputError for paths DuckDB would fail on obscurely; creates the folder of the default path. */
function checkDatabasePath(file: unknown, readOnly: boolean): void {
  if (typeof file !== "string" || file === "") throw new InputError("the database path is empty", "db");
  if (file === ":memory:") return;
  if (readOnly && !existsSync(file)) throw new InputError(`No Embedscope database at ${file}`, "db");
  if (isDirectory(file)) throw new InputError(`${file} is a folder; pass a database file path`, "db");
  const folder = path.dirname(path.resolve(file));
  if (path.resolve(file) === path.resolve(defaultStorePath())) mkdirSync(folder, { recursive: true });
  else if (!isDirectory(folder)) {
    throw new InputError(`The folder of the database ${file} does not exist`, "db", "Create the folder first or choose another path.");
  }
}

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}
