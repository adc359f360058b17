import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { ensureDataset, loadIdxPairs, readDataset, readIdx, syntheticClusters } from "../../../bench/data";

const dir = mkdtempSync(path.join(tmpdir(), "embedscope-bench-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Residual norm of `v` after removing its projection on the orthonormal `basis` (Gram–Schmidt). */
function residual(v: Float64Array, basis: Float64Array[]): number {
  const r = Float64Array.from(v);
  for (const b of basis) {
    let dot = 0;
    for (let i = 0; i < r.length; i++) dot += r[i] * b[i];
    for (let i = 0; i < r.length; i++) r[i] -= dot * b[i];
  }
  return Math.hypot(...r);
}

/** Differences of a cluster's points from its first point, as float64 rows. */
function clusterDiffs(m: ReturnType<typeof syntheticClusters>, label: number, count: number): Float64Array[] {
  const rows = [...m.labels.keys()].filter((i) => m.labels[i] === label).slice(0, count + 1);
  const d = m.dims;
  return rows.slice(1).map((i) => Float64Array.from({ length: d }, (_, c) => m.data[i * d + c] - m.data[rows[0] * d + c]));
}

describe("syntheticClusters", () => {
  it("is deterministic per seed and shaped n × dims with labels in [0, clusters)", () => {
    const a = syntheticClusters(500, 16, 3);
    const b = syntheticClusters(500, 16, 3);
    const c = syntheticClusters(500, 16, 4);
    expect(a.data.length).toBe(500 * 16);
    expect(a.labels.length).toBe(500);
    expect(Buffer.from(a.data.buffer).equals(Buffer.from(b.data.buffer))).toBe(true);
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    expect(Buffer.from(a.data.buffer).equals(Buffer.from(c.data.buffer))).toBe(false);
    expect(a.data.every(Number.isFinite)).toBe(true);
    expect(new Set(a.labels).size).toBe(20);
    expect(Math.min(...a.labels)).toBe(0);
    expect(Math.max(...a.labels)).toBe(19);
  });

  it("puts each cluster on a subspace of the given rank, blurred by the noise", () => {
    const flat = syntheticClusters(300, 10, 1, { clusters: 3, rank: 2, noise: 0 });
    const diffs = clusterDiffs(flat, 0, 6);
    // Orthonormal basis from the first two differences; every other one lies in their span.
    const basis: Float64Array[] = [];
    for (const v of diffs.slice(0, 2)) {
      const r = Float64Array.from(v);
      for (const b of basis) {
        let dot = 0;
        for (let i = 0; i < r.length; i++) dot += r[i] * b[i];
        for (let i = 0; i < r.length; i++) r[i] -= dot * b[i];
      }
      const norm = Math.hypot(...r);
      basis.push(r.map((x) => x / norm));
    }
    for (const v of diffs.slice(2)) expect(residual(v, basis) / Math.hypot(...v)).toBeLessThan(1e-5);

    const noisy = syntheticClusters(300, 10, 1, { clusters: 3, rank: 2, noise: 0.15 });
    const nd = clusterDiffs(noisy, 0, 6);
    expect(Math.max(...nd.slice(2).map((v) => residual(v, basis)))).toBeGreaterThan(0.05);
  });

  it("separates clusters: points sit nearer their own cluster's mean than other clusters' means", () => {
    const m = syntheticClusters(2000, 64, 7);
    const means = new Float64Array(20 * 64);
    const counts = new Int32Array(20);
    for (let i = 0; i < m.n; i++) {
      counts[m.labels[i]]++;
      for (let c = 0; c < 64; c++) means[m.labels[i] * 64 + c] += m.data[i * 64 + c];
    }
    for (let k = 0; k < 20; k++) for (let c = 0; c < 64; c++) means[k * 64 + c] /= counts[k];
    let nearestOwn = 0;
    for (let i = 0; i < m.n; i++) {
      let best = -1;
      let bestD = Infinity;
      for (let k = 0; k < 20; k++) {
        let d = 0;
        for (let c = 0; c < 64; c++) d += (m.data[i * 64 + c] - means[k * 64 + c]) ** 2;
        if (d < bestD) [bestD, best] = [d, k];
      }
      if (best === m.labels[i]) nearestOwn++;
    }
    expect(nearestOwn / m.n).toBeGreaterThan(0.95);
  });
});

/** An idx file: magic 00 00 08 k, k big-endian sizes, bytes. */
function idx(shape: number[], bytes: number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header[2] = 0x08;
  header[3] = shape.length;
  shape.forEach((s, k) => header.writeUInt32BE(s, 4 + 4 * k));
  return Buffer.concat([header, Buffer.from(bytes)]);
}

describe("readIdx / loadIdxPairs (Fashion-MNIST format)", () => {
  it("reads shape and bytes from raw and gzip-compressed idx files", () => {
    const raw = idx([2, 2, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]);
    for (const file of [raw, gzipSync(raw)]) {
      const a = readIdx(file);
      expect(a.shape).toEqual([2, 2, 3]);
      expect(Array.from(a.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]);
    }
  });

  it("refuses bad magic, other element types and a payload that does not match the header", () => {
    expect(() => readIdx(Buffer.from([1, 0, 8, 1, 0, 0, 0, 1, 7]))).toThrow(/magic/);
    const floats = idx([1], [0, 0, 0, 0]);
    floats[2] = 0x0d;
    expect(() => readIdx(floats)).toThrow(/not supported/);
    expect(() => readIdx(idx([2, 2], [1, 2, 3]))).toThrow(/header says 4/);
  });

  it("stacks image files into rows of pixels / 255 with their labels, train first", () => {
    const files: Array<[string, string]> = [];
    const sets = [
      { images: [[0, 255, 51, 102]], labels: [9] },
      { images: [[255, 255, 0, 0], [1, 2, 3, 4]], labels: [0, 3] },
    ];
    sets.forEach((s, k) => {
      const images = path.join(dir, `set${k}-images-idx3-ubyte.gz`);
      const labels = path.join(dir, `set${k}-labels-idx1-ubyte.gz`);
      writeFileSync(images, gzipSync(idx([s.images.length, 2, 2], s.images.flat())));
      writeFileSync(labels, gzipSync(idx([s.labels.length], s.labels)));
      files.push([images, labels]);
    });
    const m = loadIdxPairs(files);
    expect(m.n).toBe(3);
    expect(m.dims).toBe(4);
    expect(Array.from(m.labels)).toEqual([9, 0, 3]);
    expect(Array.from(m.data)).toEqual([0, 1, 0.2, 0.4, 1, 1, 0, 0, 1 / 255, 2 / 255, 3 / 255, 4 / 255].map((x) => Math.fround(x)));
    // A label file with a different count is refused.
    writeFileSync(files[1][1], gzipSync(idx([1], [0])));
    expect(() => loadIdxPairs(files)).toThrow(/do not match/);
  });
});

describe("ensureDataset", () => {
  it("writes raw float32 + int32 labels once per (N, D, seed) and reads them back", () => {
    const cache = path.join(dir, "cache");
    const spec = { kind: "synthetic" as const, n: 120, dims: 8, seed: 5 };
    const files = ensureDataset(spec, cache);
    expect(files).toMatchObject({ id: "synth-120x8", n: 120, dims: 8 });
    expect(files.inputMB).toBeCloseTo((120 * 8 * 4) / 1e6, 12);
    expect(statSync(files.vectors).size).toBe(120 * 8 * 4);
    expect(statSync(files.labels).size).toBe(120 * 4);
    const expected = syntheticClusters(120, 8, 5);
    const back = readDataset(files);
    expect(Array.from(back.data)).toEqual(Array.from(expected.data));
    expect(Array.from(back.labels)).toEqual(Array.from(expected.labels));

    // Cached: a second call does not regenerate (a marker written into the file survives).
    const bytes = readFileSync(files.vectors);
    bytes[0] ^= 0xff;
    writeFileSync(files.vectors, bytes);
    ensureDataset(spec, cache);
    expect(readFileSync(files.vectors)[0]).toBe(bytes[0]);
    // Another seed is another file.
    expect(ensureDataset({ ...spec, seed: 6 }, cache).vectors).not.toBe(files.vectors);
  });
});
