import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CancelledError, InputError } from "../../../shared/src/errors";
import { sampleIndices } from "../../../shared/src/random";
import { openFileSource } from "../../../shared/src/sources/files";
import { Db } from "../../../shared/src/store/duckdb";
import { readAll, inputError } from "./helpers";

let dir: string;
let db: Db;

function file(name: string): string {
  return path.join(dir, name);
}

async function copyTo(select: string, target: string, format: string): Promise<string> {
  await db.run(`COPY (${select}) TO '${target}' (FORMAT ${format})`);
  return target;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "embedscope-files-"));
  db = await Db.open(":memory:");
});

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Row i has vector [i, i/2, -i, 0.25] so any row's vector says which row it is. */
const VECTOR_SQL = "[i::FLOAT, i / 2, -i::FLOAT, 0.25]::FLOAT[4]";

describe("parquet", () => {
  it("reads ids, vectors and typed payload columns in order and in batches", async () => {
    const target = await copyTo(
      `SELECT 'p' || i AS id, ${VECTOR_SQL} AS embedding, 'doc' || (i % 3) AS document_id, i::BIGINT * 1000 AS n,
              (i::BIGINT + 9007199254740993) AS huge, TIMESTAMP '2024-01-02 03:04:05' + INTERVAL (i) DAY AS ts,
              {'lang': 'en', 'depth': i} AS meta, ['a', 'b'] AS tags, NULL::VARCHAR AS empty
       FROM range(50) t(i)`,
      file("a.parquet"),
      "parquet",
    );
    const source = openFileSource({ kind: "file", path: target });
    const info = await source.describe();
    expect(info).toMatchObject({ kind: "file", uri: target, count: 50, dims: 4, vectorName: "embedding", collection: null });
    expect(info.notes.join(" ")).toContain("'embedding'");
    expect(info.notes.join(" ")).toContain("ids from column 'id'");

    const progress: [number, number][] = [];
    const { batches, ids, vectors, payloads } = await readAll(source, { batchSize: 16, onProgress: (f, e) => progress.push([f, e]) });
    expect(batches.map((b) => b.ids.length)).toEqual([16, 16, 16, 2]);
    expect(progress).toEqual([
      [16, 50],
      [32, 50],
      [48, 50],
      [50, 50],
    ]);
    expect(ids).toEqual(Array.from({ length: 50 }, (_, i) => `p${i}`));
    for (let i = 0; i < 50; i++) expect(Array.from(vectors.subarray(i * 4, i * 4 + 4))).toEqual([i, i / 2, -i, 0.25]);
    expect(payloads[7]).toEqual({
      id: "p7",
      document_id: "doc1",
      n: 7000,
      huge: "9007199254741000",
      ts: "2024-01-09T03:04:05.000Z",
      meta: { lang: "en", depth: 7 },
      tags: ["a", "b"],
      empty: null,
    });
    await source.close();
  });

  it("samples uniformly and reproducibly by row position when the file has more rows than the limit", async () => {
    const target = await copyTo(`SELECT i AS row_no, ${VECTOR_SQL} AS vector FROM range(1000) t(i)`, file("sample.parquet"), "parquet");
    const source = openFileSource({ kind: "file", path: target });
    const first = await readAll(source, { limit: 100, seed: 7, batchSize: 30 });
    expect(first.ids).toHaveLength(100);
    // No id column: ids are row numbers, and each vector is its own row's.
    const rows = first.ids.map(Number);
    expect(rows).toEqual(Array.from(sampleIndices(1000, 100, 7)));
    rows.forEach((r, k) => expect(first.vectors[k * 4]).toBe(r));
    expect(first.payloads.map((p) => p.row_no)).toEqual(rows);
    const again = await readAll(source, { limit: 100, seed: 7 });
    expect(again.ids).toEqual(first.ids);
    const other = await readAll(source, { limit: 100, seed: 8 });
    expect(other.ids).not.toEqual(first.ids);
    // Not the biased "first N rows".
    expect(Math.max(...rows)).toBeGreaterThan(800);
    await source.close();
  });

  it("converts DOUBLE[] and INTEGER[] vectors to float32 and awkward payload types to text", async () => {
    const target = await copyTo(
      `SELECT [1 / 3, 2.0]::DOUBLE[] AS embedding, [i, 2]::INTEGER[] AS counts, TIME '12:34:56' AS t, DATE '2024-02-03' AS d,
              '\\xAB'::BLOB AS raw, INTERVAL 2 DAY AS span
       FROM range(2) t(i)`,
      file("types.parquet"),
      "parquet",
    );
    const source = openFileSource({ kind: "file", path: target });
    const info = await source.describe();
    expect(info.vectorName).toBe("embedding");
    expect(info.notes.join(" ")).toContain("other candidates: 'counts'");
    const { vectors, payloads } = await readAll(source);
    expect(Array.from(vectors)).toEqual([Math.fround(1 / 3), 2, Math.fround(1 / 3), 2]);
    expect(payloads[1]).toEqual({ counts: [1, 2], t: "12:34:56", d: "2024-02-03T00:00:00.000Z", raw: "\\xAB", span: "2 days" });
    await source.close();
    const ints = openFileSource({ kind: "file", path: target, vectorColumn: "counts" });
    expect(Array.from((await readAll(ints)).vectors)).toEqual([0, 2, 1, 2]);
    await ints.close();
  });

  it("stops with CancelledError between batches", async () => {
    const target = await copyTo(`SELECT ${VECTOR_SQL} AS vec FROM range(100) t(i)`, file("cancel.parquet"), "parquet");
    const source = openFileSource({ kind: "file", path: target });
    const controller = new AbortController();
    let seen = 0;
    const run = async () => {
      for await (const batch of source.read({ limit: 100, seed: 1, batchSize: 10, signal: controller.signal })) {
        seen += batch.ids.length;
        controller.abort();
      }
    };
    await expect(run()).rejects.toBeInstanceOf(CancelledError);
    expect(seen).toBe(10);
    await source.close();
  });
});

