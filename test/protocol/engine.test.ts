/** Drives the real engine (real DuckDB file, worker-thread reducers) through the typed protocol. */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine } from "../../shared/src/engine";
import { serveEngine } from "../../shared/src/protocol/engineServer";
import { RpcClient } from "../../shared/src/protocol/rpc";
import { createMemoryTransportPair } from "../../shared/src/protocol/transport";
import type { RunProgress, RunRecord } from "../../shared/src/types";
import { demoRecords } from "../helpers/demoRecords";
import { tempDir } from "../helpers/tmp";

let engine: Engine;
let client: RpcClient;
let cleanup: () => void;
let dispose: () => void;
const progress: RunProgress[] = [];
const updates: RunRecord[] = [];

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  engine = await Engine.open({ dbPath: path.join(t.dir, "e.duckdb") });
  const [ui, host] = createMemoryTransportPair();
  dispose = serveEngine(engine, host, { host: "memory" }).dispose;
  client = new RpcClient(ui);
  client.on("run.progress", (p) => progress.push(p));
  client.on("run.updated", ({ run }) => updates.push(run));
  client.ready();
});

afterAll(async () => {
  client.dispose();
  dispose();
  await engine.close();
  cleanup();
});

function waitForStatus(runId: string, statuses: RunRecord["status"][], timeoutMs = 60_000): Promise<RunRecord> {
  return new Promise((resolve, reject) => {
    const done = updates.find((r) => r.id === runId && statuses.includes(r.status));
    if (done) return resolve(done);
    const timer = setTimeout(() => reject(new Error(`run ${runId} did not reach ${statuses.join("/")}`)), timeoutMs);
    const sub = client.on("run.updated", ({ run }) => {
      if (run.id === runId && statuses.includes(run.status)) {
        clearTimeout(timer);
        sub.dispose();
        resolve(run);
      }
    });
  });
}

