/**
 * Vectors from a table file (Parquet, JSON, JSON Lines, CSV/TSV) through DuckDB: one column holds
 * the vectors, an optional column the ids, every other column (or JSON key) becomes the payload.
 *
 * describe starts the streaming scan and takes its first chunk to learn the dimension; a full read
 * carries on from there. A Parquet reader decodes a whole row group's column to return even one
 * row, so a separate "first row" query could cost as much as the read itself (one 100k×384 row
 * group: ~1.2–3 s CPU for LIMIT 1).
 */
import { InputError, SourceError } from "../errors";
import { duck } from "../store/duckdb";
import { BatchBuilder, batchSizeOf, deliver, planRead } from "./batcher";
import { DuckTable, jsonKeyPath, payloadColumnsOf, rowPayload, type RowStream, type TableFormat } from "./duckTable";
import { floatStorage, floatsByItem, ident, literal } from "./duckValues";
import type { PointBatch, ReadOptions, SourceInfo, VectorSource } from "./source";
import { chooseIdColumn, chooseVectorColumn } from "./tableColumns";
import { checkDims, emptySourceError, missingVectorError, pointLabel } from "./validate";

export interface TableFileSpec {
  path: string;
  vectorColumn?: string;
  idColumn?: string;
}

/** Column positions in the streamed select list. */
const ROW = 0;
const ID = 1;
const VEC = 2;
const MISSING = 3;
const NULL_AT = 4;
const PAYLOAD = 5;

interface Plan {
  table: DuckTable;
  info: SourceInfo;
  vectorColumn: string;
  select: string;
  extra: string;
  payload: { kind: "columns"; names: string[] } | { kind: "json" };
  /** The scan describe started, with its first chunk, waiting for the first read. */
  pending: { stream: RowStream; first: duck.DuckDBDataChunk } | null;
}

export class TabularSource implements VectorSource {
  private plan: Promise<Plan> | null = null;

  constructor(
    private readonly spec: TableFileSpec,
    private readonly format: TableFormat,
  ) {}

  async describe(): Promise<SourceInfo> {
    const plan = await this.prepare();
    return { ...plan.info, notes: [...plan.info.notes] };
  }

  read(options: ReadOptions): AsyncIterable<PointBatch> {
    return this.readBatches(options);
  }

  async close(): Promise<void> {
    const plan = this.plan;
    this.plan = null;
    if (plan) (await plan.catch(() => null))?.table.close();
  }

  private prepare(): Promise<Plan> {
    this.plan ??= preparePlan(this.spec, this.format);
    return this.plan;
  }

  private async *readBatches(options: ReadOptions): AsyncGenerator<PointBatch> {
    const plan = await this.prepare();
    const { expected, positions } = planRead(plan.info.count, options.limit, options.seed);
    yield* deliver(this.rows(plan, positions, batchSizeOf(options.batchSize), options.signal), expected, options);
  }

  private async *rows(plan: Plan, positions: Uint32Array | null, batchSize: number, signal: AbortSignal | undefined): AsyncGenerator<PointBatch> {
    const where = plan.info.uri;
    const builder = new BatchBuilder(plan.info.dims, batchSize, where);
    const scratch = new Float32Array(plan.info.dims);
    const payloadColumns = plan.payload.kind === "json" ? 1 : plan.payload.names.length;

    // A full read continues the scan describe started; a sampled one asks DuckDB for just the
    // sampled rows (the vector cast and payload conversion then skip the others).
    let stream: RowStream;
    let chunk: duck.DuckDBDataChunk | null;
    if (plan.pending && !positions) {
      ({ stream, first: chunk } = plan.pending);
    } else {
      stream = await plan.table.stream(plan.select, plan.extra, positions);
      chunk = await stream.next(signal);
    }
    plan.pending = null;
    let next = 0; // index into positions of the next wanted row

    for (; chunk !== null; chunk = await stream.next(signal)) {
      const n = chunk.rowCount;
      const rowVector = chunk.getColumnVector(ROW);
      const ids = chunk.convertColumnValues(ID, duck.JSDuckDBValueConverter);
      const lists = chunk.getColumnVector(VEC) as duck.DuckDBListVector;
      const missing = chunk.getColumnVector(MISSING);
      const nullAt = chunk.getColumnVector(NULL_AT);
      const payloadValues: unknown[][] = [];
      for (let c = 0; c < payloadColumns; c++) payloadValues.push(chunk.convertColumnValues(PAYLOAD + c, duck.JSDuckDBValueConverter));
      const child = lists.childVector;
      const storage = floatStorage(child);

      for (let i = 0; i < n; i++) {
        const row = Number(rowVector.getItem(i));
        if (positions) {
          // DuckDB returned only sampled rows, in order; anything else is a bug, not bad input.
          if (row !== positions[next]) throw new SourceError(`${where}: expected sampled row ${positions[next]} but DuckDB returned row ${row}; please report this.`);
          next++;
        }
        const rawId = ids[i];
        const id = typeof rawId === "string" ? rawId : String(row);
        if (missing.getItem(i) === true) throw missingVectorError(id, row, where, plan.vectorColumn);
        const badComponent = nullAt.getItem(i);
        if (badComponent !== null && badComponent !== undefined) {
          throw new InputError(
            `${where}: ${pointLabel(id, row)} has an empty or non-numeric value at component ${Number(badComponent) - 1} ` +
              `(or one outside the float32 range). Every vector value must be a finite number: fix or drop that point.`,
            "source",
          );
        }
        const offset = lists.getEntryOffset(i);
        const length = lists.getEntryLength(i);
        const payload = plan.payload.kind === "json" ? (JSON.parse(payloadValues[0][i] as string) as unknown) : rowPayload(plan.payload.names, payloadValues, i);
        const batch = storage
          ? builder.add(id, row, storage, offset, length, payload)
          : builder.add(id, row, floatsByItem(child, offset, length, length <= scratch.length ? scratch : new Float32Array(length)), 0, length, payload);
        if (batch) yield batch;
      }
    }
    const last = builder.flush();
    if (last) yield last;
  }
}

