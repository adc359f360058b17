/**
 * The flat binary layout: a directory with `embeddings.bin` (float32 little-endian, N×D, no
 * header), `records.jsonl` (one JSON object per point, same order) and optionally `metadata.json`
 * with `dimensions`. N is the number of records; D comes from metadata.json, else bytes / 4 / N.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { InputError } from "../errors";
import type { Metric, Payload } from "../types";
import { batchSizeOf, deliver, planRead } from "./batcher";
import { countJsonLines, loadJsonLines } from "./jsonLines";
import { idFromField, idKeyOf, rowsWithPayloads } from "./npy";
import type { RowFileLayout } from "./rowfile";
import type { PointBatch, ReadOptions, SourceInfo, VectorSource } from "./source";
import { checkDims, emptySourceError, toPayload } from "./validate";

export interface FlatBinPaths {
  dir: string;
  embeddings: string;
  records: string;
  metadata: string;
}

/** The files of a flat-bin layout given its directory or its embeddings.bin. */
export function flatBinPaths(target: string): FlatBinPaths {
  const dir = path.basename(target) === "embeddings.bin" ? path.dirname(target) : target;
  return {
    dir,
    embeddings: path.join(dir, "embeddings.bin"),
    records: path.join(dir, "records.jsonl"),
    metadata: path.join(dir, "metadata.json"),
  };
}

export function isFlatBinLayout(target: string): boolean {
  const paths = flatBinPaths(target);
  return existsSync(paths.embeddings) && existsSync(paths.records);
}

/** Turns every record (in file order) into ids and payloads; used when a payload needs the whole file (the demo). */
export type RecordMapper = (records: unknown[]) => { ids: string[]; payloads: Payload[] };

export interface FlatBinOptions {
  kind?: "file" | "demo";
  idColumn?: string;
  /** Shown and stored instead of the directory path. */
  uri?: string;
  collection?: string | null;
  distance?: Metric | null;
  mapRecords?: RecordMapper;
}

interface Opened {
  layout: RowFileLayout;
  info: SourceInfo;
}

export class FlatBinSource implements VectorSource {
  private readonly paths: FlatBinPaths;
  private opened: Promise<Opened> | null = null;

  constructor(
    target: string,
    private readonly options: FlatBinOptions = {},
  ) {
    this.paths = flatBinPaths(target);
  }

  async describe(signal?: AbortSignal): Promise<SourceInfo> {
    const { info } = await this.open(signal);
    return { ...info, notes: [...info.notes] };
  }

  read(options: ReadOptions): AsyncIterable<PointBatch> {
    return this.readBatches(options);
  }

  async close(): Promise<void> {
    this.opened = null;
  }

  private open(signal?: AbortSignal): Promise<Opened> {
    this.opened ??= this.openLayout(signal);
    return this.opened;
  }

  private async *readBatches(options: ReadOptions): AsyncGenerator<PointBatch> {
    const { layout, info } = await this.open(options.signal);
    const { expected, positions } = planRead(info.count, options.limit, options.seed);
    const batchSize = batchSizeOf(options.batchSize);
    let payloads: unknown[];
    let idOf: (k: number, row: number, payload: Payload) => string;
    if (this.options.mapRecords) {
      const mapped = this.options.mapRecords((await loadJsonLines(this.paths.records, null, options.signal)).records);
      const pick = <T>(all: T[]) => (positions ? Array.from(positions, (p) => all[p]) : all);
      const ids = pick(mapped.ids);
      payloads = pick(mapped.payloads);
      idOf = (k) => ids[k];
    } else {
      payloads = (await loadJsonLines(this.paths.records, positions, options.signal)).records;
      const idKey = idKeyOf(payloads[0], this.options.idColumn, this.paths.records);
      idOf = (_k, row, payload) => idFromField(payload, idKey, row);
    }
    yield* deliver(rowsWithPayloads(layout, positions, payloads, idOf, batchSize, info.uri, options.signal), expected, options);
  }

  private async openLayout(signal?: AbortSignal): Promise<Opened> {
    const { dir, embeddings, records, metadata } = this.paths;
    for (const file of [embeddings, records]) {
      if (!existsSync(file)) {
        throw new InputError(`${dir} is not a flat-bin layout: ${path.basename(file)} is missing (expected embeddings.bin + records.jsonl, optionally metadata.json).`, "source");
      }
    }
    const count = await countJsonLines(records, signal);
    if (count === 0) throw emptySourceError(dir);
    const bytes = statSync(embeddings).size;
    const declared = readDimensions(metadata);
    const dims = declared ?? bytes / 4 / count;
    if (!Number.isInteger(dims) || dims < 1 || bytes !== count * dims * 4) {
      const detail = declared !== null ? `${count} records × ${declared} dimensions × 4 bytes = ${count * declared * 4} bytes` : `${count} records do not divide them into whole float32 vectors`;
      throw new InputError(
        `${dir}: embeddings.bin has ${bytes} bytes but ${detail}. embeddings.bin and records.jsonl must describe the same points, in the same order.`,
        "source",
      );
    }
    checkDims(dims, dir);
    const layout: RowFileLayout = { path: embeddings, dataOffset: 0, rows: count, dims, dtype: "f4" };
    const info: SourceInfo = {
      kind: this.options.kind ?? "file",
      uri: this.options.uri ?? dir,
      collection: this.options.collection ?? null,
      vectorName: null,
      count,
      dims,
      distance: this.options.distance ?? null,
      notes: [`flat-bin layout: ${count} records, ${dims} dimensions${declared !== null ? " (from metadata.json)" : ""}`],
    };
    return { layout, info };
  }
}

function readDimensions(metadataPath: string): number | null {
  if (!existsSync(metadataPath)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(metadataPath, "utf8"));
  } catch (err) {
    throw new InputError(`${metadataPath} is not valid JSON (${(err as Error).message}); fix it or remove it.`, "source");
  }
  const dims = toPayload(parsed).dimensions;
  if (dims === undefined) return null;
  if (typeof dims !== "number" || !Number.isInteger(dims) || dims < 1) {
    throw new InputError(`${metadataPath}: "dimensions" must be a positive integer (got ${JSON.stringify(dims)}).`, "source");
  }
  return dims;
}
