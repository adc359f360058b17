import { describe, expect, it } from "vitest";
import { InputError, NotFoundError } from "../../../shared/src/errors";
import type { Payload } from "../../../shared/src/types";
import { DOCS, NEW_RUN, runData, sharedStore } from "./helpers";

async function completedRun(payloads: Payload[] = DOCS, extra = {}) {
  const store = await sharedStore();
  const run = await store.createRun(NEW_RUN);
  await store.completeRun(run.id, runData(payloads, extra));
  return { store, run };
}

describe("select", () => {
  it("returns chunk rows in request order, drops duplicates and reports unknown rows", async () => {
    const long = "x".repeat(250);
    const { store, run } = await completedRun([...DOCS, { text: long, path: "a/b/" }]);
    const result = await store.select(run.id, [3, 0, 3, 99, -1, 5, 0, 2 ** 40]);
    expect(result.rows.map((r) => r.row)).toEqual([3, 0, 5]);
    expect(result.missing).toEqual([99, -1, 2 ** 40]);
    expect(result.degraded).toBe(false);
    expect(result.rows[0]).toEqual({
      row: 3,
      point_id: "p3",
      document_id: "notes",
      chunk_index: null,
      text_preview: "Gamma notes with ALPHA inside",
      file_name: "misc.txt",
      path: "notes/misc.txt",
      mime_type: null,
    });
    expect(result.rows[1]).toMatchObject({ row: 0, document_id: "guide", chunk_index: 0, file_name: "intro.md", mime_type: "text/markdown" });
    expect(result.rows[2].text_preview).toBe(long.slice(0, 200));
    expect(result.rows[2].file_name).toBe("b");
  });

  it("takes typed arrays, handles an empty request and rejects non-integers", async () => {
    const { store, run } = await completedRun();
    expect((await store.select(run.id, new Uint32Array([4, 2]))).rows.map((r) => [r.row, r.file_name])).toEqual([
      [4, null],
      [2, "ref.HTML"],
    ]);
    expect(await store.select(run.id, [])).toEqual({ rows: [], missing: [], degraded: false });
    await expect(store.select(run.id, [1.5])).rejects.toBeInstanceOf(InputError);
    await expect(store.select(run.id, [Number.NaN])).rejects.toBeInstanceOf(InputError);
    await expect(store.select("nope", [0])).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("point and vector", () => {
  it("returns one point in full for 'open document'", async () => {
    const { store, run } = await completedRun([...DOCS, { text: "dated", created_at: "2025-01-02T03:04:05+01:00", nested: { a: [1, 2] } }]);
    const detail = await store.point(run.id, 5);
    expect(detail).toEqual({
      row: 5,
      point_id: "p5",
      x: 5,
      y: -5,
      text: "dated",
      payload: JSON.stringify({ text: "dated", created_at: "2025-01-02T03:04:05+01:00", nested: { a: [1, 2] } }),
      columns: {
        document_id: null,
        chunk_index: null,
        source_path: null,
        path: null,
        mime_type: null,
        ts: "2025-01-02T02:04:05.000Z",
        source_dir: "unknown",
        filetype: "unknown",
      },
    });
    await expect(store.point(run.id, 6)).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.point(run.id, -1)).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.point(run.id, 0.5)).rejects.toBeInstanceOf(InputError);
  });

  it("returns null for vectors of a run that kept none, and NotFound for a missing row", async () => {
    const { store, run } = await completedRun();
    expect(await store.vector(run.id, 0)).toBeNull();
    await expect(store.vector(run.id, 17)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("similarLocal", () => {
  // Query row 0 = (1,0,0). Exact cosines: row6 1, row1 0.995…, row5 0.707…, row2 0, row3 -1; row4 is zero.
  const vectors = new Float32Array([1, 0, 0, 1, 0.1, 0, 0, 1, 0, -1, 0, 0, 0, 0, 0, 1, 1, 0, 2, 0, 0]);
  const payloads: Payload[] = Array.from({ length: 7 }, (_, i) => ({ text: `v${i}` }));

  it("ranks by exact cosine, excludes the row itself and zero vectors", async () => {
    const { store, run } = await completedRun(payloads, { vectors: { data: vectors, dims: 3 } });
    const top3 = await store.similarLocal(run.id, 0, 3);
    expect(top3.map((h) => [h.row, h.point_id])).toEqual([
      [6, "p6"],
      [1, "p1"],
      [5, "p5"],
    ]);
    expect(top3[0].score).toBeCloseTo(1, 6);
    expect(top3[1].score).toBeCloseTo(1 / Math.sqrt(1.01), 6);
    expect(top3[2].score).toBeCloseTo(Math.SQRT1_2, 6);
    const all = await store.similarLocal(run.id, 0, 100);
    expect(all.map((h) => h.row)).toEqual([6, 1, 5, 2, 3]);
    expect(all[3].score).toBeCloseTo(0, 6);
    expect(all[4].score).toBeCloseTo(-1, 6);
    expect(await store.similarLocal(run.id, 4, 3)).toEqual([]); // a zero query has no direction
  });

  it("rejects bad k, unknown rows and runs without vectors", async () => {
    const { store, run } = await completedRun(payloads, { vectors: { data: vectors, dims: 3 } });
    for (const k of [0, -1, 1.5, 10_001]) await expect(store.similarLocal(run.id, 0, k)).rejects.toBeInstanceOf(InputError);
    await expect(store.similarLocal(run.id, 9, 3)).rejects.toBeInstanceOf(NotFoundError);
    const other = await completedRun(payloads);
    await expect(other.store.similarLocal(other.run.id, 0, 3)).rejects.toThrow(/no stored vectors/);
  });
});

describe("rowsForPointIds and search", () => {
  it("maps point ids to rows, first row for a repeated id, unknown ids absent", async () => {
    const store = await sharedStore();
    const run = await store.createRun(NEW_RUN);
    const data = runData(DOCS);
    data.ids = ["a", "b,c", "a", "it's", "e"];
    await store.completeRun(run.id, data);
    const map = await store.rowsForPointIds(run.id, ["e", "a", "zzz", "b,c", "it's", "a"]);
    expect([...map.entries()].sort()).toEqual([
      ["a", 0],
      ["b,c", 1],
      ["e", 4],
      ["it's", 3],
    ]);
    expect((await store.rowsForPointIds(run.id, [])).size).toBe(0);
    await expect(store.rowsForPointIds(run.id, [1 as unknown as string])).rejects.toBeInstanceOf(InputError);
  });

  it("finds substrings in text, document id and paths, ignoring case, rows ascending", async () => {
    const { store, run } = await completedRun();
    expect(Array.from(await store.search(run.id, "alpha"))).toEqual([0, 1, 3]);
    expect(Array.from(await store.search(run.id, "GUIDE"))).toEqual([0, 1]);
    expect(Array.from(await store.search(run.id, "ref.html"))).toEqual([2]);
    expect(Array.from(await store.search(run.id, "notes/"))).toEqual([3]);
    expect(Array.from(await store.search(run.id, "alpha", 2))).toEqual([0, 1]);
    expect(Array.from(await store.search(run.id, "%"))).toEqual([]); // no LIKE wildcards
    const found = await store.search(run.id, "a");
    expect(found).toBeInstanceOf(Uint32Array);
    for (const bad of ["", "   "]) await expect(store.search(run.id, bad)).rejects.toBeInstanceOf(InputError);
    await expect(store.search(run.id, "a", 0)).rejects.toBeInstanceOf(InputError);
  });
});

describe("fields", () => {
  it("lists the builtins and payload paths one level deep, with distinct label counts", async () => {
    const { store, run } = await completedRun([...DOCS, { "bad key": 1, "dot.key": 2, meta2: { deep: { deeper: 1 } } }]);
    const fields = await store.fields(run.id);
    const byName = Object.fromEntries(fields.map((f) => [f.name, f.distinct]));
    expect(fields.slice(0, 4).map((f) => f.name)).toEqual(["document_id", "source_dir", "filetype", "age_bucket"]);
    expect(byName).toMatchObject({
      document_id: 4, // guide, ref, notes, unknown
      source_dir: 4, // guide, api, notes, unknown
      filetype: 4, // text/markdown, html, txt, unknown
      age_bucket: 1, // unknown
      category: 3, // howto, reference, unknown ("" and missing)
      "metadata.lang": 3, // en, de, unknown
      chunk_index: 3, // 0, 1, unknown
      meta2: 2, // the object's JSON text, unknown
      "meta2.deep": 2,
    });
    expect(Object.keys(byName)).not.toContain("bad key");
    expect(Object.keys(byName)).not.toContain("dot.key");
    expect(Object.keys(byName)).not.toContain("meta2.deep.deeper");
    expect(fields.filter((f) => f.name === "document_id")).toHaveLength(1);
    // Listed fields are valid colour-bys whose legends have that many labels.
    for (const f of fields.filter((x) => ["document_id", "age_bucket", "category", "metadata.lang", "meta2", "text"].includes(x.name))) {
      const { legend } = await store.categories(run.id, f.name);
      expect(legend.length).toBe(f.distinct);
    }
  });
});

describe("bulk load across DataChunks", () => {
  it("keeps row order, values and NULLs right past the 2048-row chunk boundary", async () => {
    const n = 5000;
    const payloads: Payload[] = Array.from({ length: n }, (_, i) =>
      i % 3 === 0 ? { text: `t${i}`, chunk_index: i, updated_at: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString() } : { text: `t${i}` },
    );
    const dims = 4;
    const vectors = { data: Float32Array.from({ length: n * dims }, (_, k) => k), dims };
    const { store, run } = await completedRun(payloads, { vectors });
    for (const row of [0, 2047, 2048, 2049, 4095, 4096, 4999]) {
      const p = await store.point(run.id, row);
      expect(p).toMatchObject({ row, point_id: `p${row}`, x: row, y: 0 - row, text: `t${row}` });
      expect(p.columns.chunk_index).toBe(row % 3 === 0 ? row : null);
      expect(p.columns.ts).toBe(row % 3 === 0 ? new Date(Date.UTC(2025, 0, 1) + row * 1000).toISOString() : null);
      expect(Array.from((await store.vector(run.id, row)) ?? [])).toEqual([0, 1, 2, 3].map((d) => row * dims + d));
    }
    const coords = await store.coords(run.id);
    expect(coords.count).toBe(n);
    expect(coords.x[4321]).toBe(4321);
    const { legend } = await store.categories(run.id, "age_bucket", new Date("2025-01-01T12:00:00Z"));
    expect(legend.find((e) => e.label === "unknown")?.count).toBe(n - Math.ceil(n / 3));
  });
});