describe("JSON Lines and JSON arrays", () => {
  it("keeps each record (minus its vector) exactly as written", async () => {
    const records = [
      { id: 10, vector: [1, 2.5, 3], meta: { a: 1 }, when: "2024-01-02", title: "first" },
      { id: 11, vector: [4, 5, 6], meta: { b: "x" }, extra: [1, "a", null] },
      { id: 12, vector: [0.1, 0.2, 0.3], note: null },
    ];
    writeFileSync(file("r.jsonl"), records.map((r) => JSON.stringify(r)).join("\n")); // no trailing newline
    const source = openFileSource({ kind: "file", path: file("r.jsonl") });
    expect(await source.describe()).toMatchObject({ count: 3, dims: 3, vectorName: "vector" });
    const { ids, vectors, payloads } = await readAll(source);
    expect(ids).toEqual(["10", "11", "12"]);
    expect(Array.from(vectors)).toEqual(Array.from(new Float32Array([1, 2.5, 3, 4, 5, 6, 0.1, 0.2, 0.3])));
    expect(payloads).toEqual([
      { id: 10, meta: { a: 1 }, when: "2024-01-02", title: "first" },
      { id: 11, meta: { b: "x" }, extra: [1, "a", null] },
      { id: 12, note: null },
    ]);
    await source.close();
  });

  it("reads a .json array with a named vector column", async () => {
    const records = [
      { chunk_id: "c1", emb: [1, 0], other: [9, 9, 9] },
      { chunk_id: "c2", emb: [0, 1], other: [8, 8, 8] },
    ];
    writeFileSync(file("r.json"), JSON.stringify(records, null, 2));
    const source = openFileSource({ kind: "file", path: file("r.json"), vectorColumn: "emb" });
    expect(await source.describe()).toMatchObject({ count: 2, dims: 2, vectorName: "emb" });
    const { ids, payloads } = await readAll(source);
    expect(ids).toEqual(["c1", "c2"]);
    expect(payloads[1]).toEqual({ chunk_id: "c2", other: [8, 8, 8] });
    await source.close();
  });

  it("points at the offending record when a value overflows float32", async () => {
    writeFileSync(file("overflow.jsonl"), ['{"id":"ok","vector":[1,2]}', '{"id":"big","vector":[1e39,2]}'].join("\n") + "\n");
    const source = openFileSource({ kind: "file", path: file("overflow.jsonl") });
    const err = await inputError(readAll(source));
    expect(err.message).toContain('"big"');
    expect(err.message).toContain("row 1");
    expect(err.message).toContain("component 0");
    await source.close();
  });
});

