/**
 * Export of a run's points through DuckDB's own writers (`COPY … TO`): CSV, a JSON array of
 * objects, or Parquet. The category column is the legend label the viewer shows for the chosen
 * colour-by (top 255 labels by count, the rest "Other"), ranked over the whole run.
 */
import { randomBytes } from "node:crypto";
import { existsSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { OTHER_LABEL, OVERFLOW_INDEX } from "../categories";
import { InputError } from "../errors";
import type { ExportFormat, RunRecord } from "../types";
import { codedLabelsSql, labelSql } from "./colorBy";
import type { Db, DuckDBValue } from "./duckdb";
import type { ExportOptions } from "./types";

const FORMATS: Record<ExportFormat, string> = {
  csv: "FORMAT csv, HEADER true",
  json: "FORMAT json, ARRAY true",
  parquet: "FORMAT parquet",
};

/** The output file, checked: not a folder, in a folder that exists. */
function checkOutPath(out: unknown): string {
  if (typeof out !== "string" || out.trim() === "") throw new InputError("export needs an output file path", "out");
  const resolved = path.resolve(out);
  if (existsSync(resolved) && statSync(resolved).isDirectory()) {
    throw new InputError(`${out} is a folder; give a file path to export to`, "out");
  }
  const dir = path.dirname(resolved);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InputError(`The folder ${dir} does not exist`, "out", "Create the folder first or export somewhere else.");
  }
  return resolved;
}

function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** Distinct valid row indexes, or InputError. */
function rowList(rows: ArrayLike<number>): number[] {
  if (!rows || typeof rows.length !== "number") throw new InputError("rows must be a list of row indexes", "rows");
  const out = new Set<number>();
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (typeof row !== "number" || !Number.isInteger(row)) throw new InputError(`rows must be integers; got ${String(row)}`, "rows");
    if (row >= 0 && row < 2 ** 31) out.add(row);
  }
  return [...out];
}

export async function exportRun(db: Db, run: RunRecord, opts: ExportOptions): Promise<{ path: string; count: number }> {
  if (!opts || !Object.prototype.hasOwnProperty.call(FORMATS, opts.format)) {
    throw new InputError(`export format must be one of ${Object.keys(FORMATS).join(", ")}; got ${JSON.stringify(opts?.format)}`, "format");
  }
  const out = checkOutPath(opts.out);
  const colorBy = opts.colorBy ?? (typeof run.meta.color_by === "string" ? run.meta.color_by : "document_id");
  const label = labelSql(colorBy, new Date());
  const params: Record<string, DuckDBValue> = { run: run.id, ...label.params };
  let rowFilter = "";
  if (opts.rows !== undefined) {
    const rows = rowList(opts.rows);
    params.rows = rows.join(",");
    rowFilter = rows.length ? `AND p."row" IN (SELECT unnest(string_split($rows, ',')::INTEGER[]))` : "AND false";
  }
  const select = `SELECT p.point_id, p.x, p.y,
      CASE WHEN c.code = ${OVERFLOW_INDEX} THEN ${sqlString(OTHER_LABEL)} ELSE c.label END AS category,
      p.document_id, p.chunk_index, p.source_path, p.mime_type, p.text, p.payload
    FROM points p JOIN (${codedLabelsSql(label)}) c ON c."row" = p."row"
    WHERE p.run_id = $run ${rowFilter}
    ORDER BY p."row"`;
  // Write beside the target and rename, so a failed export never leaves half a file behind.
  const temp = `${out}.${randomBytes(6).toString("hex")}.partial`;
  try {
    const result = await db.all<{ Count: bigint }>(`COPY (${select}) TO ${sqlString(temp)} (${FORMATS[opts.format]})`, params);
    renameSync(temp, out);
    return { path: out, count: Number(result[0]?.Count ?? 0) };
  } finally {
    rmSync(temp, { force: true, recursive: true });
  }
}
