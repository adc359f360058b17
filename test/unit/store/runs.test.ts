import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { InputError, NotFoundError } from "../../../shared/src/errors";
import { Db } from "../../../shared/src/store/duckdb";
import { defaultStorePath } from "../../../shared/src/store/defaultPath";
import { MIGRATIONS } from "../../../shared/src/store/schema";
import { Store } from "../../../shared/src/store/store";
import { DOCS, NEW_RUN, runData, sharedStore, tempDir, track } from "./helpers";

describe("opening a store", () => {
  it("creates the schema once: opening twice keeps runs and the version", async () => {
    const file = path.join(tempDir(), "twice.duckdb");
    const first = await Store.open(file);
    const run = await first.createRun(NEW_RUN);
    await first.updateRun(run.id, { status: "completed" });
    first.close();
    const second = track(await Store.open(file));
    expect((await second.listRuns()).map((r) => r.id)).toEqual([run.id]);
    second.close();
    const db = await Db.open(file);
    const versions = await db.all<{ version: number }>("SELECT version FROM schema_version ORDER BY version");
    db.close();
    expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it("marks runs left pending or running by a dead process as failed (interrupted)", async () => {
    const file = path.join(tempDir(), "crash.duckdb");
    const store = await Store.open(file);
    const running = await store.createRun(NEW_RUN);
    await store.updateRun(running.id, { status: "running", started_at: new Date() });
    const pending = await store.createRun(NEW_RUN);
    const done = await store.createRun(NEW_RUN);
    await store.completeRun(done.id, runData(DOCS));
    store.close();

    const reopened = track(await Store.open(file));
    const byId = new Map((await reopened.listRuns()).map((r) => [r.id, r]));
    expect(byId.get(running.id)).toMatchObject({ status: "failed", error: "interrupted" });
    expect(byId.get(pending.id)).toMatchObject({ status: "failed", error: "interrupted" });
    expect(byId.get(done.id)).toMatchObject({ status: "completed", error: null, point_count: DOCS.length });
  });

  it("opens read-only without changing anything, and refuses a missing file", async () => {
    const file = path.join(tempDir(), "ro.duckdb");
    const store = await Store.open(file);
    const run = await store.createRun(NEW_RUN);
    await store.updateRun(run.id, { status: "running" });
    store.close();
    const ro = track(await Store.open(file, { readOnly: true }));
    expect((await ro.getRun(run.id)).status).toBe("running");
    await expect(ro.createRun(NEW_RUN)).rejects.toThrow(/read-only/i);
    await expect(Store.open(path.join(tempDir(), "absent.duckdb"), { readOnly: true })).rejects.toBeInstanceOf(InputError);
  });

  it("refuses a folder, a missing parent folder and a file that is not a database", async () => {
    const dir = tempDir();
    await expect(Store.open(dir)).rejects.toThrow(/is a folder/);
    await expect(Store.open(path.join(dir, "missing", "x.duckdb"))).rejects.toThrow(/does not exist/);
    const junk = path.join(dir, "junk.duckdb");
    fs.writeFileSync(junk, "this is not a duckdb file at all, just text ".repeat(200));
    await expect(Store.open(junk)).rejects.toBeInstanceOf(InputError);
  });

  it("resolves the default path from EMBEDSCOPE_DB, XDG, macOS and Windows conventions", () => {
    expect(defaultStorePath({ EMBEDSCOPE_DB: "/x/y.duckdb" }, "linux", "/home/u")).toBe("/x/y.duckdb");
    expect(defaultStorePath({}, "linux", "/home/u")).toBe("/home/u/.local/share/embedscope/embedscope.duckdb");
    expect(defaultStorePath({ XDG_DATA_HOME: "/data" }, "linux", "/home/u")).toBe("/data/embedscope/embedscope.duckdb");
    expect(defaultStorePath({ XDG_DATA_HOME: "rel" }, "linux", "/home/u")).toBe("/home/u/.local/share/embedscope/embedscope.duckdb");
    expect(defaultStorePath({}, "darwin", "/Users/u")).toBe("/Users/u/Library/Application Support/Embedscope/embedscope.duckdb");
    expect(defaultStorePath({ LOCALAPPDATA: "C:\\Users\\u\\AppData\\Local" }, "win32", "C:\\Users\\u")).toBe(
      "C:\\Users\\u\\AppData\\Local\\Embedscope\\embedscope.duckdb",
    );
  });
});

describe("runs", () => {
  it("creates a pending run with a uuid and timestamps", async () => {
    const store = await sharedStore();
    const run = await store.createRun({ ...NEW_RUN, collection: "fiori", vector_name: "dense", meta: { seed: 7 } });
    expect(run.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(run).toMatchObject({
      label: "demo run",
      source_kind: "demo",
      source_uri: "demo",
      collection: "fiori",
      vector_name: "dense",
      reducer: "pca",
      dimensionality: 2,
      status: "pending",
      config: { sample: 100 },
      meta: { seed: 7 },
      error: null,
      point_count: 0,
      started_at: null,
      completed_at: null,
    });
    expect(Date.parse(run.created_at)).toBeGreaterThan(Date.now() - 60_000);
    expect(run.updated_at).toBe(run.created_at);
  });

  it("never stores credentials from the URI or the config", async () => {
    const store = await sharedStore();
    const run = await store.createRun({
      ...NEW_RUN,
      source_kind: "qdrant",
      source_uri: "https://user:hunter2@qdrant.example:6333/?api_key=SECRET1&x=1",
      config: { apiKey: "SECRET2", nested: { api_key: "SECRET3", keep: 1 }, list: [{ token: "SECRET4" }] },
    });
    const text = JSON.stringify(await store.getRun(run.id));
    for (const secret of ["hunter2", "SECRET1", "SECRET2", "SECRET3", "SECRET4"]) expect(text).not.toContain(secret);
    expect(run.source_uri).toBe("https://qdrant.example:6333/?x=1");
    expect(run.config).toEqual({ nested: { keep: 1 }, list: [{}] });
    const failed = await store.updateRun(run.id, { status: "failed", error: "401 from server: api_key=SECRET5" });
    expect(failed.error).not.toContain("SECRET5");
  });

  it("updates fields, merges meta and bumps updated_at", async () => {
    const store = await sharedStore();
    const run = await store.createRun({ ...NEW_RUN, meta: { seed: 1, notes: ["a"] } });
    await new Promise((r) => setTimeout(r, 5));
    const started = new Date("2025-01-02T03:04:05.000Z");
    const updated = await store.updateRun(run.id, { status: "running", started_at: started, meta: { dims: 384 }, reducer: "umap" });
    expect(updated).toMatchObject({ status: "running", started_at: started.toISOString(), reducer: "umap", meta: { seed: 1, notes: ["a"], dims: 384 } });
    expect(Date.parse(updated.updated_at)).toBeGreaterThan(Date.parse(run.updated_at));
    const again = await store.updateRun(run.id, { label: null, point_count: 5, completed_at: "2025-01-02T04:00:00Z" });
    expect(again).toMatchObject({ label: null, point_count: 5, completed_at: "2025-01-02T04:00:00.000Z", status: "running" });
  });

  it("rejects bad updates and bad new runs with InputError, changing nothing", async () => {
    const store = await sharedStore();
    const run = await store.createRun(NEW_RUN);
    const bad: unknown[] = [
      { status: "done" },
      { point_count: -1 },
      { point_count: 1.5 },
      { reducer: "lda" },
      { started_at: "yesterday" },
      { meta: [1, 2] },
      { error: 42 },
      { label: "x".repeat(201) },
    ];
    for (const patch of bad) await expect(store.updateRun(run.id, patch as never)).rejects.toBeInstanceOf(InputError);
    expect(await store.getRun(run.id)).toEqual(run);
    const badRuns: unknown[] = [
      { ...NEW_RUN, source_kind: "s3" },
      { ...NEW_RUN, source_uri: " " },
      { ...NEW_RUN, reducer: "lda" },
      { ...NEW_RUN, config: "sample=1" },
      { ...NEW_RUN, config: { big: 10n } },
      null,
    ];
    const before = (await store.listRuns()).length;
    for (const init of badRuns) await expect(store.createRun(init as never)).rejects.toBeInstanceOf(InputError);
    expect(await store.listRuns()).toHaveLength(before);
    await expect(store.updateRun("no-such-run", { status: "failed" })).rejects.toBeInstanceOf(NotFoundError);
  });

  it("finds runs by unique prefix, lists ambiguous ones, and needs 4 characters", async () => {
    const store = await sharedStore();
    const runs = [];
    for (let i = 0; i < 20; i++) runs.push(await store.createRun({ ...NEW_RUN, label: `run ${i}` }));
    const target = runs[7];
    let unique = 4;
    const everyId = (await store.listRuns()).map((r) => r.id);
    while (everyId.some((id) => id !== target.id && id.startsWith(target.id.slice(0, unique)))) unique++;
    expect((await store.getRun(target.id.slice(0, unique))).id).toBe(target.id);
    expect((await store.getRun(` ${target.id} `)).id).toBe(target.id);
    await expect(store.getRun(target.id.slice(0, 3))).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.getRun("ffffffff-0000")).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.getRun("")).rejects.toBeInstanceOf(InputError);

    // Two ids sharing a 4-character prefix (not hex, so no uuid can join them), made by hand.
    const db = (store as unknown as { db: Db }).db;
    await db.run("UPDATE runs SET id = 'zzzz' || substr(id, 5) WHERE id IN ($a, $b)", { a: runs[0].id, b: runs[1].id });
    const err = await store.getRun("zzzz").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err).not.toBeInstanceOf(NotFoundError);
    expect((err as Error).message).toMatch(/matches 2 runs: zzzz.*\(run [01]\), zzzz.*\(run [01]\)/);
  });

  it("lists newest first", async () => {
    const store = await sharedStore();
    const a = await store.createRun({ ...NEW_RUN, label: "a" });
    await new Promise((r) => setTimeout(r, 5));
    const b = await store.createRun({ ...NEW_RUN, label: "b" });
    await new Promise((r) => setTimeout(r, 5));
    const c = await store.createRun({ ...NEW_RUN, label: "c" });
    const ids = new Set([a.id, b.id, c.id]);
    expect((await store.listRuns()).map((r) => r.id).filter((id) => ids.has(id))).toEqual([c.id, b.id, a.id]);
    expect((await store.listRuns())[0].id).toBe(c.id);
  });

  it("completes a run in one go: points, vectors, meta, count, status", async () => {
    const store = await sharedStore();
    const run = await store.createRun({ ...NEW_RUN, meta: { seed: 3 } });
    const vectors = { data: new Float32Array(DOCS.length * 3).map((_, i) => i + 1), dims: 3 };
    const done = await store.completeRun(run.id, runData(DOCS, { vectors, meta: { color_by: "filetype", dims: 3 }, reducer: "umap" }));
    expect(done).toMatchObject({ status: "completed", point_count: DOCS.length, reducer: "umap", meta: { seed: 3, color_by: "filetype", dims: 3 } });
    expect(done.completed_at).not.toBeNull();
    expect(done.started_at).not.toBeNull();
    const coords = await store.coords(run.id);
    expect(coords.count).toBe(DOCS.length);
    expect(Array.from(coords.x)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(coords.y)).toEqual([0, -1, -2, -3, -4]);
    expect(Array.from((await store.vector(run.id, 2)) ?? [])).toEqual([7, 8, 9]);
    await expect(store.completeRun(run.id, runData(DOCS))).rejects.toThrow(/completed/);
  });

  it("rejects inconsistent run data with InputError and leaves the run untouched", async () => {
    const store = await sharedStore();
    const run = await store.createRun(NEW_RUN);
    const good = runData(DOCS);
    const bad = [
      { ...good, payloads: good.payloads.slice(1) },
      { ...good, coords: new Float32Array(3) },
      { ...good, coords: Array.from(good.coords) as unknown as Float32Array },
      { ...good, vectors: { data: new Float32Array(7), dims: 2 } },
      { ...good, vectors: { data: new Float32Array(0), dims: 0 } },
      { ...good, reducer: "lda" as never },
      { ...good, ids: [1, 2, 3, 4, 5] as unknown as string[] },
      { ...good, payloads: [...good.payloads.slice(1), { big: 1n }] },
    ];
    for (const data of bad) await expect(store.completeRun(run.id, data)).rejects.toBeInstanceOf(InputError);
    expect((await store.getRun(run.id)).status).toBe("pending");
    expect((await store.coords(run.id)).count).toBe(0);
    await expect(store.completeRun("missing", good)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("deletes a run with its points and vectors, keeping other runs whole", async () => {
    const store = await sharedStore();
    const keep = await store.createRun(NEW_RUN);
    const drop = await store.createRun(NEW_RUN);
    const vectors = { data: new Float32Array(DOCS.length * 2).fill(1), dims: 2 };
    await store.completeRun(keep.id, runData(DOCS, { vectors }));
    await store.completeRun(drop.id, runData(DOCS, { vectors }));
    await store.deleteRun(drop.id);
    const db = (store as unknown as { db: Db }).db;
    const left = await db.all<{ t: string; run_id: string; n: bigint }>(
      `SELECT 'points' AS t, run_id, count(*) AS n FROM points WHERE run_id IN ($keep, $drop) GROUP BY run_id
       UNION ALL SELECT 'vectors', run_id, count(*) FROM vectors WHERE run_id IN ($keep, $drop) GROUP BY run_id ORDER BY 1`,
      { keep: keep.id, drop: drop.id },
    );
    expect(left.map((r) => [r.t, r.run_id, Number(r.n)])).toEqual([
      ["points", keep.id, DOCS.length],
      ["vectors", keep.id, DOCS.length],
    ]);
    await expect(store.getRun(drop.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.deleteRun(drop.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.coords(drop.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await store.coords(keep.id)).count).toBe(DOCS.length);
  });
});