describe("CSV", () => {
  it("detects a text column holding JSON arrays and an id column", async () => {
    const target = await copyTo(`SELECT 'c' || i AS chunk_id, ${VECTOR_SQL}::VARCHAR AS embedding_text, i % 2 AS parity FROM range(5) t(i)`, file("v.csv"), "csv");
    const source = openFileSource({ kind: "file", path: target });
    const info = await source.describe();
    expect(info).toMatchObject({ count: 5, dims: 4, vectorName: "embedding_text" });
    const { ids, vectors, payloads } = await readAll(source);
    expect(ids).toEqual(["c0", "c1", "c2", "c3", "c4"]);
    expect(Array.from(vectors.subarray(12, 16))).toEqual([3, 1.5, -3, 0.25]);
    expect(payloads[3]).toEqual({ chunk_id: "c3", parity: 1 });
    await source.close();
  });

  it("reads TSV, and gzip-compressed CSV", async () => {
    writeFileSync(file("v.tsv"), 'id\tvector\n"x"\t[1, 2]\n"y"\t[3, 4]\n');
    const tsv = openFileSource({ kind: "file", path: file("v.tsv") });
    expect((await readAll(tsv)).ids).toEqual(["x", "y"]);
    await tsv.close();
    const gz = await copyTo(`SELECT i AS id, ${VECTOR_SQL}::VARCHAR AS vector FROM range(3) t(i)`, file("v.csv.gz"), "csv, COMPRESSION gzip");
    const source = openFileSource({ kind: "file", path: gz });
    expect(await source.describe()).toMatchObject({ count: 3, dims: 4 });
    expect((await readAll(source)).ids).toEqual(["0", "1", "2"]);
    await source.close();
  });
});

