/**
 * `embedscope serve`'s host: the viewer page and bundle over HTTP and the protocol over a WebSocket,
 * on 127.0.0.1 only. Every request needs the token printed in the URL; the Host header must name
 * this server (DNS-rebinding defence). Each browser tab gets its own transport; what serves it is
 * injected (`connect`), so this module knows nothing of the engine.
 */
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { InputError } from "../errors";
import type { Transport } from "../protocol/transport";
import { findAssetsDir, VIEWER_BUNDLE } from "./assets";
import { contentSecurityPolicy, createNonce, renderPage } from "./page";
import { createToken, isAllowedHost, isAllowedOrigin, tokenMatches } from "./security";
import { createWsTransport } from "./wsTransport";

export const LOOPBACK = "127.0.0.1";

export interface ViewerServerOptions {
  /** Serves one browser connection; the returned disposer runs when the socket closes. */
  connect(transport: Transport): { dispose(): void };
  /** 0 or absent: a free port. */
  port?: number;
  /** Fixed token (tests); default: 192 random bits. */
  token?: string;
  /** Folder holding viewer.js; default: found next to the CLI bundle or in dist/. */
  assetsDir?: string;
  /** Largest message accepted from a browser (bytes). */
  maxMessageBytes?: number;
  title?: string;
}

export interface ViewerServer {
  /** `http://127.0.0.1:PORT/?token=…` */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  /** Open browser connections. */
  connectionCount(): number;
  close(): Promise<void>;
}

const COMMON_HEADERS: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Cache-Control": "no-store",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
};

export async function startViewerServer(options: ViewerServerOptions): Promise<ViewerServer> {
  const token = options.token ?? createToken();
  const assetsDir = findAssetsDir(options.assetsDir);
  const requestedPort = options.port ?? 0;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
    throw new InputError(`port must be an integer between 0 and 65535 (got ${requestedPort}); 0 picks a free port`, "port");
  }
  let port = requestedPort;
  /** Open sockets and the promise of their `close` (after which their connection is disposed). */
  const sockets = new Map<WebSocket, Promise<void>>();

  const refuse = (res: ServerResponse, status: number, text: string) => {
    res.writeHead(status, { ...COMMON_HEADERS, "Content-Type": "text/plain; charset=utf-8" });
    res.end(`${text}\n`);
  };

  const server = createServer((req, res) => {
    void handleHttp(req, res).catch(() => {
      if (!res.headersSent) refuse(res, 500, "internal error");
      else res.destroy();
    });
  });

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isAllowedHost(req.headers.host, port)) return refuse(res, 403, "forbidden: unexpected Host header");
    const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
    if (!tokenMatches(url.searchParams.get("token"), token)) return refuse(res, 403, "forbidden: open the URL printed by `embedscope serve` (it carries the access token)");
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD");
      return refuse(res, 405, "method not allowed");
    }
    if (url.pathname === "/" || url.pathname === "/index.html") {
      const nonce = createNonce();
      const body = renderPage({ nonce, token, title: options.title });
      res.writeHead(200, {
        ...COMMON_HEADERS,
        "Content-Type": "text/html; charset=utf-8",
        "Content-Security-Policy": contentSecurityPolicy(nonce, req.headers.host as string),
      });
      res.end(req.method === "HEAD" ? undefined : body);
      return;
    }
    if (url.pathname === `/${VIEWER_BUNDLE}`) {
      const body = await readFile(path.join(assetsDir, VIEWER_BUNDLE));
      res.writeHead(200, { ...COMMON_HEADERS, "Content-Type": "text/javascript; charset=utf-8", "Content-Length": body.byteLength });
      res.end(req.method === "HEAD" ? undefined : body);
      return;
    }
    refuse(res, 404, "not found");
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes ?? 64 * 1024 * 1024 });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const reject = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length + 1}\r\n\r\n${text}\n`);
    };
    const url = new URL(req.url ?? "/", "http://placeholder");
    if (!isAllowedHost(req.headers.host, port) || !isAllowedOrigin(req.headers.origin, port)) return reject(403, "Forbidden");
    if (!tokenMatches(url.searchParams.get("token"), token)) return reject(403, "Forbidden");
    if (url.pathname !== "/ws") return reject(404, "Not Found");
    wss.handleUpgrade(req, socket, head, (ws) => {
      const transport = createWsTransport(ws);
      let connection: { dispose(): void } | null = null;
      sockets.set(
        ws,
        new Promise<void>((resolve) =>
          ws.on("close", () => {
            sockets.delete(ws);
            connection?.dispose();
            connection = null;
            resolve();
          }),
        ),
      );
      ws.on("error", () => ws.terminate());
      try {
        connection = options.connect(transport);
      } catch {
        ws.close(1011, "server error");
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      if (err.code === "EADDRINUSE") reject(new InputError(`port ${requestedPort} is already in use; pick another with --port, or --port 0 for a free one`, "port"));
      else if (err.code === "EACCES") reject(new InputError(`not allowed to listen on port ${requestedPort}; use a port above 1023 or --port 0`, "port"));
      else reject(err);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(requestedPort, LOOPBACK);
  });
  port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${LOOPBACK}:${port}/?token=${token}`,
    port,
    token,
    connectionCount: () => sockets.size,
    close() {
      closing ??= (async () => {
        const open = [...sockets.values()];
        for (const ws of sockets.keys()) ws.close(1001, "server shutting down");
        // A browser that does not answer the close handshake is cut off.
        const cutoff = setTimeout(() => {
          for (const ws of sockets.keys()) ws.terminate();
        }, 1000);
        await Promise.all(open);
        clearTimeout(cutoff);
        wss.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Keep-alive HTTP connections would hold close() open.
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}
