/**
 * Vectors from a NumPy .npy file (N, D) of float32/float64/float16, read with positioned reads;
 * payloads from an optional sidecar (row i ↔ vector i). Ids: the sidecar's id field if any, else
 * the row number.
 */
import { stat } from "node:fs/promises";
import { InputError } from "../errors";
import type { Payload } from "../types";
import { BatchBuilder, batchSizeOf, deliver, planRead } from "./batcher";
import { NPY_PREAMBLE_BYTES, npyHeaderSize, parseNpyHeader, type NpyHeader } from "./npyHeader";
import { BYTES_PER_VALUE, openForReading, readFloatRows, unreadableFileError, type RowFileLayout } from "./rowfile";
import { findSidecar, type PayloadSidecar } from "./sidecar";
import type { PointBatch, ReadOptions, SourceInfo, VectorSource } from "./source";
import { PREFERRED_ID_NAMES } from "./tableColumns";
import { checkDims, emptySourceError, toPayload } from "./validate";

export interface NpyFileSpec {
  path: string;
  payloadPath?: string;
  idColumn?: string;
}

interface Opened {
  layout: RowFileLayout;
  sidecar: PayloadSidecar | null;
  info: SourceInfo;
}

export class NpySource implements VectorSource {
  private opened: Promise<Opened> | null = null;
  /** Found at construction so that a wrong --payload path fails as early as a wrong file path. */
  private readonly sidecar: PayloadSidecar | null;

  constructor(private readonly spec: NpyFileSpec) {
    this.sidecar = findSidecar(spec.path, spec.payloadPath);
    if (spec.idColumn !== undefined && !this.sidecar) {
      throw new InputError(`--id-column '${spec.idColumn}' needs a payload file next to ${spec.path} (<name>.jsonl or <name>.csv) or --payload PATH; an .npy file holds only vectors.`, "idColumn");
    }
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
    this.sidecar?.close();
  }

  private open(signal?: AbortSignal): Promise<Opened> {
    this.opened ??= openNpy(this.spec, this.sidecar, signal);
    return this.opened;
  }

  private async *readBatches(options: ReadOptions): AsyncGenerator<PointBatch> {
    const { layout, sidecar, info } = await this.open(options.signal);
    const { expected, positions } = planRead(info.count, options.limit, options.seed);
    const payloads = sidecar ? await sidecar.load(positions, options.signal) : null;
    const idKey = payloads ? idKeyOf(payloads[0], this.spec.idColumn, sidecar?.path ?? "") : null;
    const idOf = (_k: number, row: number, payload: Payload) => idFromField(payload, idKey, row);
    yield* deliver(rowsWithPayloads(layout, positions, payloads, idOf, batchSizeOf(options.batchSize), info.uri, options.signal), expected, options);
  }
}

/**
 * Joins vector rows from a row file with their payloads (aligned with the rows read) into batches.
 * Shared by the .npy and flat-bin sources.
 */
export async function* rowsWithPayloads(
  layout: RowFileLayout,
  positions: Uint32Array | null,
  payloads: unknown[] | null,
  /** Id of the k-th point read (source position `row`). */
  idOf: (k: number, row: number, payload: Payload) => string,
  batchSize: number,
  where: string,
  signal: AbortSignal | undefined,
): AsyncGenerator<PointBatch> {
  const builder = new BatchBuilder(layout.dims, batchSize, where);
  let k = 0;
  for await (const block of readFloatRows(layout, positions, batchSize, signal)) {
    for (let i = 0; i < block.positions.length; i++, k++) {
      const row = block.positions[i];
      const payload: Payload = payloads ? toPayload(payloads[k]) : {};
      const batch = builder.add(idOf(k, row, payload), row, block.values, i * layout.dims, layout.dims, payload);
      if (batch) yield batch;
    }
  }
  const last = builder.flush();
  if (last) yield last;
}

/** The value of payload field `key` as an id when it is a string or number, else the row number. */
export function idFromField(payload: Payload, key: string | null, row: number): string {
  const raw = key === null ? undefined : payload[key];
  return typeof raw === "string" || typeof raw === "number" ? String(raw) : String(row);
}

/** The payload field that names points: `requested`, else id/point_id/chunk_id/uuid if present. */
export function idKeyOf(first: unknown, requested: string | undefined, where: string): string | null {
  const keys = first && typeof first === "object" ? Object.keys(first) : [];
  if (requested !== undefined) {
    if (!keys.includes(requested)) {
      throw new InputError(`${where}: there is no field '${requested}' for ids. Fields found: ${keys.join(", ") || "none"}. Pass --id-column NAME with one of them.`, "idColumn");
    }
    return requested;
  }
  return PREFERRED_ID_NAMES.find((name) => keys.includes(name)) ?? null;
}

async function openNpy(spec: NpyFileSpec, sidecar: PayloadSidecar | null, signal?: AbortSignal): Promise<Opened> {
  const header = await readHeader(spec.path);
  const where = spec.path;
  if (header.rows === 0) throw emptySourceError(where);
  checkDims(header.dims, where);
  const size = (await stat(spec.path)).size;
  const needed = header.dataOffset + header.rows * header.dims * BYTES_PER_VALUE[header.dtype];
  if (size < needed) {
    throw new InputError(`${where} is truncated: its header announces ${header.rows}×${header.dims} values (${needed} bytes) but the file has ${size} bytes. Save it again.`, "source");
  }
  const notes = [`NumPy ${header.version} array, ${header.rows}×${header.dims} ${header.dtype === "f4" ? "float32" : header.dtype === "f8" ? "float64 (read as float32)" : "float16 (read as float32)"}`];
  if (sidecar) {
    const records = await sidecar.count(signal);
    if (records !== header.rows) {
      throw new InputError(
        `payload file ${sidecar.path} has ${records} rows but ${where} has ${header.rows} vectors; row i of the payload file must describe vector i. Fix the files or pass another --payload PATH.`,
        "payloadPath",
      );
    }
    notes.push(`payloads from ${sidecar.path}`);
  } else {
    notes.push("no payload file (<name>.jsonl or <name>.csv next to the .npy): points have empty payloads and row-number ids");
  }
  const layout: RowFileLayout = { path: spec.path, dataOffset: header.dataOffset, rows: header.rows, dims: header.dims, dtype: header.dtype };
  const info: SourceInfo = { kind: "file", uri: spec.path, collection: null, vectorName: null, count: header.rows, dims: header.dims, distance: null, notes };
  return { layout, sidecar, info };
}

async function readHeader(path: string): Promise<NpyHeader> {
  const file = await openForReading(path);
  try {
    const preamble = new Uint8Array(NPY_PREAMBLE_BYTES);
    const { bytesRead } = await file.read(preamble, 0, NPY_PREAMBLE_BYTES, 0);
    const size = npyHeaderSize(preamble.subarray(0, bytesRead), path);
    const header = new Uint8Array(size);
    const got = await file.read(header, 0, size, 0);
    if (got.bytesRead < size) throw new InputError(`${path} is truncated inside its .npy header; save it again.`, "source");
    return parseNpyHeader(header, path);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw unreadableFileError(path, err);
  } finally {
    await file.close();
  }
}
