/** Typed arrays a thread team shares, and how a kernel splits its rows into parts. */

/** Rows [start, end) of part `part` out of `parts` over `n` rows: contiguous, sizes differ by ≤ 1. */
export function partRange(n: number, part: number, parts: number): [number, number] {
  return [Math.floor((n * part) / parts), Math.floor((n * (part + 1)) / parts)];
}

/** Typed arrays the team can share: SharedArrayBuffer-backed when the team has workers. */
export function sharedFloat64(length: number, shared: boolean): Float64Array {
  return new Float64Array(shared ? new SharedArrayBuffer(8 * length) : new ArrayBuffer(8 * length));
}
export function sharedFloat32(length: number, shared: boolean): Float32Array {
  return new Float32Array(shared ? new SharedArrayBuffer(4 * length) : new ArrayBuffer(4 * length));
}
export function sharedInt32(length: number, shared: boolean): Int32Array {
  return new Int32Array(shared ? new SharedArrayBuffer(4 * length) : new ArrayBuffer(4 * length));
}
type SharableArray = Float32Array | Float64Array | Int32Array;

/** `data` itself when already shared (or when no sharing is needed), else a copy on a SharedArrayBuffer. */
function share<T extends SharableArray>(data: T, shared: boolean): T {
  if (!shared || data.buffer instanceof SharedArrayBuffer) return data;
  const Ctor = data.constructor as new (buffer: SharedArrayBuffer) => T;
  const copy = new Ctor(new SharedArrayBuffer(data.byteLength));
  copy.set(data as never);
  return copy;
}
export const shareFloat32 = (data: Float32Array, shared: boolean): Float32Array => share(data, shared);
export const shareFloat64 = (data: Float64Array, shared: boolean): Float64Array => share(data, shared);
export const shareInt32 = (data: Int32Array, shared: boolean): Int32Array => share(data, shared);
