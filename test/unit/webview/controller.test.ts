/**
 * The viewer's controller over the in-memory transport against a scripted host: what it asks for,
 * in which order, what it ignores (stale replies), and the state that results.
 */
import { afterEach, describe, expect, it } from "vitest";
import { InputError } from "../../../shared/src/errors";
import type { MethodName } from "../../../shared/src/protocol/messages";
import { RpcClient, RpcServer, type Handlers } from "../../../shared/src/protocol/rpc";
import { createMemoryTransportPair } from "../../../shared/src/protocol/transport";
import type { RunRecord } from "../../../shared/src/types";
import { ViewerController } from "../../../webview/src/controller";
import { initialState } from "../../../webview/src/state";
import { ViewerStore } from "../../../webview/src/store";

function run(id: string, created: string, status: RunRecord["status"] = "completed", count = 4): RunRecord {
  return {
    id,
    label: id,
    source_kind: "demo",
    source_uri: "demo",
    collection: null,
    vector_name: null,
    reducer: "pca",
    dimensionality: 2,
    status,
    config: {},
    meta: { color_by: "source_dir" },
    error: null,
    point_count: count,
    created_at: created,
    updated_at: created,
    started_at: null,
    completed_at: null,
  };
}

interface Host {
  calls: { method: MethodName; params: unknown }[];
  server: RpcServer;
  controller: ViewerController;
  store: ViewerStore;
  aborted: MethodName[];
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function setup(handlers: Handlers, options: ConstructorParameters<typeof ViewerController>[2] = {}): Host {
  const [hostEnd, viewerEnd] = createMemoryTransportPair();
  const calls: Host["calls"] = [];
  const aborted: MethodName[] = [];
  const recorded: Handlers = {};
  for (const [method, handler] of Object.entries(handlers) as [MethodName, (p: unknown, c: { signal: AbortSignal }) => Promise<unknown>][]) {
    (recorded as Record<string, unknown>)[method] = (params: unknown, ctx: { signal: AbortSignal }) => {
      calls.push({ method, params });
      ctx.signal.addEventListener("abort", () => aborted.push(method));
      return handler(params, ctx);
    };
  }
  const server = new RpcServer(hostEnd, recorded);
  const store = new ViewerStore(initialState());
  const rpc = new RpcClient(viewerEnd);
  const controller = new ViewerController(store, rpc, options);
  cleanups.push(() => {
    controller.dispose();
    rpc.dispose();
    server.dispose();
    hostEnd.close?.();
  });
  return { calls, server, controller, store, aborted };
}

const runs = [run("old", "2026-01-01T00:00:00Z"), run("live", "2026-03-01T00:00:00Z", "running"), run("new", "2026-02-01T00:00:00Z")];

function baseHandlers(extra: Handlers = {}): Handlers {
  return {
    "host.info": async () => ({ host: "memory", canOpenDocument: false, canWriteFiles: false, version: "t" }),
    "runs.list": async () => ({ runs }),
    "runs.get": async ({ runId }) => ({ run: runs.find((r) => r.id === runId || r.id.startsWith(runId)) ?? run(runId, "2026-04-01T00:00:00Z") }),
    "points.get": async () => ({ count: 4, x: Float32Array.of(0, 1, 2, 3), y: Float32Array.of(3, 2, 1, 0) }),
    "color.get": async ({ colorBy }) => ({
      colorBy,
      codes: colorBy === "filetype" ? Uint8Array.of(0, 0, 0, 0) : Uint8Array.of(0, 1, 1, 0),
      legend: colorBy === "filetype" ? [{ index: 0, label: ".md", count: 4 }] : [{ index: 0, label: "a", count: 2 }, { index: 1, label: "b", count: 2 }],
    }),
    "fields.list": async () => ({ fields: [{ name: "source_dir", distinct: 2, builtin: true }, { name: "category", distinct: 3, builtin: false }] }),
    ...extra,
  };
}

const until = async (check: () => boolean, ms = 2000) => {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error("condition not reached");
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe("ViewerController", () => {
  it("says ready, learns the host, lists runs and opens the newest completed run with its colour-by", async () => {
    const host = setup(baseHandlers());
    await host.controller.start();
    const s = host.store.state;
    expect(s.connection).toMatchObject({ kind: "ready", host: { host: "memory" } });
    expect(s.view.kind === "data" && s.view.runId).toBe("new");
    expect(s.view.kind === "data" && s.view.coloring.colorBy).toBe("source_dir");
    expect(host.calls.map((c) => c.method).slice(0, 5)).toEqual(["host.info", "runs.list", "runs.get", "points.get", "color.get"]);
    await until(() => host.store.state.view.kind === "data" && host.store.state.view.fields.length === 2);
  });

  it("opens the run it was mounted for (notebook cells) and resolves a prefix", async () => {
    const host = setup(baseHandlers(), { runId: "ol", colorBy: "filetype" });
    await host.controller.start();
    const v = host.store.state.view;
    expect(v.kind === "data" && v.runId).toBe("old");
    expect(v.kind === "data" && v.coloring.colorBy).toBe("filetype");
  });

  it("recolours with color.get only: no run is started and the run list is not re-read", async () => {
    const host = setup(baseHandlers());
    await host.controller.start();
    const before = host.calls.length;
    await host.controller.setColorBy("filetype");
    expect(host.calls.slice(before).map((c) => c.method)).toEqual(["color.get"]);
    const v = host.store.state.view;
    expect(v.kind === "data" && v.coloring.legend).toEqual([{ index: 0, label: ".md", count: 4 }]);
  });

  it("cancels the previous run's requests when another run is opened and ignores its late reply", async () => {
    let releaseSlow: () => void = () => undefined;
    const host = setup(
      baseHandlers({
        "points.get": async ({ runId }) => {
          if (runId === "old") await new Promise<void>((r) => (releaseSlow = r));
          return { count: 4, x: Float32Array.of(runId === "old" ? 9 : 0, 1, 2, 3), y: Float32Array.of(0, 0, 0, 0) };
        },
      }),
      { autoOpen: false },
    );
    await host.controller.start();
    const first = host.controller.openRun("old");
    await until(() => host.calls.some((c) => c.method === "points.get"));
    await host.controller.openRun("new");
    releaseSlow();
    await first;
    await until(() => host.aborted.includes("points.get"));
    const v = host.store.state.view;
    expect(v.kind === "data" && v.runId).toBe("new");
    expect(v.kind === "data" && v.points.x[0]).toBe(0);
  });

  it("shows why a run without points cannot be opened", async () => {
    const host = setup(baseHandlers(), { autoOpen: false });
    await host.controller.start();
    await host.controller.openRun("live");
    expect(host.store.state.view).toMatchObject({ kind: "error", runId: "live", message: expect.stringContaining("running") });
  });

  it("refuses colours whose length does not match the points", async () => {
    const host = setup(baseHandlers({ "color.get": async ({ colorBy }) => ({ colorBy, codes: Uint8Array.of(0), legend: [] }) }));
    await host.controller.start();
    expect(host.store.state.view).toMatchObject({ kind: "error", message: expect.stringContaining("1 colours for 4 points") });
  });

  it("turns search matches into the selection and cancels a superseded search", async () => {
    const host = setup(
      baseHandlers({
        search: async ({ query }, { signal }) => {
          if (query === "slow") await new Promise((r) => signal.addEventListener("abort", r));
          return { rows: query === "b" ? Uint32Array.of(3, 1) : new Uint32Array(0) };
        },
      }),
    );
    await host.controller.start();
    const slow = host.controller.search("slow");
    await until(() => host.calls.some((c) => c.method === "search"));
    await host.controller.search("  b ");
    await slow;
    expect(host.aborted).toContain("search");
    expect(host.store.state.search).toEqual({ kind: "data", query: "b", matches: 2 });
    expect(Array.from(host.store.state.selection?.rows ?? [])).toEqual([1, 3]);
    await host.controller.search("");
    expect(host.store.state.selection).toBeNull();
  });

  it("opens a run it started when the host reports it completed", async () => {
    const started = run("fresh", "2026-05-01T00:00:00Z", "running");
    const host = setup(baseHandlers({ "runs.start": async () => ({ run: started }) }), { autoOpen: false });
    await host.controller.start();
    await host.controller.startRun({ source: { kind: "demo" }, reducer: "pca" });
    expect(host.store.state.runs.kind === "data" && host.store.state.runs.value[0].id).toBe("fresh");
    host.server.emit("run.progress", { runId: "fresh", phase: "fetch", done: 5, total: 10 });
    await until(() => host.store.state.progress.fresh?.done === 5);
    host.server.emit("run.updated", { run: { ...started, status: "completed" } });
    await until(() => host.store.state.view.kind === "data");
    expect(host.store.state.view.kind === "data" && host.store.state.view.runId).toBe("fresh");
    expect(host.store.state.progress.fresh).toBeUndefined();
  });

  it("passes the engine's InputError (with its field) back to the form", async () => {
    const host = setup(baseHandlers({ "runs.start": async () => { throw new InputError("n_neighbors must be >= 2 (got 1)", "n_neighbors"); } }), { autoOpen: false });
    await host.controller.start();
    const err = await host.controller.startRun({ source: { kind: "demo" }, reducer: "umap", params: { n_neighbors: 1 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).field).toBe("n_neighbors");
  });

  it("shows the full text when the host cannot open documents, and asks the host when it can", async () => {
    const detail = { row: 2, point_id: "c", document_id: "d", chunk_index: 0, path: null, source_path: null, mime_type: null, text: "<b>full</b>", payload_json: "{}" };
    const plain = setup(baseHandlers({ "point.get": async () => ({ point: detail }) }));
    await plain.controller.start();
    await plain.controller.openDocument(2);
    expect(plain.store.state.panel).toEqual({ kind: "detail", row: 2, point: { kind: "data", value: detail } });

    const vscode = setup(
      baseHandlers({
        "host.info": async () => ({ host: "vscode", canOpenDocument: true, canWriteFiles: true, version: "t" }),
        "document.open": async () => ({ opened: true }),
      }),
    );
    await vscode.controller.start();
    await vscode.controller.openDocument(2);
    expect(vscode.calls.at(-1)).toEqual({ method: "document.open", params: { runId: "new", row: 2 } });
    expect(vscode.store.state.panel.kind).toBe("closed");
  });

  it("finds similar points and selects them with the source row", async () => {
    const host = setup(baseHandlers({ similar: async () => ({ via: "local", hits: [{ row: 3, point_id: "d", score: 0.97 }] }) }));
    await host.controller.start();
    await host.controller.findSimilar(0, 5);
    expect(host.calls.at(-1)).toEqual({ method: "similar", params: { runId: "new", row: 0, k: 5 } });
    expect(Array.from(host.store.state.selection?.rows ?? [])).toEqual([0, 3]);
  });

  it("exports the selection's rows with the current colour-by as bytes", async () => {
    const host = setup(
      baseHandlers({ export: async ({ rows, format }) => ({ data: new TextEncoder().encode(`n=${rows?.length}`), fileName: `x.${format}`, count: rows?.length ?? 4 }) }),
    );
    await host.controller.start();
    await expect(host.controller.exportData("csv", "selection")).rejects.toThrow(/select some points/);
    host.controller.select([2, 0, 2], "lasso");
    const file = await host.controller.exportData("csv", "selection");
    expect(new TextDecoder().decode(file.data)).toBe("n=2");
    expect(host.calls.at(-1)?.params).toMatchObject({ runId: "new", format: "csv", colorBy: "source_dir" });
    expect(file.mimeType).toBe("text/csv");
  });

  it("selects every point of highlighted legend categories", async () => {
    const host = setup(baseHandlers());
    await host.controller.start();
    host.controller.selectCategories([1]);
    expect(host.store.state.selection).toMatchObject({ origin: "legend", label: "b" });
    expect(Array.from(host.store.state.selection?.rows ?? [])).toEqual([1, 2]);
  });

  it("follows host events: view.open opens a run, run.deleted clears the shown one", async () => {
    const host = setup(baseHandlers());
    await host.controller.start();
    host.server.emit("view.open", { runId: "old", colorBy: "filetype" });
    await until(() => host.store.state.view.kind === "data" && host.store.state.view.runId === "old");
    host.server.emit("run.deleted", { runId: "old" });
    await until(() => host.store.state.view.kind === "empty");
    expect(host.store.state.runs.kind === "data" && host.store.state.runs.value.map((r) => r.id)).toEqual(["live", "new"]);
  });

  it("reports a host that does not answer host.info as lost", async () => {
    const host = setup({ "host.info": async () => { throw new Error("no engine"); } });
    await host.controller.start();
    expect(host.store.state.connection).toEqual({ kind: "lost", message: "no engine" });
  });
});
