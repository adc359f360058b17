/**
 * Serves the engine over any Transport: every protocol method maps to one engine call, and engine
 * events become protocol events. Hosts add only what is theirs (e.g. `document.open` in VS Code).
 */
import type { Engine } from "../engine";
import { InputError } from "../errors";
import type { HostInfo } from "./messages";
import { RpcServer, type Handlers } from "./rpc";
import type { Transport } from "./transport";

export interface EngineServerOptions {
  host: HostInfo["host"];
  version?: string;
  /** Host-specific handlers that override or extend the engine's (e.g. document.open). */
  extra?: Handlers;
  /** Where `export` without `out` writes its temporary file. */
  tempDir?: string;
}

export function engineHandlers(engine: Engine, options: EngineServerOptions): Handlers {
  const handlers: Handlers = {
    "host.info": async () => ({
      host: options.host,
      canOpenDocument: Boolean(options.extra?.["document.open"]),
      canWriteFiles: options.host !== "browser",
      version: options.version ?? "0.1.0",
    }),
    "runs.list": async () => ({ runs: await engine.listRuns() }),
    "runs.get": async ({ runId }) => ({ run: await engine.getRun(runId) }),
    "runs.start": async ({ request }) => ({ run: (await engine.startRun(request)).run }),
    "runs.cancel": async ({ runId }) => ({ run: await engine.cancelRun(runId) }),
    "runs.delete": async ({ runId }) => ({ deleted: await engine.deleteRun(runId) }),
    "runs.transform": async ({ runId, vectors, dims }, { signal }) => ({ coords: await engine.transform(runId, { vectors, dims }, { signal }) }),
    "points.get": async ({ runId }) => engine.points(runId),
    "color.get": async ({ runId, colorBy }) => engine.colors(runId, colorBy),
    "fields.list": async ({ runId }) => ({ fields: await engine.fields(runId) }),
    select: async ({ runId, rows }) => engine.select(runId, rows),
    "point.get": async ({ runId, row }) => ({ point: await engine.point(runId, row) }),
    similar: async ({ runId, row, k }, { signal }) => engine.similar(runId, row, k, signal),
    search: async ({ runId, query, limit }) => ({ rows: await engine.search(runId, query, limit) }),
    export: async ({ runId, format, colorBy, rows, out }) => {
      const run = await engine.getRun(runId);
      const fileName = `embedscope-${run.id.slice(0, 8)}${rows ? "-selection" : ""}.${format}`;
      if (out) {
        if (options.host === "browser") throw new InputError("the browser host does not write files on the server; omit `out` to download", "out");
        const written = await engine.exportRun(runId, { format, out, colorBy, rows });
        return { path: written.path, fileName, count: written.count };
      }
      const { mkdtemp, readFile, rm } = await import("node:fs/promises");
      const { join } = await import("node:path");
      const { tmpdir } = await import("node:os");
      const dir = await mkdtemp(join(options.tempDir ?? tmpdir(), "embedscope-export-"));
      try {
        const written = await engine.exportRun(runId, { format, out: join(dir, fileName), colorBy, rows });
        return { data: new Uint8Array(await readFile(written.path)), fileName, count: written.count };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    "sources.describe": async ({ source }) => ({ info: await engine.describeSource(source) }),
    "sources.collections": async ({ url, apiKey }) => ({ collections: await engine.listCollections(url, apiKey) }),
  };
  return { ...handlers, ...options.extra };
}

/** Connects one UI to the engine; returns a disposer that detaches the listeners. */
export function serveEngine(engine: Engine, transport: Transport, options: EngineServerOptions): { server: RpcServer; dispose(): void } {
  const server = new RpcServer(transport, engineHandlers(engine, options));
  const offs = [
    engine.on("progress", (p) => server.emit("run.progress", p)),
    engine.on("run", (run) => server.emit("run.updated", { run })),
    engine.on("deleted", (d) => server.emit("run.deleted", d)),
  ];
  return {
    server,
    dispose() {
      for (const off of offs) off();
      server.dispose();
    },
  };
}
