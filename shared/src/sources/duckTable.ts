/**
 * A table file (Parquet, JSON, JSON Lines, CSV/TSV) opened with DuckDB's own readers on a private
 * in-memory database, exposed as a view `src` with a 0-based `__row` column in file order.
 *
 * Views, not tables: nothing is copied, counting is a light scan, and the one full scan is the
 * read itself (on 156 MB of JSON Lines, loading into a table cost more CPU than the read; counting
 * through the view about a tenth of it). JSON records are read as raw JSON objects so that
 * payloads round-trip exactly (DuckDB's schema inference would null-fill heterogeneous records and
 * retype date-like strings).
 */
import { statSync } from "node:fs";
import { InputError, SourceError, throwIfAborted } from "../errors";
import { Db, duck } from "../store/duckdb";
import { ident, jsonSafe, literal } from "./duckValues";
import { unreadableFileError } from "./rowfile";
import type { ColumnInfo } from "./tableColumns";

export type TableFormat = "parquet" | "json" | "csv" | "tsv";

export const TABLE_FORMAT_NAMES: Record<TableFormat, string> = {
  parquet: "Parquet",
  json: "JSON",
  csv: "CSV",
  tsv: "TSV",
};

export class DuckTable {
  private constructor(
    private readonly db: Db,
    readonly path: string,
    readonly format: TableFormat,
    readonly columns: ColumnInfo[],
  ) {}

  static async load(path: string, format: TableFormat, where: string): Promise<DuckTable> {
    let size: number;
    try {
      size = statSync(path).size;
    } catch (err) {
      throw unreadableFileError(path, err);
    }
    if (size === 0) throw new InputError(`${where} is empty: it has no vectors. Point Embedscope at a file with at least one row.`, "source");
    const db = await Db.open(":memory:");
    try {
      await db.run(createSql(path, format));
      const columns = format === "json" ? await jsonColumns(db, where) : await tableColumns(db, format);
      return new DuckTable(db, path, format, columns);
    } catch (err) {
      db.close();
      if (err instanceof InputError) throw err;
      throw readError(path, format, err);
    }
  }

  async count(): Promise<number> {
    const rows = await this.query<{ n: bigint }>("SELECT count(*) AS n FROM src");
    return Number(rows[0].n);
  }

  /** Whether any row has a non-null `expr` (alias `s`). */
  async anyNotNull(expr: string): Promise<boolean> {
    const rows = await this.query(`SELECT 1 FROM src s WHERE ${expr} IS NOT NULL LIMIT 1`);
    return rows.length > 0;
  }

  /** DuckDB reads the file lazily, so any query can be the one that finds it malformed. */
  private async query<T = Record<string, unknown>>(sql: string): Promise<T[]> {
    try {
      return await this.db.all<T>(sql);
    } catch (err) {
      throw readError(this.path, this.format, err);
    }
  }

  /**
   * Starts streaming `SELECT <selectList> FROM (SELECT *[, <extra>] FROM src [WHERE sampled]) s`,
   * over every row or only the rows at `positions` (ascending). The first column of `selectList`
   * must be `s.__row`.
   *
   * No ORDER BY, on purpose: a sort would decode the whole file before the first chunk, and DuckDB
   * keeps file order for scan, filter, semi-join and projection (preserve_insertion_order; checked
   * with 2 and 8 threads on 2M-row CSV and multi-row-group Parquet), which `RowStream` verifies.
   * The sample filter sits below the projection so that `extra` (the vector cast) and the payload
   * conversion run only on sampled rows.
   */
  async stream(selectList: string, extra: string, positions: Uint32Array | null = null): Promise<RowStream> {
    let where = "";
    try {
      if (positions) {
        await this.db.run("CREATE OR REPLACE TABLE __sample (i UINTEGER)");
        const appender = await this.db.conn.createAppender("__sample");
        for (let k = 0; k < positions.length; k++) {
          appender.appendUInteger(positions[k]);
          appender.endRow();
        }
        appender.closeSync();
        where = " WHERE __row IN (SELECT i FROM __sample)";
      }
      const sql = `SELECT ${selectList} FROM (SELECT *${extra ? `, ${extra}` : ""} FROM src${where}) s`;
      return new RowStream(await this.db.conn.stream(sql), this.path, this.format);
    } catch (err) {
      throw readError(this.path, this.format, err);
    }
  }

  close(): void {
    this.db.close();
  }
}

/** Chunks of a streaming result, checked to arrive in `__row` order (column 0). */
export class RowStream {
  private lastRow = -1;

  constructor(
    private readonly result: duck.DuckDBResult,
    private readonly path: string,
    private readonly format: TableFormat,
  ) {}

