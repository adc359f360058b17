import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleIndices } from "../../../shared/src/random";
import { demoDataDir } from "../../../shared/src/sources/demo";
import { openFileSource } from "../../../shared/src/sources/files";
import { openSource } from "../../../shared/src/sources/resolve";
import { readAll, inputError } from "./helpers";

let dir: string;

/** A flat-bin directory of n points × dims; vector i = [i, i, …] + component index / 10. */
function layout(name: string, n: number, dims: number, options: { metadata?: object | string; trailingNewline?: boolean; bytes?: number } = {}): string {
  const target = path.join(dir, name);
  mkdirSync(target, { recursive: true });
  const values = new Float32Array(n * dims);
  for (let i = 0; i < n; i++) for (let j = 0; j < dims; j++) values[i * dims + j] = i + j / 10;
  const bytes = Buffer.from(values.buffer);
  writeFileSync(path.join(target, "embeddings.bin"), options.bytes === undefined ? bytes : bytes.subarray(0, options.bytes));
  const records = Array.from({ length: n }, (_, i) => JSON.stringify({ id: `rec-${i}`, content: `text ${i}` }));
  writeFileSync(path.join(target, "records.jsonl"), records.join("\n") + (options.trailingNewline ? "\n" : ""));
  if (options.metadata !== undefined) {
    writeFileSync(path.join(target, "metadata.json"), typeof options.metadata === "string" ? options.metadata : JSON.stringify(options.metadata));
  }
  return target;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "embedscope-flatbin-"));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("flat-bin layout", () => {
  it("reads embeddings.bin + records.jsonl (last line without newline), by directory or by embeddings.bin", async () => {
    const target = layout("basic", 7, 5, { metadata: { dimensions: 5 } });
    for (const given of [target, path.join(target, "embeddings.bin")]) {
      const source = openFileSource({ kind: "file", path: given });
      expect(await source.describe()).toMatchObject({ kind: "file", uri: target, count: 7, dims: 5 });
      const { ids, vectors, payloads } = await readAll(source, { batchSize: 3 });
      expect(ids).toEqual(Array.from({ length: 7 }, (_, i) => `rec-${i}`));
      expect(payloads[6]).toEqual({ id: "rec-6", content: "text 6" });
      expect(vectors[6 * 5 + 4]).toBeCloseTo(6.4, 5);
      await source.close();
    }
  });

  it("infers dimensions from the file size without metadata.json, and samples by position", async () => {
    const target = layout("nometa", 120, 4, { trailingNewline: true });
    const source = openFileSource({ kind: "file", path: target });
    expect(await source.describe()).toMatchObject({ count: 120, dims: 4 });
    const { ids, vectors } = await readAll(source, { limit: 12, seed: 5 });
    const rows = Array.from(sampleIndices(120, 12, 5));
    expect(ids).toEqual(rows.map((r) => `rec-${r}`));
    rows.forEach((r, k) => expect(vectors[k * 4]).toBe(r));
    await source.close();
  });

  it("refuses mismatched sizes and bad metadata with the numbers involved", async () => {
    const short = layout("short", 4, 3, { bytes: 40 });
    expect((await inputError(openFileSource({ kind: "file", path: short }).describe())).message).toMatch(/40 bytes but 4 records do not divide/);
    const wrongDims = layout("wrongdims", 4, 3, { metadata: { dimensions: 4 } });
    expect((await inputError(openFileSource({ kind: "file", path: wrongDims }).describe())).message).toContain("4 records × 4 dimensions × 4 bytes = 64 bytes");
    const badMeta = layout("badmeta", 2, 2, { metadata: "{nope" });
    expect((await inputError(openFileSource({ kind: "file", path: badMeta }).describe())).message).toContain("metadata.json is not valid JSON");
    const empty = layout("empty", 0, 3);
    expect((await inputError(openFileSource({ kind: "file", path: empty }).describe())).message).toContain("has no vectors");
  });
});

describe("demo", () => {
  it("is the 778 Fiori documentation chunks, 384-d, cosine", async () => {
    const source = openSource({ kind: "demo" });
    const info = await source.describe();
    expect(info).toMatchObject({ kind: "demo", uri: "demo", collection: "fiori-docs", count: 778, dims: 384, distance: "cosine", vectorName: null });
    await source.close();
  });

  it("maps records to payload fields the colour-by rules understand", async () => {
    const records = readFileSync(path.join(demoDataDir(), "records.jsonl"), "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const source = openSource({ kind: "demo" });
    const { ids, vectors, payloads } = await readAll(source);
    expect(ids).toEqual(records.map((r) => r.id));
    expect(vectors.length).toBe(778 * 384);
    // all-MiniLM-L6-v2 vectors are unit length
    for (const i of [0, 400, 777]) {
      let sum = 0;
      for (let j = 0; j < 384; j++) sum += vectors[i * 384 + j] ** 2;
      expect(Math.sqrt(sum)).toBeCloseTo(1, 4);
    }
    const p = payloads[5];
    const r = records[5];
    expect(Object.keys(p).sort()).toEqual(["category", "chunk_index", "document_id", "section_id", "source_path", "tags", "text", "title", "updated_at", "word_count"]);
    expect(p).toMatchObject({ text: r.content, title: r.title, category: r.category, document_id: r.path, source_path: r.path, section_id: r.document_id, updated_at: r.lastModified, word_count: r.wordCount });
    expect(p.tags).toEqual(JSON.parse(r.tags_json as string));
    // chunk_index counts the chunks of each file in file order
    const perFile = new Map<string, number[]>();
    payloads.forEach((q) => perFile.set(q.document_id as string, [...(perFile.get(q.document_id as string) ?? []), q.chunk_index as number]));
    expect(perFile.size).toBe(13);
    for (const ordinals of perFile.values()) expect(ordinals).toEqual(ordinals.map((_, i) => i));
    await source.close();
  });

  it("samples the demo with the same mapping", async () => {
    const source = openSource({ kind: "demo" });
    const all = await readAll(source);
    const sample = await readAll(source, { limit: 100, seed: 9 });
    const rows = Array.from(sampleIndices(778, 100, 9));
    expect(sample.ids).toEqual(rows.map((r) => all.ids[r]));
    expect(sample.payloads[10]).toEqual(all.payloads[rows[10]]);
    expect(Array.from(sample.vectors.subarray(10 * 384, 11 * 384))).toEqual(Array.from(all.vectors.subarray(rows[10] * 384, rows[10] * 384 + 384)));
    await source.close();
  });
});
