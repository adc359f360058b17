/** The `serve` host: token, Host/Origin checks, CSP page, bundle, and the protocol over a real WebSocket. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { InputError } from "../../../shared/src/errors";
import { packFrame, unpackFrame } from "../../../shared/src/protocol/codec";
import type { WireMessage } from "../../../shared/src/protocol/messages";
import { RpcClient, RpcServer } from "../../../shared/src/protocol/rpc";
import type { Transport } from "../../../shared/src/protocol/transport";
import { startViewerServer, type ViewerServer } from "../../../shared/src/server/viewerServer";

const assetsDir = mkdtempSync(path.join(tmpdir(), "es-assets-"));
writeFileSync(path.join(assetsDir, "viewer.js"), "window.__bundle = 1;\n");

const servers: ViewerServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

interface Started {
  server: ViewerServer;
  disposed: () => number;
}

async function start(): Promise<Started> {
  let disposed = 0;
  const server = await startViewerServer({
    assetsDir,
    connect: (transport) => {
      const rpc = new RpcServer(transport, {
        "host.info": async () => ({ host: "browser", canOpenDocument: false, canWriteFiles: false, version: "t" }),
        "points.get": async () => ({ count: 3, x: Float32Array.of(1, 2, 3), y: Float32Array.of(4, 5, 6) }),
      });
      return { dispose: () => (disposed++, rpc.dispose()) };
    },
  });
  servers.push(server);
  return { server, disposed: () => disposed };
}

function get(port: number, pathWithQuery: string, host = `127.0.0.1:${port}`): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: pathWithQuery, headers: { Host: host } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

function wsTransport(socket: WebSocket): Transport {
  const handlers = new Set<(m: WireMessage) => void>();
  socket.on("message", (data: Buffer) => {
    const m = unpackFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    for (const h of handlers) h(m);
  });
  return {
    send: (m) => socket.send(packFrame(m)),
    onMessage: (h) => (handlers.add(h), { dispose: () => handlers.delete(h) }),
  };
}

function connect(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.once("open", () => resolve(socket));
    socket.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    socket.once("error", reject);
  });
}

describe("viewer server", () => {
  it("prints a 127.0.0.1 URL carrying a random token of at least 128 bits", async () => {
    const { server } = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+$/);
    expect(Buffer.from(server.token, "base64url").length * 8).toBeGreaterThanOrEqual(128);
    const other = await start();
    expect(other.server.token).not.toBe(server.token);
  });

  it("refuses requests without the right token or with a foreign Host header", async () => {
    const { server } = await start();
    expect((await get(server.port, "/")).status).toBe(403);
    expect((await get(server.port, "/?token=wrong")).status).toBe(403);
    expect((await get(server.port, `/viewer.js`)).status).toBe(403);
    expect((await get(server.port, `/?token=${server.token}`, `evil.example:${server.port}`)).status).toBe(403);
    expect((await get(server.port, `/?token=${server.token}`, `127.0.0.1:1`)).status).toBe(403);
    expect((await get(server.port, `/?token=${server.token}`, `localhost:${server.port}`)).status).toBe(200);
    expect((await get(server.port, `/nothing?token=${server.token}`)).status).toBe(404);
  });

  it("serves the page with a strict CSP whose nonce matches the script tag, and the bundle", async () => {
    const { server } = await start();
    const page = await get(server.port, `/?token=${server.token}`);
    expect(page.status).toBe(200);
    const csp = String(page.headers["content-security-policy"]);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`connect-src ws://127.0.0.1:${server.port}`);
    expect(csp).toContain("img-src data: blob:");
    // Only an empty inline <style> (regl-scatterplot's lasso fills it through the CSSOM).
    expect(csp).toContain("style-src 'self' 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='");
    expect(csp).not.toContain("unsafe-inline");
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(page.body).toContain(`<script nonce="${nonce}" src="/viewer.js?token=${server.token}">`);
    expect(page.headers["referrer-policy"]).toBe("no-referrer");
    expect(page.headers["x-content-type-options"]).toBe("nosniff");
    const again = await get(server.port, `/?token=${server.token}`);
    expect(String(again.headers["content-security-policy"])).not.toContain(`nonce-${nonce}`);
    const bundle = await get(server.port, `/viewer.js?token=${server.token}`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers["content-type"]).toMatch(/javascript/);
    expect(bundle.body).toBe("window.__bundle = 1;\n");
  });

  it("speaks the protocol over the WebSocket (binary arrays intact) and disposes the connection on close", async () => {
    const { server, disposed } = await start();
    const ws = `ws://127.0.0.1:${server.port}/ws?token=${server.token}`;
    const socket = await connect(ws, { Origin: `http://127.0.0.1:${server.port}` });
    const client = new RpcClient(wsTransport(socket));
    expect(await client.request("host.info", {})).toMatchObject({ host: "browser" });
    const points = await client.request("points.get", { runId: "x" });
    expect(points.x).toBeInstanceOf(Float32Array);
    expect(Array.from(points.y)).toEqual([4, 5, 6]);
    expect(server.connectionCount()).toBe(1);
    socket.close();
    const t0 = Date.now();
    while (disposed() === 0 && Date.now() - t0 < 2000) await new Promise((r) => setTimeout(r, 10));
    expect(disposed()).toBe(1);
    expect(server.connectionCount()).toBe(0);
  });

  it("refuses WebSocket upgrades without the token or from another origin", async () => {
    const { server } = await start();
    await expect(connect(`ws://127.0.0.1:${server.port}/ws`)).rejects.toThrow("HTTP 403");
    await expect(connect(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, { Origin: "http://evil.example" })).rejects.toThrow("HTTP 403");
    await expect(connect(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`, { Host: "evil.example" })).rejects.toThrow("HTTP 403");
  });

  it("says which port is taken and refuses nonsense ports", async () => {
    const { server } = await start();
    const err = await startViewerServer({ assetsDir, port: server.port, connect: () => ({ dispose() {} }) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toContain(`port ${server.port} is already in use`);
    await expect(startViewerServer({ assetsDir, port: 70000, connect: () => ({ dispose() {} }) })).rejects.toThrow(/between 0 and 65535/);
  });

  it("closes with browsers still connected", async () => {
    const { server, disposed } = await start();
    const socket = await connect(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
    const closed = new Promise((r) => socket.once("close", r));
    await server.close();
    await closed;
    expect(disposed()).toBe(1);
  });
});
