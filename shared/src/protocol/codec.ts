/**
 * Encoding for transports that carry text plus binary buffers (WebSocket, Jupyter comm):
 * typed arrays are lifted out of the message into a buffer list and replaced by a placeholder.
 */
import type { WireMessage } from "./messages";

type TypedArray = Float32Array | Float64Array | Uint8Array | Uint16Array | Uint32Array | Int32Array | Int16Array | Int8Array;
const CTORS = { Float32Array, Float64Array, Uint8Array, Uint16Array, Uint32Array, Int32Array, Int16Array, Int8Array } as const;
type CtorName = keyof typeof CTORS;

interface BinaryRef {
  $bin: number;
  type: CtorName;
}

export interface EncodedMessage {
  json: string;
  buffers: ArrayBuffer[];
}

export function encodeMessage(message: WireMessage): EncodedMessage {
  const buffers: ArrayBuffer[] = [];
  const json = JSON.stringify(message, function (_key, value: unknown) {
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      const arr = value as TypedArray;
      const type = arr.constructor.name as CtorName;
      if (!(type in CTORS)) throw new Error(`cannot encode ${type}`);
      // Copy out exactly the view's bytes (the view may be a window on a larger or shared buffer).
      const copy = new Uint8Array(arr.byteLength);
      copy.set(new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength));
      buffers.push(copy.buffer as ArrayBuffer);
      const ref: BinaryRef = { $bin: buffers.length - 1, type };
      return ref;
    }
    return value;
  });
  return { json, buffers };
}

export function decodeMessage(json: string, buffers: readonly (ArrayBuffer | ArrayBufferView)[]): WireMessage {
  return JSON.parse(json, (_key, value: unknown) => {
    if (value && typeof value === "object" && "$bin" in value && "type" in value) {
      const ref = value as BinaryRef;
      const raw = buffers[ref.$bin];
      if (raw === undefined) throw new Error(`missing binary buffer ${ref.$bin}`);
      const Ctor = CTORS[ref.type];
      if (!Ctor) throw new Error(`unknown binary type ${String(ref.type)}`);
      const bytes = ArrayBuffer.isView(raw) ? new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength) : new Uint8Array(raw);
      // Align: typed array views need an offset that is a multiple of their element size.
      const aligned = bytes.byteOffset % Ctor.BYTES_PER_ELEMENT === 0 ? bytes : bytes.slice();
      return new Ctor(aligned.buffer as ArrayBuffer, aligned.byteOffset, aligned.byteLength / Ctor.BYTES_PER_ELEMENT);
    }
    return value;
  }) as WireMessage;
}

/**
 * Single-frame form for transports that carry one binary blob (a WebSocket binary frame):
 * [u32 json length][json utf-8][u32 n][n × (u32 length)][buffers…].
 */
export function packFrame(message: WireMessage): Uint8Array {
  const { json, buffers } = encodeMessage(message);
  const jsonBytes = new TextEncoder().encode(json);
  const header = 4 + jsonBytes.length + 4 + 4 * buffers.length;
  const total = header + buffers.reduce((s, b) => s + b.byteLength, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let o = 0;
  view.setUint32(o, jsonBytes.length, true);
  o += 4;
  out.set(jsonBytes, o);
  o += jsonBytes.length;
  view.setUint32(o, buffers.length, true);
  o += 4;
  for (const b of buffers) {
    view.setUint32(o, b.byteLength, true);
    o += 4;
  }
  for (const b of buffers) {
    out.set(new Uint8Array(b), o);
    o += b.byteLength;
  }
  return out;
}

export function unpackFrame(frame: Uint8Array): WireMessage {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  let o = 0;
  const jsonLength = view.getUint32(o, true);
  o += 4;
  const json = new TextDecoder().decode(frame.subarray(o, o + jsonLength));
  o += jsonLength;
  const n = view.getUint32(o, true);
  o += 4;
  const lengths: number[] = [];
  for (let i = 0; i < n; i++, o += 4) lengths.push(view.getUint32(o, true));
  const buffers: Uint8Array[] = [];
  for (const len of lengths) {
    buffers.push(frame.slice(o, o + len));
    o += len;
  }
  return decodeMessage(json, buffers);
}
