/** Jupyter messaging protocol 5.3: the message shape and headers (no ZMQ here). */
import { randomUUID } from "node:crypto";

export const PROTOCOL_VERSION = "5.3";

export type Channel = "shell" | "control" | "stdin" | "iopub";

export interface MessageHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
  [extra: string]: unknown;
}

export type JsonObject = Record<string, unknown>;

/** MIME type → data, as in display_data and notebook outputs. */
export type MimeBundle = Record<string, unknown>;

export interface JupyterMessage<Content = JsonObject> {
  header: MessageHeader;
  /** Empty object when the message answers nothing. */
  parent_header: MessageHeader | Record<string, never>;
  metadata: JsonObject;
  content: Content;
  buffers: Uint8Array[];
}

export function createHeader(msgType: string, session: string, username = "embedscope"): MessageHeader {
  return { msg_id: randomUUID(), session, username, date: new Date().toISOString(), msg_type: msgType, version: PROTOCOL_VERSION };
}

export function createMessage<C extends JsonObject>(
  msgType: string,
  session: string,
  content: C,
  parent?: MessageHeader | Record<string, never>,
  metadata: JsonObject = {},
  buffers: Uint8Array[] = [],
): JupyterMessage<C> {
  return { header: createHeader(msgType, session), parent_header: parent ?? {}, metadata, content, buffers };
}