describe("engine over the in-memory protocol", () => {
  let runId: string;

  it("starts a PCA run on the demo and reports progress until completed", async () => {
    const { run } = await client.request("runs.start", { request: { source: { kind: "demo" }, reducer: "pca", colorBy: "source_dir" } });
    expect(run.status).toBe("pending");
    runId = run.id;
    const final = await waitForStatus(runId, ["completed", "failed"]);
    expect(final.status).toBe("completed");
    expect(final.point_count).toBe(778);
    expect(final.meta.sampled).toBe(false);
    expect(final.meta.total_count).toBe(778);
    expect(final.meta.explained_variance_ratio).toHaveLength(2);
    expect(final.meta.explained_variance_ratio![0]).toBeGreaterThan(final.meta.explained_variance_ratio![1]);
    const phases = new Set(progress.filter((p) => p.runId === runId).map((p) => p.phase));
    expect(phases.has("fetch")).toBe(true);
    expect(phases.has("store")).toBe(true);
  });

  it("returns the coordinates as binary arrays", async () => {
    const pts = await client.request("points.get", { runId });
    expect(pts.x).toBeInstanceOf(Float32Array);
    expect(pts.x.length).toBe(778);
    expect(pts.y.length).toBe(778);
    expect(pts.x.every(Number.isFinite)).toBe(true);
    // PCA of real text embeddings is not degenerate.
    expect(Math.max(...pts.x) - Math.min(...pts.x)).toBeGreaterThan(0.1);
  });

  it("recolours from stored columns without creating a run", async () => {
    const before = (await client.request("runs.list", {})).runs.length;
    const byDir = await client.request("color.get", { runId, colorBy: "source_dir" });
    expect(byDir.codes).toBeInstanceOf(Uint8Array);
    expect(byDir.codes.length).toBe(778);
    expect(byDir.legend.map((l) => l.label)).toEqual(["data_local"]);
    const byDoc = await client.request("color.get", { runId, colorBy: "document_id" });
    expect(byDoc.legend).toHaveLength(13);
    expect(byDoc.legend.reduce((s, l) => s + l.count, 0)).toBe(778);
    expect(byDoc.legend[0]).toMatchObject({ label: "data_local/sapui5.md", count: 386 });
    const byType = await client.request("color.get", { runId, colorBy: "filetype" });
    expect(byType.legend).toEqual([{ index: 0, label: "md", count: 778 }]);
    const byField = await client.request("color.get", { runId, colorBy: "category" });
    expect(byField.legend.find((l) => l.label === "Sapui5")?.count).toBe(386);
    expect((await client.request("runs.list", {})).runs.length).toBe(before);
  });

  it("turns selected rows into chunk rows in request order, listing missing ones", async () => {
    const records = demoRecords();
    const sel = await client.request("select", { runId, rows: Uint32Array.from([5, 3, 5, 9999]) });
    expect(sel.rows.map((r) => r.row)).toEqual([5, 3]);
    expect(sel.missing).toEqual([9999]);
    expect(sel.rows[0].point_id).toBe(records[5].id);
    expect(sel.rows[0].text_preview).toBe(records[5].content.slice(0, 200));
    expect(sel.rows[0].path).toBe(records[5].path);
  });

  it("finds similar chunks by cosine over stored vectors", async () => {
    const { hits, via } = await client.request("similar", { runId, row: 0, k: 5 });
    expect(via).toBe("local");
    expect(hits).toHaveLength(5);
    expect(hits.map((h) => h.row)).not.toContain(0);
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1].score).toBeGreaterThanOrEqual(hits[i].score);
    expect(hits[0].score).toBeGreaterThan(0.5);
  });

  it("searches chunk text", async () => {
    const records = demoRecords();
    const { rows } = await client.request("search", { runId, query: "OPA5" });
    const expected = records.map((r, i) => (r.content.toLowerCase().includes("opa5") ? i : -1)).filter((i) => i >= 0);
    expect(rows.length).toBeGreaterThan(0);
    for (const i of expected) expect(Array.from(rows)).toContain(i);
  });

  it("exports the selection as parquet bytes", async () => {
    const out = await client.request("export", { runId, format: "parquet", rows: Uint32Array.from([1, 2, 3]) });
    expect(out.count).toBe(3);
    expect(new TextDecoder().decode(out.data!.subarray(0, 4))).toBe("PAR1");
  });

  it("replies with a typed error for bad input, and the run list is unchanged", async () => {
    const before = (await client.request("runs.list", {})).runs;
    await expect(client.request("runs.get", { runId: "no-such-run" })).rejects.toThrow(/not found/);
    await expect(client.request("runs.start", { request: { source: { kind: "demo" }, reducer: "umap", params: { n_neighbors: 1 } } })).rejects.toThrow(
      /n_neighbors must be >= 2/,
    );
    expect((await client.request("runs.list", {})).runs).toEqual(before);
  });

  it("cancels a long t-SNE run promptly", async () => {
    const { run } = await client.request("runs.start", {
      request: { source: { kind: "demo" }, reducer: "tsne", params: { iterations: 100_000 } },
    });
    await new Promise<void>((resolve) => {
      const sub = client.on("run.progress", (p) => {
        if (p.runId === run.id && p.phase === "embed") {
          sub.dispose();
          resolve();
        }
      });
    });
    const t0 = Date.now();
    const { run: cancelled } = await client.request("runs.cancel", { runId: run.id });
    expect(cancelled.status).toBe("cancelled");
    expect(Date.now() - t0).toBeLessThan(3_000);
    await expect(client.request("points.get", { runId: run.id })).rejects.toThrow(/cancelled/);
  });

  it("deletes a run with its points", async () => {
    const deleted = new Promise<string>((resolve) => client.on("run.deleted", (d) => resolve(d.runId)));
    await client.request("runs.delete", { runId });
    expect(await deleted).toBe(runId);
    await expect(client.request("points.get", { runId })).rejects.toThrow(/not found/);
    expect((await client.request("runs.list", {})).runs.map((r) => r.id)).not.toContain(runId);
  });
});
