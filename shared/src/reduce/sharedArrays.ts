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
/** `data` itself when already shared (or when no sharing is needed), else a shared copy. */
export function shareFloat32(data: Float32Array, shared: boolean): Float32Array {
  if (!shared || data.buffer instanceof SharedArrayBuffer) return data;
  const copy = sharedFloat32(data.length, true);
  copy.set(data);
  return copy;
}
export function shareFloat64(data: Float64Array, shared: boolean): Float64Array {
  if (!shared || data.buffer instanceof SharedArrayBuffer) return data;
  const copy = sharedFloat64(data.length, true);
  copy.set(data);
  return copy;
}
export function shareInt32(data: Int32Array, shared: boolean): Int32Array {
  if (!shared || data.buffer instanceof SharedArrayBuffer) return data;
  const copy = sharedInt32(data.length, true);
  copy.set(data);
  return copy;
}