  /** The next non-empty chunk, or null at the end. */
  async next(signal?: AbortSignal): Promise<duck.DuckDBDataChunk | null> {
    throwIfAborted(signal);
    let chunk: duck.DuckDBDataChunk | null;
    try {
      chunk = await this.result.fetchChunk();
    } catch (err) {
      throw readError(this.path, this.format, err);
    }
    if (chunk === null || chunk.rowCount === 0) return null;
    const rows = chunk.getColumnVector(0);
    const first = Number(rows.getItem(0));
    const last = Number(rows.getItem(chunk.rowCount - 1));
    if (first <= this.lastRow || last < first) {
      throw new SourceError(`DuckDB returned rows of ${this.path} out of file order (row ${first} after ${this.lastRow}); please report this.`);
    }
    this.lastRow = last;
    return chunk;
  }
}

function createSql(path: string, format: TableFormat): string {
  const file = literal(path);
  const numbered = (reader: string, columns: string) => `CREATE VIEW src AS SELECT ordinality - 1 AS __row, ${columns} FROM ${reader} WITH ORDINALITY`;
  switch (format) {
    case "parquet":
      return numbered(`read_parquet(${file})`, "* EXCLUDE (ordinality)");
    case "json":
      return numbered(`read_json_objects(${file}, format = 'auto')`, "json");
    case "csv":
      return numbered(`read_csv_auto(${file})`, "* EXCLUDE (ordinality)");
    case "tsv":
      return numbered(`read_csv_auto(${file}, delim = '\t')`, "* EXCLUDE (ordinality)");
  }
}

async function tableColumns(db: Db, format: TableFormat): Promise<ColumnInfo[]> {
  const described = await db.all<{ column_name: string; column_type: string }>("DESCRIBE src");
  const columns = described.filter((c) => c.column_name !== "__row").map((c) => ({ name: c.column_name, type: c.column_type }) as ColumnInfo);
  if (format === "csv" || format === "tsv") {
    // Vectors in CSV are text such as "[0.1, 0.2]": look at the first value of each text column.
    for (const column of columns) {
      if (column.type !== "VARCHAR") continue;
      const col = ident(column.name);
      const rows = await db.all<{ ok: boolean | null }>(
        `SELECT ltrim(${col}) LIKE '[%' AND len(TRY_CAST(${col} AS FLOAT[])) > 0 AS ok FROM src WHERE ${col} IS NOT NULL LIMIT 1`,
      );
      if (rows[0]?.ok === true) column.textVector = true;
    }
  }
  return columns;
}

/** JSON records: the keys of the first record, typed by their JSON kind. */
async function jsonColumns(db: Db, where: string): Promise<ColumnInfo[]> {
  const rows = await db.all<{ json: string }>("SELECT json::VARCHAR AS json FROM src LIMIT 1");
  if (rows.length === 0) return [];
  const first = JSON.parse(rows[0].json) as unknown;
  if (typeof first !== "object" || first === null || Array.isArray(first)) {
    throw new InputError(`${where}: records must be JSON objects such as {"id": "a", "vector": [0.1, 0.2]}; the first record is ${JSON.stringify(first).slice(0, 60)}`, "source");
  }
  return Object.entries(first as Record<string, unknown>).map(([name, value]) => {
    const numbers = Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "number");
    const type = numbers ? "number[]" : Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
    return { name, type, textVector: numbers };
  });
}

/** DuckDB types whose JS form is awkward (bigint microseconds, raw bytes): read as text instead. */
const AS_TEXT = /^(TIME|TIMETZ|TIME WITH TIME ZONE|TIME_NS|INTERVAL|BLOB|BYTEA|BIT|BITSTRING|GEOMETRY)$/;

/** Every column but `exclude` as payload: names and the SQL (over alias `s`) that reads each. */
export function payloadColumnsOf(columns: ColumnInfo[], exclude?: string): { names: string[]; exprs: string[] } {
  const kept = columns.filter((c) => c.name !== exclude);
  return {
    names: kept.map((c) => c.name),
    exprs: kept.map((c) => (AS_TEXT.test(c.type) ? `CAST(s.${ident(c.name)} AS VARCHAR)` : `s.${ident(c.name)}`)),
  };
}

/** Row `i` of column-wise JS values as a JSON-safe payload object. */
export function rowPayload(names: string[], values: unknown[][], i: number): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  for (let c = 0; c < names.length; c++) payload[names[c]] = jsonSafe(values[c][i]);
  return payload;
}

/** JSON path of a top-level key, for json_extract. */
export function jsonKeyPath(key: string): string {
  return literal(`$.${JSON.stringify(key)}`);
}

export function readError(path: string, format: TableFormat, err: unknown): InputError {
  const message = err instanceof Error ? err.message : String(err);
  const firstLine = message.split("\n")[0];
  if (/No files found|No such file|Cannot open file/i.test(message)) {
    return new InputError(`cannot read ${path}: it does not exist or is not readable. Check the path.`, "source");
  }
  return new InputError(`cannot read ${path} as ${TABLE_FORMAT_NAMES[format]}: ${firstLine}. Check that the file is valid ${TABLE_FORMAT_NAMES[format]}.`, "source");
}
