/**
 * The only module that imports DuckDB. A small connection wrapper: typed row reads, a
 * transaction helper, appenders for bulk loads, and a clear error when another process holds
 * the file.
 */
import { DuckDBConnection, DuckDBDataChunk, DuckDBInstance, type DuckDBAppender, type DuckDBValue } from "@duckdb/node-api";
// The raw C API (a dependency of @duckdb/node-api, same pinned version): it fills FLOAT[] and
// numeric vectors straight from typed arrays, which the value-per-item API cannot do quickly.
import bindings from "@duckdb/node-bindings";
import { StoreLockedError } from "../errors";

export type SqlParams = DuckDBValue[] | Record<string, DuckDBValue>;
export type { DuckDBAppender, DuckDBConnection, DuckDBValue };
export * as duck from "@duckdb/node-api";

export interface DbOpenOptions {
  readOnly?: boolean;
}

export class Db {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
    readonly path: string,
  ) {}

  /** Opens (creating if needed) a DuckDB file, or `:memory:`. */
  static async open(path: string, options: DbOpenOptions = {}): Promise<Db> {
    const config: Record<string, string> = { threads: "2" };
    if (options.readOnly) config.access_mode = "READ_ONLY";
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, config);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      const lock = /Could not set lock on file .*?held in (.*?) \(PID (\d+)\)/.exec(msg);
      if (lock) {
        throw new StoreLockedError(
          `The database ${path} is in use by another process (${lock[1]}, pid ${lock[2]}). ` +
            `Close that Embedscope process (a running \`embedscope serve\`, VS Code or Jupyter kernel) or pass --db with another file.`,
        );
      }
      throw err;
    }
    const conn = await instance.connect();
    return new Db(instance, conn, path);
  }

  /** Runs statements one after another: DuckDB connections are not re-entrant across awaits. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Rows as plain JS objects (BIGINT → bigint, TIMESTAMP → Date, lists → arrays). */
  all<T = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<T[]> {
    return this.serial(async () => (await this.conn.runAndReadAll(sql, params)).getRowObjectsJS() as T[]);
  }

  /** Column-wise JS values, for bulk numeric reads. */
  columns(sql: string, params?: SqlParams): Promise<Record<string, unknown[]>> {
    return this.serial(async () => (await this.conn.runAndReadAll(sql, params)).getColumnsObjectJS() as Record<string, unknown[]>);
  }

  run(sql: string, params?: SqlParams): Promise<void> {
    return this.serial(async () => {
      await this.conn.run(sql, params);
    });
  }

  /** Streams a query's result chunk by chunk to `onChunk` (bulk numeric reads through the C API). */
  eachChunk(sql: string, params: SqlParams | undefined, onChunk: (chunk: DuckDBDataChunk) => void): Promise<void> {
    return this.serial(async () => {
      const result = await this.conn.stream(sql, params);
      for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) onChunk(chunk);
    });
  }

  /**
   * Runs `fn` inside BEGIN/COMMIT, rolling back on any error. `fn` must use `tx` (the same
   * connection, outside the serial queue) so that nothing else interleaves.
   */
  transaction<T>(fn: (tx: DuckDBConnection) => Promise<T>): Promise<T> {
    return this.serial(async () => {
      await this.conn.run("BEGIN TRANSACTION");
      try {
        const out = await fn(this.conn);
        await this.conn.run("COMMIT");
        return out;
      } catch (err) {
        await this.conn.run("ROLLBACK").catch(() => undefined);
        throw err;
      }
    });
  }

  /** Resolves once no statement is queued or running: closing DuckDB mid-query crashes the process. */
  async idle(): Promise<void> {
    let current: Promise<unknown>;
    do {
      current = this.queue;
      await current.catch(() => undefined);
    } while (current !== this.queue);
  }

  close(): void {
    try {
      this.conn.closeSync();
    } finally {
      this.instance.closeSync();
    }
  }
}

/**
 * One column of one `bulkAppend` chunk, in table column order, holding exactly that chunk's rows.
 * Every kind is written straight into the DataChunk's vectors through the C API (no per-value
 * wrapper objects):
 * - `varchar`: strings or null (VARCHAR, JSON);
 * - `int32` (INTEGER), `float32` (FLOAT), `int64` (BIGINT, or TIMESTAMP/TIMESTAMPTZ in µs):
 *   a typed array, with `valid` (1 = value, 0 = NULL per row) when some rows are NULL;
 * - `floatList`: `width` consecutive floats per row filling a FLOAT[] column;
 * - `constant`: one string for every row (a DuckDB constant vector, nothing per row).
 */
