import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sampleIndices } from "../../../shared/src/random";
import { openFileSource } from "../../../shared/src/sources/files";
import { halfToFloat } from "../../../shared/src/sources/rowfile";
import { Db } from "../../../shared/src/store/duckdb";
import { readAll, inputError } from "./helpers";

let dir: string;

/** A tiny .npy writer (what numpy.save produces): magic, version, header length, padded dict, data. */
function npy(data: ArrayBufferView, header: { descr: string; shape: string; fortran?: boolean; version?: 1 | 2 | 3 }): Buffer {
  const version = header.version ?? 1;
  const dict = `{'descr': '${header.descr}', 'fortran_order': ${header.fortran ? "True" : "False"}, 'shape': ${header.shape}, }`;
  const preamble = version === 1 ? 10 : 12;
  const padded = dict + " ".repeat(64 - ((preamble + dict.length + 1) % 64)) + "\n";
  const head = Buffer.alloc(preamble);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]).copy(head);
  if (version === 1) head.writeUInt16LE(padded.length, 8);
  else head.writeUInt32LE(padded.length, 8);
  return Buffer.concat([head, Buffer.from(padded, "latin1"), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

function write(name: string, content: Buffer | string): string {
  const full = path.join(dir, name);
  writeFileSync(full, content);
  return full;
}

/** Row i = [i, i + 0.5, -i]. */
function rowsF4(n: number): Float32Array {
  const out = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) out.set([i, i + 0.5, -i], i * 3);
  return out;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "embedscope-npy-"));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("NPY", () => {
  it("reads float32 (v1 header) with a .jsonl sidecar found next to it", async () => {
    const file = write("vecs.npy", npy(rowsF4(5), { descr: "<f4", shape: "(5, 3)" }));
    write("vecs.jsonl", ["a", "b", "c", "d", "e"].map((id, i) => JSON.stringify({ id: `pt-${id}`, text: `chunk ${i}` })).join("\n"));
    const source = openFileSource({ kind: "file", path: file });
    const info = await source.describe();
    expect(info).toMatchObject({ kind: "file", uri: file, count: 5, dims: 3 });
    expect(info.notes.join(" ")).toContain("vecs.jsonl");
    const { ids, vectors, payloads } = await readAll(source, { batchSize: 2 });
    expect(ids).toEqual(["pt-a", "pt-b", "pt-c", "pt-d", "pt-e"]);
    expect(Array.from(vectors)).toEqual(Array.from(rowsF4(5)));
    expect(payloads[2]).toEqual({ id: "pt-c", text: "chunk 2" });
    await source.close();
  });

  it("converts float64 and float16 to float32, with v2 and v3 headers", async () => {
    const f8 = new Float64Array([0.1, 1e-3, 2, 3.25, -4, 1 / 3]);
    const file8 = write("f8.npy", npy(f8, { descr: "<f8", shape: "(2, 3)", version: 2 }));
    const read8 = await readAll(openFileSource({ kind: "file", path: file8 }));
    expect(Array.from(read8.vectors)).toEqual(Array.from(new Float32Array(f8)));
    expect(read8.ids).toEqual(["0", "1"]);

    // 1.5, -2, 2^-14 (smallest normal), 65504 (largest), 2^-24 (smallest subnormal), 0
    const f2 = new Uint16Array([0x3e00, 0xc000, 0x0400, 0x7bff, 0x0001, 0x0000]);
    const file2 = write("f2.npy", npy(f2, { descr: "<f2", shape: "(3, 2)", version: 3 }));
    const read2 = await readAll(openFileSource({ kind: "file", path: file2 }));
    expect(Array.from(read2.vectors)).toEqual([1.5, -2, 2 ** -14, 65504, 2 ** -24, 0]);
    expect(halfToFloat(0x7c00)).toBe(Infinity);
    expect(halfToFloat(0x7e00)).toBeNaN();
  });

  it("samples rows uniformly by position with positioned reads", async () => {
    const file = write("many.npy", npy(rowsF4(500), { descr: "<f4", shape: "(500, 3)" }));
    const source = openFileSource({ kind: "file", path: file });
    const { ids, vectors } = await readAll(source, { limit: 50, seed: 3, batchSize: 16 });
    const expected = Array.from(sampleIndices(500, 50, 3));
    expect(ids.map(Number)).toEqual(expected);
    expected.forEach((row, k) => expect(Array.from(vectors.subarray(k * 3, k * 3 + 3))).toEqual([row, row + 0.5, -row]));
    await source.close();
  });

  it("takes payloads from an explicit CSV sidecar, sampled rows matching their vectors", async () => {
    const file = write("csvside.npy", npy(rowsF4(40), { descr: "<f4", shape: "(40, 3)" }));
    const db = await Db.open(":memory:");
    const payloadPath = path.join(dir, "payloads.csv");
    await db.run(`COPY (SELECT 'doc' || i AS chunk_id, i AS n FROM range(40) t(i)) TO '${payloadPath}' (FORMAT csv)`);
    db.close();
    const source = openFileSource({ kind: "file", path: file, payloadPath });
    const { ids, vectors, payloads } = await readAll(source, { limit: 10, seed: 11 });
    ids.forEach((id, k) => {
      const row = Number(id.slice(3));
      expect(payloads[k]).toEqual({ chunk_id: id, n: row });
      expect(vectors[k * 3]).toBe(row);
    });
    await source.close();
  });

  it("refuses Fortran order, other dtypes, wrong shapes, bad magic and truncation with what to do", async () => {
    const fortran = write("fortran.npy", npy(rowsF4(2), { descr: "<f4", shape: "(2, 3)", fortran: true }));
    expect((await inputError(openFileSource({ kind: "file", path: fortran }).describe())).message).toMatch(/Fortran.*ascontiguousarray/);
    const ints = write("ints.npy", npy(new Int32Array(6), { descr: "<i4", shape: "(2, 3)" }));
    expect((await inputError(openFileSource({ kind: "file", path: ints }).describe())).message).toMatch(/dtype '<i4'.*'<f4'/);
    const big = write("big.npy", npy(rowsF4(2), { descr: ">f4", shape: "(2, 3)" }));
    expect((await inputError(openFileSource({ kind: "file", path: big }).describe())).message).toContain("'>f4' is not supported");
    const flat = write("flat.npy", npy(rowsF4(2), { descr: "<f4", shape: "(6,)" }));
    expect((await inputError(openFileSource({ kind: "file", path: flat }).describe())).message).toContain("2-D (N, D)");
    const bogus = write("bogus.npy", "not numpy at all");
    expect((await inputError(openFileSource({ kind: "file", path: bogus }).describe())).message).toContain("not a NumPy .npy file");
    const short = write("short.npy", npy(rowsF4(2), { descr: "<f4", shape: "(4, 3)" }));
    expect((await inputError(openFileSource({ kind: "file", path: short }).describe())).message).toContain("truncated");
    const empty = write("empty.npy", npy(new Float32Array(0), { descr: "<f4", shape: "(0, 3)" }));
    expect((await inputError(openFileSource({ kind: "file", path: empty }).describe())).message).toContain("has no vectors");
  });

  it("refuses a sidecar whose row count differs, and names both counts", async () => {
    const file = write("mismatch.npy", npy(rowsF4(3), { descr: "<f4", shape: "(3, 3)" }));
    write("mismatch.jsonl", '{"a":1}\n{"a":2}\n');
    const err = await inputError(openFileSource({ kind: "file", path: file }).describe());
    expect(err.message).toMatch(/mismatch\.jsonl has 2 rows but .*mismatch\.npy has 3 vectors/);
    expect(() => openFileSource({ kind: "file", path: file, payloadPath: path.join(dir, "nope.jsonl") }).describe()).toThrow(/does not exist/);
    const bare = write("bare.npy", npy(rowsF4(3), { descr: "<f4", shape: "(3, 3)" }));
    expect(() => openFileSource({ kind: "file", path: bare, idColumn: "key" })).toThrow(/--id-column 'key' needs a payload file/);
    write("keyed.jsonl", '{"key":"k0"}\n{"key":"k1"}\n{"other":1}');
    const keyed = write("keyed.npy", npy(rowsF4(3), { descr: "<f4", shape: "(3, 3)" }));
    expect((await readAll(openFileSource({ kind: "file", path: keyed, idColumn: "key" }))).ids).toEqual(["k0", "k1", "2"]);
    expect((await inputError(readAll(openFileSource({ kind: "file", path: keyed, idColumn: "nokey" })))).message).toContain("no field 'nokey' for ids");
  });

  it("refuses NaN values, naming the row", async () => {
    const data = rowsF4(4);
    data[7] = NaN; // row 2, component 1
    const file = write("nan.npy", npy(data, { descr: "<f4", shape: "(4, 3)" }));
    const err = await inputError(readAll(openFileSource({ kind: "file", path: file })));
    expect(err.message).toMatch(/"2" \(row 2.*NaN at component 1/);
  });
});
