/**
 * A file source: picks the reader from the path — a table file through DuckDB, a NumPy array, or
 * a flat-bin directory — after checking the path exists.
 */
import { statSync } from "node:fs";
import path from "node:path";
import { InputError } from "../errors";
import type { SourceSpec } from "../types";
import type { TableFormat } from "./duckTable";
import { FlatBinSource, isFlatBinLayout } from "./flatbin";
import { NpySource } from "./npy";
import { unreadableFileError } from "./rowfile";
import type { VectorSource } from "./source";
import { TabularSource } from "./tabular";

export type FileSpec = Extract<SourceSpec, { kind: "file" }>;

const TABLE_EXTENSIONS: Record<string, TableFormat> = {
  ".parquet": "parquet",
  ".pq": "parquet",
  ".jsonl": "json",
  ".ndjson": "json",
  ".json": "json",
  ".csv": "csv",
  ".tsv": "tsv",
};

export const SUPPORTED_FILE_FORMATS =
  "Parquet (.parquet), JSON Lines (.jsonl, .ndjson), JSON array (.json), CSV/TSV (.csv, .tsv; also .gz-compressed), " +
  "NumPy (.npy) and the flat-bin layout (a directory with embeddings.bin + records.jsonl)";

/** Table format of a file name (compressed `.csv.gz` etc. included), or null. */
export function tableFormatOf(file: string): TableFormat | null {
  const name = file.toLowerCase().replace(/\.gz$/, "");
  return TABLE_EXTENSIONS[path.extname(name)] ?? null;
}

export function openFileSource(spec: FileSpec): VectorSource {
  const full = path.resolve(spec.path);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(full).isDirectory();
  } catch (err) {
    throw unreadableFileError(full, err);
  }
  if (isDirectory || path.basename(full) === "embeddings.bin") {
    if (!isFlatBinLayout(full)) {
      throw new InputError(
        `${full} is a directory but not a flat-bin layout (embeddings.bin + records.jsonl). Point at a file instead; supported: ${SUPPORTED_FILE_FORMATS}.`,
        "source",
      );
    }
    return new FlatBinSource(full, { idColumn: spec.idColumn });
  }
  if (full.toLowerCase().endsWith(".npy")) return new NpySource({ path: full, payloadPath: spec.payloadPath, idColumn: spec.idColumn });
  const format = tableFormatOf(full);
  if (format === null) {
    throw new InputError(`${full}: unknown file type '${path.extname(full) || "(no extension)"}'. Supported: ${SUPPORTED_FILE_FORMATS}.`, "source");
  }
  if (spec.payloadPath !== undefined) {
    throw new InputError(`--payload is for .npy files; ${path.basename(full)} carries its payload in its own columns.`, "payloadPath");
  }
  return new TabularSource({ path: full, vectorColumn: spec.vectorColumn, idColumn: spec.idColumn }, format);
}
