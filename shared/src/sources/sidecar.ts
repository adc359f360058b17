/**
 * Payloads kept beside a bare vector file (an .npy): a JSON Lines or CSV/TSV file whose row i
 * belongs to vector i. Given explicitly (`payloadPath`), or found as `<basename>.jsonl` /
 * `<basename>.csv` next to the vectors.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { InputError } from "../errors";
import { duck } from "../store/duckdb";
import { DuckTable, payloadColumnsOf, rowPayload, type TableFormat } from "./duckTable";
import { countJsonLines, loadJsonLines } from "./jsonLines";

export interface PayloadSidecar {
  readonly path: string;
  count(signal?: AbortSignal): Promise<number>;
  /** Payloads of the records at `positions` (ascending), or of all records, in order. */
  load(positions: Uint32Array | null, signal?: AbortSignal): Promise<unknown[]>;
  close(): void;
}

const JSON_LINES = [".jsonl", ".ndjson"];
const TABLES: Record<string, TableFormat> = { ".csv": "csv", ".tsv": "tsv" };

/** The sidecar for `vectorPath`: `explicit` if given (must exist), else a neighbour if present, else null. */
export function findSidecar(vectorPath: string, explicit: string | undefined): PayloadSidecar | null {
  if (explicit !== undefined) {
    const full = path.resolve(explicit);
    if (!existsSync(full)) throw new InputError(`payload file ${full} does not exist; check --payload PATH.`, "payloadPath");
    return openSidecar(full);
  }
  const base = vectorPath.replace(/\.npy$/i, "");
  for (const ext of [".jsonl", ".ndjson", ".csv", ".tsv"]) {
    if (existsSync(base + ext)) return openSidecar(base + ext);
  }
  return null;
}

function openSidecar(file: string): PayloadSidecar {
  const ext = path.extname(file).toLowerCase();
  if (JSON_LINES.includes(ext)) return new JsonLinesSidecar(file);
  const format = TABLES[ext];
  if (format) return new TableSidecar(file, format);
  throw new InputError(`payload file ${file}: unsupported format '${ext}'. Use JSON Lines (.jsonl, .ndjson) or CSV (.csv, .tsv), one row per vector.`, "payloadPath");
}

class JsonLinesSidecar implements PayloadSidecar {
  constructor(readonly path: string) {}

  count(signal?: AbortSignal): Promise<number> {
    return countJsonLines(this.path, signal);
  }

  async load(positions: Uint32Array | null, signal?: AbortSignal): Promise<unknown[]> {
    return (await loadJsonLines(this.path, positions, signal)).records;
  }

  close(): void {}
}

class TableSidecar implements PayloadSidecar {
  private table: Promise<DuckTable> | null = null;

  constructor(
    readonly path: string,
    private readonly format: TableFormat,
  ) {}

  private open(): Promise<DuckTable> {
    this.table ??= DuckTable.load(this.path, this.format, this.path);
    return this.table;
  }

  async count(): Promise<number> {
    return (await this.open()).count();
  }

  async load(positions: Uint32Array | null, signal?: AbortSignal): Promise<unknown[]> {
    const table = await this.open();
    const { names, exprs } = payloadColumnsOf(table.columns);
    const stream = await table.stream(["s.__row AS __row", ...exprs.map((e, i) => `${e} AS __p${i}`)].join(", "), "", positions);
    const out: unknown[] = [];
    for (let chunk = await stream.next(signal); chunk !== null; chunk = await stream.next(signal)) {
      const values = names.map((_, c) => chunk!.convertColumnValues(c + 1, duck.JSDuckDBValueConverter) as unknown[]);
      for (let i = 0; i < chunk.rowCount; i++) out.push(rowPayload(names, values, i));
    }
    return out;
  }

  close(): void {
    const table = this.table;
    this.table = null;
    void table?.then((t) => t.close()).catch(() => undefined);
  }
}
