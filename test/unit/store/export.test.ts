import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../shared/src/errors";
import { Db } from "../../../shared/src/store/duckdb";
import type { Payload } from "../../../shared/src/types";
import { DOCS, NEW_RUN, runData, sharedStore, tempDir } from "./helpers";

const COLUMNS = ["point_id", "x", "y", "category", "document_id", "chunk_index", "source_path", "mime_type", "text", "payload"];

async function completedRun(payloads: Payload[] = DOCS) {
  const store = await sharedStore();
  const run = await store.createRun(NEW_RUN);
  await store.completeRun(run.id, runData(payloads, { meta: { color_by: "filetype" } }));
  return { store, run };
}

/** Reads an exported file back with DuckDB itself. */
async function readBack(sql: string): Promise<Record<string, unknown>[]> {
  const db = await Db.open(":memory:");
  try {
    return await db.all(sql);
  } finally {
    db.close();
  }
}

describe("exportRun", () => {
  it("writes CSV with the documented columns, the run's colour-by as category", async () => {
    const { store, run } = await completedRun();
    const out = path.join(tempDir(), "points.csv");
    expect(await store.exportRun(run.id, { format: "csv", out })).toEqual({ path: out, count: DOCS.length });
    const header = fs.readFileSync(out, "utf8").split("\n")[0];
    expect(header.split(",")).toEqual(COLUMNS);
    const rows = await readBack(`SELECT * FROM read_csv('${out}', header = true, all_varchar = true)`);
    expect(rows.map((r) => [r.point_id, r.x, r.y, r.category, r.document_id, r.chunk_index, r.source_path, r.mime_type])).toEqual([
      ["p0", "0.0", "0.0", "text/markdown", "guide", "0", "docs/guide/intro.md", "text/markdown"],
      ["p1", "1.0", "-1.0", "text/markdown", "guide", "1", "docs/guide/intro.md", "text/markdown"],
      ["p2", "2.0", "-2.0", "html", "ref", "0", null, null],
      ["p3", "3.0", "-3.0", "txt", "notes", null, "notes/misc.txt", null],
      ["p4", "4.0", "-4.0", "unknown", null, null, null, null],
    ]);
    expect(rows.map((r) => JSON.parse(String(r.payload)))).toEqual(DOCS);
    expect(rows[3].text).toBe("Gamma notes with ALPHA inside");
  });

  it("writes a JSON array of objects with the payload as an object", async () => {
    const { store, run } = await completedRun();
    const out = path.join(tempDir(), "points.json");
    await store.exportRun(run.id, { format: "json", out, colorBy: "category" });
    const parsed = JSON.parse(fs.readFileSync(out, "utf8")) as Record<string, unknown>[];
    expect(parsed).toHaveLength(DOCS.length);
    expect(Object.keys(parsed[0])).toEqual(COLUMNS);
    expect(parsed.map((r) => r.category)).toEqual(["howto", "howto", "reference", "unknown", "howto"]);
    expect(parsed.map((r) => r.payload)).toEqual(DOCS);
    expect(parsed[2]).toMatchObject({ point_id: "p2", x: 2, y: -2, document_id: "ref", chunk_index: 0 });
    const viaDuckDB = await readBack(`SELECT point_id, category, payload.metadata.lang AS lang FROM read_json('${out}', format = 'array')`);
    expect(viaDuckDB.map((r) => [r.point_id, r.category, r.lang])).toEqual([
      ["p0", "howto", "en"],
      ["p1", "howto", "en"],
      ["p2", "reference", "de"],
      ["p3", "unknown", "en"],
      ["p4", "howto", null],
    ]);
  });

  it("writes Parquet that DuckDB reads back; a row subset keeps row order", async () => {
    const { store, run } = await completedRun();
    const out = path.join(tempDir(), "points.parquet");
    expect(await store.exportRun(run.id, { format: "parquet", out, colorBy: "document_id", rows: [4, 0, 0, 99] })).toEqual({ path: out, count: 2 });
    const rows = await readBack(`SELECT point_id, x, category, payload FROM read_parquet('${out}')`);
    expect(rows.map((r) => [r.point_id, r.x, r.category])).toEqual([
      ["p0", 0, "guide"],
      ["p4", 4, "unknown"],
    ]);
    const cols = await readBack(`SELECT name FROM parquet_schema('${out}') WHERE name <> 'duckdb_schema'`);
    expect(cols.map((c) => c.name)).toEqual(COLUMNS);
  });

  it("labels categories past the top 255 'Other', like the legend", async () => {
    const payloads: Payload[] = Array.from({ length: 300 }, (_, i) => ({ document_id: `d${String(i).padStart(3, "0")}` }));
    const { store, run } = await completedRun(payloads);
    const out = path.join(tempDir(), "many.csv");
    await store.exportRun(run.id, { format: "csv", out, colorBy: "document_id" });
    const rows = await readBack(`SELECT category, count(*) AS n FROM read_csv('${out}', header = true) GROUP BY 1 ORDER BY n DESC, 1 LIMIT 2`);
    expect(rows.map((r) => [r.category, Number(r.n)])).toEqual([
      ["Other", 45],
      ["d000", 1],
    ]);
  });

  it("overwrites a file but refuses folders, missing folders, bad formats and bad colour-by", async () => {
    const { store, run } = await completedRun();
    const dir = tempDir();
    const out = path.join(dir, "again.csv");
    fs.writeFileSync(out, "old content");
    await store.exportRun(run.id, { format: "csv", out });
    expect(fs.readFileSync(out, "utf8")).toMatch(/^point_id,/);
    const bad: [object, RegExp][] = [
      [{ format: "csv", out: dir }, /folder/],
      [{ format: "csv", out: path.join(dir, "nope", "x.csv") }, /does not exist/],
      [{ format: "xlsx", out: path.join(dir, "x.xlsx") }, /format/],
      [{ format: "csv", out: "" }, /output file/],
      [{ format: "csv", out: path.join(dir, "y.csv"), colorBy: "a b" }, /colour-by/],
      [{ format: "csv", out: path.join(dir, "z.csv"), rows: [0.5] }, /integers/],
    ];
    for (const [opts, message] of bad) {
      const err = await store.exportRun(run.id, opts as never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toMatch(message);
    }
    expect(fs.readdirSync(dir).sort()).toEqual(["again.csv"]); // nothing half-written left behind
  });
});
