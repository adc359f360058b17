/**
 * Notebook renderer messaging carries plain JSON between every output of a notebook editor and the
 * extension: typed arrays would arrive as `{"0":…,"1":…}` objects. So each protocol message is
 * encoded with the codec (JSON + binary buffers), the buffers as base64, and tagged with the
 * channel of the output it belongs to. Used by both ends (renderer and extension host).
 */
import { decodeMessage, encodeMessage } from "../../../shared/src/protocol/codec";
import type { WireMessage } from "../../../shared/src/protocol/messages";

export interface ChannelEnvelope {
  /** Marks our messages among anything else on the renderer channel. */
  embedscope: 1;
  channel: string;
  /**
   * `message` carries a protocol message; `close` ends the channel (the output went away); `save`
   * asks the extension to save one file (`fileName`, bytes in `buffers[0]`): webviews cannot download.
   */
  kind: "message" | "close" | "save";
  json?: string;
  buffers?: string[];
  fileName?: string;
}

export function isChannelEnvelope(value: unknown): value is ChannelEnvelope {
  if (!value || typeof value !== "object") return false;
  const v = value as Partial<ChannelEnvelope>;
  return (
    v.embedscope === 1 &&
    typeof v.channel === "string" &&
    v.channel.length > 0 &&
    v.channel.length <= 100 &&
    (v.kind === "close" ||
      (v.kind === "message" && typeof v.json === "string" && (v.buffers === undefined || (Array.isArray(v.buffers) && v.buffers.every((b) => typeof b === "string")))) ||
      (v.kind === "save" && typeof v.fileName === "string" && Array.isArray(v.buffers) && v.buffers.length === 1 && typeof v.buffers[0] === "string"))
  );
}

export function saveEnvelope(channel: string, fileName: string, bytes: Uint8Array): ChannelEnvelope {
  return { embedscope: 1, channel, kind: "save", fileName, buffers: [bytesToBase64(bytes)] };
}

/** The file inside a `save` envelope. */
export function unwrapSave(envelope: ChannelEnvelope): { fileName: string; data: Uint8Array } {
  if (envelope.kind !== "save" || envelope.fileName === undefined || envelope.buffers?.length !== 1) throw new Error("not a save envelope");
  return { fileName: envelope.fileName, data: base64ToBytes(envelope.buffers[0]) };
}

export function wrapMessage(channel: string, message: WireMessage): ChannelEnvelope {
  const { json, buffers } = encodeMessage(message);
  return { embedscope: 1, channel, kind: "message", json, buffers: buffers.map((b) => bytesToBase64(new Uint8Array(b))) };
}

export function closeEnvelope(channel: string): ChannelEnvelope {
  return { embedscope: 1, channel, kind: "close" };
}

/** The protocol message inside an envelope; throws on a malformed one. */
export function unwrapMessage(envelope: ChannelEnvelope): WireMessage {
  if (envelope.kind !== "message" || envelope.json === undefined) throw new Error("not a message envelope");
  return decodeMessage(envelope.json, (envelope.buffers ?? []).map(base64ToBytes));
}

const CHUNK = 0x8000;

/** btoa/atob exist in browsers and in Node ≥ 16; they take binary strings, built in chunks. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK) as unknown as number[]);
  }
  return btoa(binary);
}

export function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A random channel id; crypto.randomUUID is missing in non-secure contexts, so fall back. */
export function newChannelId(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === "function") return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
