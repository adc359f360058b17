/**
 * The connection file Jupyter writes for a kernel (ports, transport, HMAC key) and the ZMQ
 * endpoints made from it.
 */
import { readFileSync } from "node:fs";
import { InputError } from "../../../shared/src/errors";

export interface ConnectionInfo {
  transport: "tcp" | "ipc";
  ip: string;
  shell_port: number;
  control_port: number;
  stdin_port: number;
  iopub_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
  kernel_name?: string;
}

export type SocketName = "shell" | "control" | "stdin" | "iopub" | "hb";

const PORT_KEYS: Record<SocketName, keyof ConnectionInfo> = {
  shell: "shell_port",
  control: "control_port",
  stdin: "stdin_port",
  iopub: "iopub_port",
  hb: "hb_port",
};

export function parseConnectionInfo(json: string, origin = "connection file"): ConnectionInfo {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(json) as Record<string, unknown>;
  } catch {
    throw new InputError(`${origin} is not valid JSON`);
  }
  const transport = String(raw.transport ?? "tcp");
  if (transport !== "tcp" && transport !== "ipc") throw new InputError(`${origin}: transport must be tcp or ipc (got '${transport}')`);
  const info = { ...raw, transport, ip: String(raw.ip ?? "127.0.0.1"), key: String(raw.key ?? ""), signature_scheme: String(raw.signature_scheme ?? "hmac-sha256") } as ConnectionInfo;
  for (const key of Object.values(PORT_KEYS)) {
    const port = Number(raw[key]);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InputError(`${origin}: ${key} must be a port number (got '${String(raw[key])}')`);
    (info as unknown as Record<string, unknown>)[key] = port;
  }
  if (!/^hmac-/.test(info.signature_scheme)) throw new InputError(`${origin}: signature_scheme must be hmac-<digest> (got '${info.signature_scheme}')`);
  return info;
}

export function readConnectionFile(file: string): ConnectionInfo {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new InputError(`cannot read the connection file ${file}: ${(err as Error).message}`);
  }
  return parseConnectionInfo(text, file);
}

/** tcp://ip:port, or ipc://ip-port as jupyter_client names IPC sockets. */
export function endpoint(info: ConnectionInfo, socket: SocketName): string {
  const port = info[PORT_KEYS[socket]] as number;
  return info.transport === "tcp" ? `tcp://${info.ip}:${port}` : `ipc://${info.ip}-${port}`;
}
