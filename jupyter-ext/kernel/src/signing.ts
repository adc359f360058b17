/**
 * The ZMQ framing of a Jupyter message and its HMAC signature:
 * [identities…, "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers…].
 * Incoming messages with a wrong signature are rejected; with an empty key nothing is signed.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { JsonObject, JupyterMessage, MessageHeader } from "./jupyterMessage";

export const DELIMITER = "<IDS|MSG>";
const DELIMITER_BYTES = Buffer.from(DELIMITER);

export class SignatureError extends Error {
  override readonly name = "SignatureError";
}

export class MessageSigner {
  private readonly digest: string;

  constructor(
    private readonly key: string,
    scheme = "hmac-sha256",
  ) {
    this.digest = scheme.replace(/^hmac-/, "");
    // Fail at start-up, not on the first message, when the digest is unknown.
    if (key) createHmac(this.digest, key);
  }

  sign(parts: readonly Uint8Array[]): string {
    if (!this.key) return "";
    const hmac = createHmac(this.digest, this.key);
    for (const p of parts) hmac.update(p);
    return hmac.digest("hex");
  }

  verify(signature: string, parts: readonly Uint8Array[]): boolean {
    if (!this.key) return true;
    const expected = Buffer.from(this.sign(parts), "utf8");
    const given = Buffer.from(signature, "utf8");
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

export interface ReceivedMessage {
  /** ZMQ routing identities (ROUTER) or the topic (PUB), to address the reply. */
  identities: Buffer[];
  message: JupyterMessage;
}

export function encodeFrames(message: JupyterMessage<unknown>, signer: MessageSigner, identities: readonly Uint8Array[] = []): Buffer[] {
  const parts = [message.header, message.parent_header, message.metadata, message.content].map((p) => Buffer.from(JSON.stringify(p ?? {}), "utf8"));
  const signature = signer.sign(parts);
  return [...identities.map((i) => Buffer.from(i)), DELIMITER_BYTES, Buffer.from(signature, "utf8"), ...parts, ...message.buffers.map(toBuffer)];
}

/** Throws SignatureError on a bad signature and Error on a malformed message. */
export function decodeFrames(frames: readonly Buffer[], signer: MessageSigner): ReceivedMessage {
  const at = frames.findIndex((f) => f.equals(DELIMITER_BYTES));
  if (at < 0 || frames.length < at + 6) throw new Error(`malformed message: ${frames.length} frames, delimiter at ${at}`);
  const signature = frames[at + 1].toString("utf8");
  const parts = frames.slice(at + 2, at + 6);
  if (!signer.verify(signature, parts)) throw new SignatureError("message signature does not match the connection key");
  const [header, parent, metadata, content] = parts.map((p) => JSON.parse(p.toString("utf8")) as JsonObject);
  if (typeof header.msg_type !== "string" || typeof header.msg_id !== "string") throw new Error("malformed message header");
  return {
    identities: frames.slice(0, at),
    message: {
      header: header as MessageHeader,
      parent_header: parent as MessageHeader,
      metadata,
      content,
      buffers: frames.slice(at + 6).map((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)),
    },
  };
}

function toBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}