describe("bad input is an InputError that says what to fix", () => {
  it("NaN in a vector names the point and the row", async () => {
    const target = await copyTo(
      `SELECT 'id' || i AS id, CASE WHEN i = 6 THEN [1, 'NaN'::FLOAT, 3]::FLOAT[] ELSE [1, 2, 3]::FLOAT[] END AS vector FROM range(10) t(i)`,
      file("nan.parquet"),
      "parquet",
    );
    const source = openFileSource({ kind: "file", path: target });
    const err = await inputError(readAll(source, { batchSize: 4 }));
    expect(err.message).toMatch(/"id6" \(row 6/);
    expect(err.message).toContain("NaN at component 1");
    await source.close();
  });

  it("Infinity in a vector is refused too", async () => {
    const target = await copyTo(`SELECT ['-Infinity'::FLOAT, 1]::FLOAT[] AS vector`, file("inf.parquet"), "parquet");
    const source = openFileSource({ kind: "file", path: target });
    expect((await inputError(readAll(source))).message).toContain("-Infinity");
    await source.close();
  });

  it("mixed dimensions name the first offending point and both sizes", async () => {
    const target = await copyTo(
      `SELECT 'k' || i AS id, CASE WHEN i >= 3 THEN [1, 2]::FLOAT[] ELSE [1, 2, 3]::FLOAT[] END AS vector FROM range(6) t(i)`,
      file("mixed.parquet"),
      "parquet",
    );
    const source = openFileSource({ kind: "file", path: target });
    const err = await inputError(readAll(source));
    expect(err.message).toMatch(/"k3" \(row 3.*has 2 dimensions but earlier points have 3/);
    await source.close();
  });

  it("a row without a vector is named", async () => {
    const target = await copyTo(`SELECT i AS id, CASE WHEN i = 2 THEN NULL ELSE [1, 2]::FLOAT[] END AS vector FROM range(4) t(i)`, file("null.parquet"), "parquet");
    const source = openFileSource({ kind: "file", path: target });
    expect((await inputError(readAll(source))).message).toMatch(/"2" \(row 2.*has no vector in 'vector'/);
    await source.close();
    const firstNull = await copyTo(`SELECT 'x' || i AS id, CASE WHEN i = 0 THEN NULL ELSE [1, 2]::FLOAT[] END AS vector FROM range(4) t(i)`, file("null0.parquet"), "parquet");
    expect((await inputError(openFileSource({ kind: "file", path: firstNull }).describe())).message).toMatch(/"x0" \(row 0.*has no vector/);
    writeFileSync(file("novectors.jsonl"), '{"vector": "none"}\n{"vector": "none"}\n');
    expect((await inputError(openFileSource({ kind: "file", path: file("novectors.jsonl"), vectorColumn: "vector" }).describe())).message).toContain("not a list of numbers");
  });

  it("empty files have no vectors", async () => {
    writeFileSync(file("empty.csv"), "");
    expect((await inputError(openFileSource({ kind: "file", path: file("empty.csv") }).describe())).message).toContain("empty");
    writeFileSync(file("empty.json"), "[]");
    expect((await inputError(openFileSource({ kind: "file", path: file("empty.json") }).describe())).message).toContain("has no vectors");
    const target = await copyTo(`SELECT [1, 2]::FLOAT[] AS vector FROM range(0) t(i)`, file("empty.parquet"), "parquet");
    expect((await inputError(openFileSource({ kind: "file", path: target }).describe())).message).toContain("has no vectors");
  });

  it("a file without a vector column lists its columns and suggests --vector-column", async () => {
    const target = await copyTo(`SELECT i AS id, 'text' AS body FROM range(3) t(i)`, file("novec.parquet"), "parquet");
    const err = await inputError(openFileSource({ kind: "file", path: target }).describe());
    expect(err.message).toContain("id (BIGINT), body (VARCHAR)");
    expect(err.message).toContain("--vector-column NAME");
    const named = await inputError(openFileSource({ kind: "file", path: target, vectorColumn: "body" }).describe());
    expect(named.message).toContain("'body' is VARCHAR, not a list of numbers");
    const missing = await inputError(openFileSource({ kind: "file", path: target, vectorColumn: "nope" }).describe());
    expect(missing.message).toContain("no column 'nope'");
  });

  it("an unreadable, missing or corrupt file names the path", async () => {
    expect(() => openFileSource({ kind: "file", path: file("missing.parquet") })).toThrow(InputError);
    expect(() => openFileSource({ kind: "file", path: file("missing.parquet") })).toThrow(/missing\.parquet.*does not exist/);
    writeFileSync(file("corrupt.parquet"), "this is not parquet");
    const err = await inputError(openFileSource({ kind: "file", path: file("corrupt.parquet") }).describe());
    expect(err.message).toContain(file("corrupt.parquet"));
    expect(err.message).toContain("as Parquet");
    writeFileSync(file("broken.jsonl"), '{"vector": [1, 2]}\n{"vector": [1,');
    expect((await inputError(openFileSource({ kind: "file", path: file("broken.jsonl") }).describe())).message).toContain("as JSON");
  });

  it("an unknown extension lists the supported formats", () => {
    writeFileSync(file("vectors.txt"), "1 2 3");
    expect(() => openFileSource({ kind: "file", path: file("vectors.txt") })).toThrow(/unknown file type '\.txt'.*Parquet.*JSON Lines.*CSV.*NumPy/);
    mkdirSync(file("plain-dir"), { recursive: true });
    expect(() => openFileSource({ kind: "file", path: file("plain-dir") })).toThrow(/not a flat-bin layout/);
  });

  it("a limit that is not a positive integer is refused", async () => {
    const target = await copyTo(`SELECT [1, 2]::FLOAT[] AS vector FROM range(3) t(i)`, file("limit.parquet"), "parquet");
    const source = openFileSource({ kind: "file", path: target });
    expect((await inputError(readAll(source, { limit: 0 }))).message).toContain("positive whole number");
    await source.close();
  });
});
