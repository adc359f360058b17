/**
 * Reads rows of a row-major little-endian float matrix stored in a file (NPY body, embeddings.bin)
 * with positioned reads: all rows in blocks, or only the sampled rows, never the whole file at once.
 */
import { open, type FileHandle } from "node:fs/promises";
import { endianness } from "node:os";
import { InputError, throwIfAborted } from "../errors";

export type FloatDtype = "f2" | "f4" | "f8";

export const BYTES_PER_VALUE: Record<FloatDtype, number> = { f2: 2, f4: 4, f8: 8 };

export interface RowFileLayout {
  path: string;
  /** Byte offset of row 0. */
  dataOffset: number;
  rows: number;
  dims: number;
  dtype: FloatDtype;
}

export interface RowBlock {
  /** 0-based row numbers of the rows in `values`, ascending. */
  positions: Uint32Array;
  /** positions.length × dims, converted to float32. */
  values: Float32Array;
}

/** Rows further apart than this are fetched with separate reads rather than one read over the gap. */
const MAX_GAP_BYTES = 256 * 1024;

/** Typed-array views read host byte order; the files are little-endian. */
const HOST_IS_LITTLE_ENDIAN = endianness() === "LE";

/**
 * Yields blocks of at most `blockRows` rows: every row in order when `positions` is null, else just
 * the (ascending) `positions`.
 */
export async function* readFloatRows(
  layout: RowFileLayout,
  positions: Uint32Array | null,
  blockRows: number,
  signal?: AbortSignal,
): AsyncGenerator<RowBlock> {
  const rowBytes = layout.dims * BYTES_PER_VALUE[layout.dtype];
  const total = positions ? positions.length : layout.rows;
  const file = await openForReading(layout.path);
  try {
    let buffer = new Uint8Array(0);
    for (let start = 0; start < total; start += blockRows) {
      throwIfAborted(signal);
      const n = Math.min(blockRows, total - start);
      const wanted = positions ? positions.subarray(start, start + n) : consecutive(start, n);
      const values = new Float32Array(n * layout.dims);
      // Group wanted rows into runs read with one call each; gaps up to MAX_GAP_BYTES are read through.
      let i = 0;
      while (i < n) {
        let j = i;
        while (j + 1 < n && (wanted[j + 1] - wanted[j] - 1) * rowBytes <= MAX_GAP_BYTES) j++;
        const first = wanted[i];
        const spanRows = wanted[j] - first + 1;
        const bytes = spanRows * rowBytes;
        if (buffer.length < bytes) buffer = new Uint8Array(bytes);
        await readExactly(file, buffer, bytes, layout.dataOffset + first * rowBytes, layout.path);
        for (let r = i; r <= j; r++) {
          convertRow(buffer, (wanted[r] - first) * rowBytes, layout.dims, layout.dtype, values, r * layout.dims);
        }
        i = j + 1;
      }
      yield { positions: wanted, values };
    }
  } finally {
    await file.close();
  }
}

function consecutive(start: number, n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = start + i;
  return out;
}

export async function openForReading(path: string): Promise<FileHandle> {
  try {
    return await open(path, "r");
  } catch (err) {
    throw unreadableFileError(path, err);
  }
}

export function unreadableFileError(path: string, err: unknown): InputError {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const why = code === "ENOENT" ? "it does not exist" : code === "EACCES" || code === "EPERM" ? "permission denied" : code === "EISDIR" ? "it is a directory" : String((err as Error)?.message ?? err);
  return new InputError(`cannot read ${path}: ${why}. Check the path and its permissions.`, "source");
}

async function readExactly(file: FileHandle, buffer: Uint8Array, length: number, position: number, path: string): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await file.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) {
      throw new InputError(`${path} is shorter than its header says (truncated at byte ${position + done}); re-export the file.`, "source");
    }
    done += bytesRead;
  }
}

/** Little-endian bytes → float32. `buffer` starts at byte 0 of its own ArrayBuffer, so views are aligned when `at` is. */
function convertRow(buffer: Uint8Array, at: number, dims: number, dtype: FloatDtype, out: Float32Array, outAt: number): void {
  const bytes = BYTES_PER_VALUE[dtype];
  const aligned = HOST_IS_LITTLE_ENDIAN && (buffer.byteOffset + at) % bytes === 0;
  if (dtype === "f4") {
    if (aligned) out.set(new Float32Array(buffer.buffer, buffer.byteOffset + at, dims), outAt);
    else {
      const view = new DataView(buffer.buffer, buffer.byteOffset + at, dims * 4);
      for (let k = 0; k < dims; k++) out[outAt + k] = view.getFloat32(k * 4, true);
    }
  } else if (dtype === "f8") {
    if (aligned) {
      const src = new Float64Array(buffer.buffer, buffer.byteOffset + at, dims);
      for (let k = 0; k < dims; k++) out[outAt + k] = src[k];
    } else {
      const view = new DataView(buffer.buffer, buffer.byteOffset + at, dims * 8);
      for (let k = 0; k < dims; k++) out[outAt + k] = view.getFloat64(k * 8, true);
    }
  } else {
    const view = new DataView(buffer.buffer, buffer.byteOffset + at, dims * 2);
    for (let k = 0; k < dims; k++) out[outAt + k] = halfToFloat(view.getUint16(k * 2, true));
  }
}

/** IEEE 754 binary16 → number (subnormals, Infinity and NaN included). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
