/**
 * The viewer's controller against the real engine (demo source, PCA, a temp DuckDB file) over the
 * in-memory transport: what the page would show is what the database holds.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine } from "../../../shared/src/engine";
import { serveEngine } from "../../../shared/src/protocol/engineServer";
import { RpcClient } from "../../../shared/src/protocol/rpc";
import { createMemoryTransportPair } from "../../../shared/src/protocol/transport";
import type { RunRecord } from "../../../shared/src/types";
import { ViewerController } from "../../../webview/src/controller";
import { initialState } from "../../../webview/src/state";
import { ViewerStore } from "../../../webview/src/store";

let dir: string;
let engine: Engine;
let pca: RunRecord;
let controller: ViewerController;
let store: ViewerStore;
let dispose: () => void;

const until = async (check: () => boolean, ms = 20_000) => {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > ms) throw new Error("condition not reached");
    await new Promise((r) => setTimeout(r, 10));
  }
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "es-viewer-engine-"));
  engine = await Engine.open({ dbPath: path.join(dir, "v.duckdb"), inlineReducers: true });
  pca = await engine.project({ source: { kind: "demo" }, reducer: "pca", colorBy: "source_dir", label: "pca" });
  const [hostEnd, viewerEnd] = createMemoryTransportPair();
  const served = serveEngine(engine, hostEnd, { host: "memory" });
  store = new ViewerStore(initialState());
  const rpc = new RpcClient(viewerEnd);
  controller = new ViewerController(store, rpc);
  dispose = () => {
    controller.dispose();
    rpc.dispose();
    served.dispose();
  };
  await controller.start();
});

afterAll(async () => {
  dispose?.();
  await engine?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("viewer controller on the real engine", () => {
  it("opens the stored run with its points and the run's colour-by", async () => {
    expect(pca.status).toBe("completed");
    const view = store.state.view;
    expect(view.kind).toBe("data");
    if (view.kind !== "data") return;
    expect(view.runId).toBe(pca.id);
    expect(view.points.count).toBe(778);
    expect(view.coloring.colorBy).toBe("source_dir");
    expect(view.coloring.legend.reduce((n, e) => n + e.count, 0)).toBe(778);
    const stored = await engine.points(pca.id);
    expect(Array.from(view.points.x.slice(0, 5))).toEqual(Array.from(stored.x.slice(0, 5)));
    await until(() => store.state.view.kind === "data" && store.state.view.fields.length > 0);
  });

  it("recolours without creating a run", async () => {
    await controller.setColorBy("document_id");
    const view = store.state.view;
    expect(view.kind === "data" && view.coloring.colorBy).toBe("document_id");
    expect((await engine.listRuns()).length).toBe(1);
  });

  it("lists the selected rows with the text the database holds", async () => {
    controller.select([40, 3, 17, 3], "lasso");
    const rows = store.state.selection!.rows;
    expect(Array.from(rows)).toEqual([3, 17, 40]);
    const { rows: chunks } = await controller.fetchRows(rows);
    expect(chunks.map((c) => c.row)).toEqual([3, 17, 40]);
    for (const chunk of chunks) {
      const point = await engine.point(pca.id, chunk.row);
      expect(point.text?.startsWith(chunk.text_preview ?? "\u0000")).toBe(true);
      expect(chunk.point_id).toBe(point.point_id);
    }
  });

  it("searches, finds similar chunks and exports the selection", async () => {
    await controller.search("annotation");
    const expected = await engine.search(pca.id, "annotation");
    expect(expected.length).toBeGreaterThan(0);
    expect(Array.from(store.state.selection?.rows ?? [])).toEqual(Array.from(expected).sort((a, b) => a - b));

    await controller.findSimilar(0, 5);
    expect(store.state.panel.kind === "similar" && store.state.panel.result.kind).toBe("data");
    expect(store.state.selection?.rows.length).toBe(6);
    expect(store.state.selection?.rows).toContain(0);

    const file = await controller.exportData("csv", "selection");
    const csv = new TextDecoder().decode(file.data);
    expect(csv.split("\n")[0]).toMatch(/^point_id,x,y,category/);
    expect(file.count).toBe(6);
  });

  it("opens a run it starts once the engine completes it", async () => {
    const run = await controller.startRun({ source: { kind: "demo" }, reducer: "pca", colorBy: "filetype", sample: 60, label: "small" });
    await until(() => store.state.view.kind === "data" && store.state.view.runId === run.id);
    const view = store.state.view;
    expect(view.kind === "data" && view.points.count).toBe(60);
    expect(view.kind === "data" && view.coloring.colorBy).toBe("filetype");
    const listed = store.state.runs.kind === "data" ? store.state.runs.value : [];
    expect(listed.find((r) => r.id === run.id)?.meta.sampled).toBe(true);
  });
});