async function preparePlan(spec: TableFileSpec, format: TableFormat): Promise<Plan> {
  const where = spec.path;
  const table = await DuckTable.load(spec.path, format, where);
  try {
    const notes: string[] = [];
    const count = await table.count();
    if (count === 0) throw emptySourceError(where);
    const { column: vectorColumn, note } = chooseVectorColumn(table.columns, spec.vectorColumn, where);
    notes.push(note);
    const idColumn = chooseIdColumn(table.columns, spec.idColumn, vectorColumn.name, where);
    notes.push(idColumn ? `ids from column '${idColumn.name}'` : "no id column (id, point_id, chunk_id or uuid): ids are row numbers from 0");

    const json = format === "json";
    // FLOAT[] already is what we read; anything else (DOUBLE[], INTEGER[], text, JSON) is cast,
    // and a value that does not cast becomes NULL (then reported with its row).
    const vectorExpr = json
      ? `TRY_CAST(json_extract(json, ${jsonKeyPath(vectorColumn.name)}) AS FLOAT[])`
      : vectorColumn.type === "FLOAT[]"
        ? ident(vectorColumn.name)
        : `TRY_CAST(${ident(vectorColumn.name)} AS FLOAT[])`;
    const idExpr = idColumn ? (json ? `json_extract_string(s.json, ${jsonKeyPath(idColumn.name)})` : `CAST(s.${ident(idColumn.name)} AS VARCHAR)`) : "NULL::VARCHAR";
    const columns = json ? null : payloadColumnsOf(table.columns, vectorColumn.name);
    const payloadSelect = json
      ? `json_merge_patch(s.json, ${literal(JSON.stringify({ [vectorColumn.name]: null }))})::VARCHAR AS __p0`
      : columns!.exprs.map((e, i) => `${e} AS __p${i}`).join(", ");
    const select = [
      "s.__row AS __row",
      `${idExpr} AS __id`,
      "s.__vec AS __vec",
      "s.__vec IS NULL AS __missing",
      "list_position(s.__vec, NULL) AS __null_at",
      payloadSelect,
    ]
      .filter((part) => part !== "")
      .join(", ");
    const extra = `${vectorExpr} AS __vec`;

    const stream = await table.stream(select, extra);
    const first = await stream.next();
    if (first === null) throw emptySourceError(where);
    const firstLists = first.getColumnVector(VEC) as duck.DuckDBListVector;
    if (first.getColumnVector(MISSING).getItem(0) === true) {
      if (!(await table.anyNotNull(vectorExpr))) {
        throw new InputError(`${where}: column '${vectorColumn.name}' holds no list of numbers in any row. Pass --vector-column NAME naming the vector column.`, "vectorColumn");
      }
      const id = first.convertColumnValues(ID, duck.JSDuckDBValueConverter)[0];
      throw missingVectorError(typeof id === "string" ? id : "0", 0, where, vectorColumn.name);
    }
    const dims = firstLists.getEntryLength(0);
    checkDims(dims, where);

    const info: SourceInfo = {
      kind: "file",
      uri: spec.path,
      collection: null,
      vectorName: vectorColumn.name,
      count,
      dims,
      distance: null,
      notes,
    };
    return {
      table,
      info,
      vectorColumn: vectorColumn.name,
      select,
      extra,
      payload: columns ? { kind: "columns", names: columns.names } : { kind: "json" },
      pending: { stream, first },
    };
  } catch (err) {
    table.close();
    throw err;
  }
}
