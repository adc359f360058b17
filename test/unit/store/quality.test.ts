/** The per-point layout-quality column: migration of old files, storage, colour-by buckets, fields, export. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../shared/src/errors";
import { PRESERVATION_BUCKETS, PRESERVATION_COLORS, preservationBucket } from "../../../shared/src/qualityField";
import { Db } from "../../../shared/src/store/duckdb";
import { migrate, MIGRATIONS, schemaVersion, SCHEMA_VERSION } from "../../../shared/src/store/schema";
import { Store } from "../../../shared/src/store/store";
import { DOCS, NEW_RUN, runData, sharedStore, tempDir, track } from "./helpers";

describe("neighbor_preservation column", () => {
  it("upgrades a file written before the column, keeping its runs and points", async () => {
    const file = path.join(tempDir(), "v1.duckdb");
    const db = await Db.open(file);
    try {
      // Exactly the schema of version 1, with one completed run of two points, as an older Embedscope left it.
      await migrate(db, MIGRATIONS.filter((m) => m.version === 1));
      await db.run(`INSERT INTO runs VALUES ('old-run-0001', 'old', 'demo', 'demo', NULL, NULL, 'umap', 2, 'completed', '{}',
        '{"color_by":"document_id"}', NULL, 2, now(), now(), now(), now())`);
      await db.run(`INSERT INTO points ("run_id", "row", point_id, x, y, document_id, source_dir, filetype) VALUES
        ('old-run-0001', 0, 'a', 1.5, 2.5, 'doc', 'unknown', 'unknown'), ('old-run-0001', 1, 'b', -1, 0, 'doc', 'unknown', 'unknown')`);
      expect(await schemaVersion(db)).toBe(1);
    } finally {
      db.close();
    }

    const store = track(await Store.open(file));
    const old = await store.getRun("old-run-0001");
    expect(old).toMatchObject({ status: "completed", point_count: 2, reducer: "umap", label: "old" });
    const coords = await store.coords(old.id);
    expect(Array.from(coords.x)).toEqual([1.5, -1]);
    // Old points have no value: "unknown", and the field is not offered for them.
    const colours = await store.categories(old.id, "neighbor_preservation");
    expect(Array.from(colours.codes)).toEqual([0, 0]);
    expect(colours.legend).toEqual([{ index: 0, label: "unknown", count: 2, color: "#a0a0a0" }]);
    expect((await store.fields(old.id)).map((f) => f.name)).not.toContain("neighbor_preservation");
    // New runs in the upgraded file store values.
    const run = await store.createRun(NEW_RUN);
    await store.completeRun(run.id, runData(DOCS, { neighborPreservation: Float32Array.of(1, 0.5, 0.5, 0.1, 0.9) }));
    // Buckets 80–100, 40–60, 40–60, 0–20, 80–100; codes count the present buckets in order.
    expect(Array.from((await store.categories(run.id, "neighbor_preservation")).codes)).toEqual([2, 1, 1, 0, 2]);

    store.close();
    const check = await Db.open(file);
    try {
      expect(await schemaVersion(check)).toBe(SCHEMA_VERSION);
      const rows = await check.all<{ id: string }>("SELECT id FROM runs ORDER BY id");
      expect(rows.map((r) => r.id)).toContain("old-run-0001");
    } finally {
      check.close();
    }
  });

  it("bins values into ordered buckets (same edges in SQL as in TS), with an ordered palette", async () => {
    // Fractions kept/k, including exact bucket edges for k = 5, 10, 14 and 15.
    const values = [0, 1 / 15, 0.2, 3 / 15, 2 / 10, 0.39, 0.4, 6 / 15, 0.5, 0.6, 9 / 15, 12 / 15, 0.8, 11 / 14, 0.99, 1, 1, 1];
    const payloads = values.map((_, i) => ({ document_id: `d${i}` }));
    const store = await sharedStore();
    const run = await store.createRun(NEW_RUN);
    await store.completeRun(run.id, runData(payloads, { neighborPreservation: Float32Array.from(values) }));
    const { codes, legend } = await store.categories(run.id, "neighbor_preservation");

    const expectedBuckets = [0, 0, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 4, 3, 4, 4, 4, 4];
    expect(values.map((v) => preservationBucket(v))).toEqual(expectedBuckets);
    // Legend in bucket order (not by count), every bucket present here, each with its colour.
    expect(legend.map((e) => e.label)).toEqual([...PRESERVATION_BUCKETS]);
    expect(legend.map((e) => e.color)).toEqual([...PRESERVATION_COLORS]);
    expect(legend.map((e) => e.count)).toEqual([2, 4, 3, 3, 6]);
    expect(Array.from(codes)).toEqual(expectedBuckets);
    // Labels sort as plain strings in bucket order, which the SQL ranking relies on.
    expect([...PRESERVATION_BUCKETS, "unknown"].sort()).toEqual([...PRESERVATION_BUCKETS, "unknown"]);

    const fields = await store.fields(run.id);
    expect(fields.find((f) => f.name === "neighbor_preservation")).toEqual({ name: "neighbor_preservation", distinct: 5 });
  });

  it("codes follow the buckets present when some are empty, and NaN or missing values are unknown", async () => {
    const store = await sharedStore();
    const run = await store.createRun(NEW_RUN);
    await store.completeRun(run.id, runData(DOCS, { neighborPreservation: Float32Array.of(0.95, NaN, 0.3, 0.95, 0.3) }));
    const { codes, legend } = await store.categories(run.id, "neighbor_preservation");
    expect(legend.map((e) => [e.label, e.count])).toEqual([["20–40 %", 2], ["80–100 %", 2], ["unknown", 1]]);
    expect(Array.from(codes)).toEqual([1, 2, 0, 1, 0]);
    expect(legend[0].color).toBe(PRESERVATION_COLORS[1]);
  });

  it("rejects a per-point array of the wrong length and exports the bucket as the category", async () => {
    const store = await sharedStore();
    const run = await store.createRun(NEW_RUN);
    await expect(store.completeRun(run.id, runData(DOCS, { neighborPreservation: new Float32Array(4) }))).rejects.toBeInstanceOf(InputError);
    await store.completeRun(run.id, runData(DOCS, { neighborPreservation: Float32Array.of(0, 0.25, 0.5, 0.75, 1) }));
    const out = path.join(tempDir(), "q.csv");
    await store.exportRun(run.id, { format: "csv", out, colorBy: "neighbor_preservation" });
    const categories = readFileSync(out, "utf8").trim().split("\n").slice(1).map((line) => line.split(",")[3]);
    expect(categories).toEqual([...PRESERVATION_BUCKETS]);
  });
});