export type BulkColumn =
  | { kind: "constant"; value: string }
  | { kind: "varchar"; values: readonly (string | null)[] }
  | { kind: "int32"; values: Int32Array; valid?: Uint8Array }
  | { kind: "float32"; values: Float32Array; valid?: Uint8Array }
  | { kind: "int64"; values: BigInt64Array; valid?: Uint8Array }
  | { kind: "floatList"; values: Float32Array; width: number };

/** DuckDB's vector size: the most rows one data chunk holds. */
const CHUNK_ROWS = 2048;

type RawVector = ReturnType<typeof bindings.data_chunk_get_vector>;

/** Writes a validity bitmask (64-bit words, bit set = valid) for the chunk's `count` rows. */
function writeValidity(vector: RawVector, valid: (i: number) => boolean, count: number): void {
  const mask = new Uint8Array(Math.ceil(count / 64) * 8);
  let anyNull = false;
  for (let i = 0; i < count; i++) {
    if (valid(i)) mask[i >> 3] |= 1 << (i & 7);
    else anyNull = true;
  }
  if (!anyNull) return; // a fresh vector is all-valid
  bindings.vector_ensure_validity_writable(vector);
  bindings.copy_data_to_vector_validity(vector, 0, mask.buffer, 0, mask.byteLength);
}

/** The native binding takes only plain ArrayBuffers; vectors from the fetch live in shared memory. */
function unshared<T extends Float32Array | Int32Array | BigInt64Array>(part: T): T {
  return part.buffer instanceof SharedArrayBuffer ? (part.slice() as T) : part;
}

function fillColumn(vector: RawVector, column: BulkColumn, count: number): void {
  switch (column.kind) {
    case "constant":
      bindings.vector_reference_value(vector, bindings.create_varchar(column.value));
      return;
    case "varchar": {
      const values = column.values;
      for (let i = 0; i < count; i++) {
        const v = values[i];
        if (v !== null && v !== undefined) bindings.vector_assign_string_element(vector, i, v);
      }
      writeValidity(vector, (i) => values[i] !== null && values[i] !== undefined, count);
      return;
    }
    case "int32":
    case "float32":
    case "int64": {
      const part = unshared(column.values.subarray(0, count));
      bindings.copy_data_to_vector(vector, 0, part.buffer as ArrayBuffer, part.byteOffset, part.byteLength);
      const valid = column.valid;
      if (valid) writeValidity(vector, (i) => valid[i] !== 0, count);
      return;
    }
    case "floatList": {
      const width = column.width;
      const entries = new BigUint64Array(count * 2); // (offset, length) of each row in the child vector
      const w = BigInt(width);
      for (let i = 0; i < count; i++) {
        entries[2 * i] = BigInt(i) * w;
        entries[2 * i + 1] = w;
      }
      bindings.copy_data_to_vector(vector, 0, entries.buffer, 0, entries.byteLength);
      const total = count * width;
      bindings.list_vector_reserve(vector, total);
      bindings.list_vector_set_size(vector, total);
      const part = unshared(column.values.subarray(0, total));
      bindings.copy_data_to_vector(bindings.list_vector_get_child(vector), 0, part.buffer as ArrayBuffer, part.byteOffset, part.byteLength);
      return;
    }
  }
}

/**
 * Appends `rowCount` rows to `table` through the DataChunk appender, 2048 rows per chunk;
 * `columnsFor(start, count)` gives the columns of rows [start, start + count). Producing columns
 * per chunk keeps the JS strings short-lived (cheap young-generation garbage) instead of holding
 * every row's strings at once. Use `tx` from `Db.transaction` so the rows commit (or roll back)
 * with the rest of the work.
 */
export async function bulkAppend(
  tx: DuckDBConnection,
  table: string,
  rowCount: number,
  columnsFor: (start: number, count: number) => readonly BulkColumn[],
): Promise<void> {
  const appender = await tx.createAppender(table);
  let failed = false;
  try {
    const types = Array.from({ length: appender.columnCount }, (_, i) => appender.columnType(i));
    for (let start = 0; start < rowCount; start += CHUNK_ROWS) {
      const count = Math.min(CHUNK_ROWS, rowCount - start);
      const columns = columnsFor(start, count);
      if (columns.length !== types.length) {
        throw new Error(`bulkAppend(${table}): ${columns.length} columns given, the table has ${types.length}`);
      }
      const chunk = DuckDBDataChunk.create(types, count);
      columns.forEach((column, i) => fillColumn(bindings.data_chunk_get_vector(chunk.chunk, i), column, count));
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    try {
      appender.closeSync();
    } catch (err) {
      if (!failed) throw err; // keep the first error; the caller's transaction rolls back anyway
    }
  }
}
