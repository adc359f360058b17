/**
 * The header of a NumPy .npy file (format versions 1.0, 2.0, 3.0): magic `\x93NUMPY`, version,
 * header length, then a Python dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (N, D), }`.
 */
import { InputError } from "../errors";
import type { FloatDtype } from "./rowfile";

export interface NpyHeader {
  version: string;
  dtype: FloatDtype;
  rows: number;
  dims: number;
  /** Byte offset of the array data. */
  dataOffset: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Bytes needed to know the header length. */
export const NPY_PREAMBLE_BYTES = 12;

/** Total header size (preamble + dict) from the first NPY_PREAMBLE_BYTES bytes. */
export function npyHeaderSize(preamble: Uint8Array, path: string): number {
  if (preamble.length < 10 || MAGIC.some((b, i) => preamble[i] !== b)) {
    throw new InputError(`${path} is not a NumPy .npy file (no \\x93NUMPY magic). Save it with numpy.save().`, "source");
  }
  const major = preamble[6];
  const view = new DataView(preamble.buffer, preamble.byteOffset, preamble.byteLength);
  if (major === 1) return 10 + view.getUint16(8, true);
  if ((major === 2 || major === 3) && preamble.length >= 12) return 12 + view.getUint32(8, true);
  throw new InputError(`${path}: .npy format version ${major}.${preamble[7]} is not supported (1.0, 2.0 and 3.0 are).`, "source");
}

export function parseNpyHeader(header: Uint8Array, path: string): NpyHeader {
  const size = npyHeaderSize(header, path);
  const major = header[6];
  const start = major === 1 ? 10 : 12;
  // 1.0/2.0 headers are latin1; 3.0 allows utf8. The fields we read are ASCII either way.
  const text = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(header.subarray(start, size));

  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(text)?.[1];
  if (descr === undefined) {
    throw new InputError(`${path}: the .npy dtype is not a plain float type (structured arrays are not supported). Save a float32 (N, D) array: numpy.save(path, arr.astype('<f4')).`, "source");
  }
  const dtype = DTYPES[descr];
  if (!dtype) {
    throw new InputError(`${path}: dtype '${descr}' is not supported; use little-endian float32, float64 or float16 ('<f4', '<f8', '<f2'), e.g. numpy.save(path, arr.astype('<f4')).`, "source");
  }
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text)?.[1];
  if (fortran === "True") {
    throw new InputError(`${path} is stored in Fortran (column-major) order; save it in C order: numpy.save(path, numpy.ascontiguousarray(arr)).`, "source");
  }
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (shapeText === undefined) throw new InputError(`${path}: the .npy header has no shape.`, "source");
  const shape = shapeText
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((s) => Number(s.replace(/L$/, "")));
  if (shape.length !== 2 || shape.some((n) => !Number.isSafeInteger(n) || n < 0)) {
    throw new InputError(`${path}: the array has shape (${shapeText.trim()}); a 2-D (N, D) array of N vectors is needed, e.g. arr.reshape(N, D).`, "source");
  }
  return { version: `${major}.${header[7]}`, dtype, rows: shape[0], dims: shape[1], dataOffset: size };
}

const DTYPES: Record<string, FloatDtype | undefined> = {
  "<f4": "f4",
  "<f8": "f8",
  "<f2": "f2",
};
