/**
 * At least twenty kinds of bad input, each refused with a message that says what to fix, and the
 * database exactly as it was (same runs, same points).
 */
import { writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine } from "../../../shared/src/engine";
import { InputError } from "../../../shared/src/errors";
import type { StartRunRequest } from "../../../shared/src/types";
import { writeNpy } from "../../helpers/npy";
import { tempDir } from "../../helpers/tmp";

let engine: Engine;
let dir: string;
let cleanup: () => void;
let baselineRunId: string;

const jsonl = (name: string, rows: unknown[]) => {
  const file = path.join(dir, name);
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join("\n") + (rows.length ? "\n" : ""));
  return file;
};

async function snapshot() {
  const runs = await engine.listRuns();
  const pts = await engine.points(baselineRunId);
  return { runs: JSON.stringify(runs), x: Array.from(pts.x) };
}

beforeAll(async () => {
  const t = tempDir();
  dir = t.dir;
  cleanup = t.cleanup;
  engine = await Engine.open({ dbPath: path.join(dir, "bad.duckdb"), inlineReducers: true });
  const good = jsonl("good.jsonl", Array.from({ length: 20 }, (_, i) => ({ id: `p${i}`, vector: [i, i % 3, (i * 7) % 5, 1], text: `chunk ${i}` })));
  const run = await engine.project({ source: { kind: "file", path: good }, reducer: "pca" });
  expect(run.status).toBe("completed");
  baselineRunId = run.id;
});

afterAll(async () => {
  await engine.close();
  cleanup();
});

const demo = { kind: "demo" } as const;
const cases: [string, () => StartRunRequest, RegExp][] = [
  ["unknown reducer", () => ({ source: demo, reducer: "lda" as never }), /reducer 'lda' is not supported; use one of pca, umap, tsne/],
  ["n_neighbors below 2", () => ({ source: demo, reducer: "umap", params: { n_neighbors: 1 } }), /n_neighbors must be >= 2/],
  ["n_neighbors not a number", () => ({ source: demo, reducer: "umap", params: { n_neighbors: "many" } }), /n_neighbors must be a number/],
  ["n_neighbors fractional", () => ({ source: demo, reducer: "umap", params: { n_neighbors: 2.5 } }), /n_neighbors must be an integer/],
  ["min_dist above 1", () => ({ source: demo, reducer: "umap", params: { min_dist: 1.5 } }), /min_dist must be between 0 and 1/],
  ["min_dist negative", () => ({ source: demo, reducer: "umap", params: { min_dist: -0.1 } }), /min_dist must be between 0 and 1/],
  ["unknown metric", () => ({ source: demo, reducer: "umap", params: { metric: "hamming" } }), /metric 'hamming' is not supported/],
  ["perplexity zero", () => ({ source: demo, reducer: "tsne", params: { perplexity: 0 } }), /perplexity must be > 0/],
  ["learning_rate negative", () => ({ source: demo, reducer: "tsne", params: { learning_rate: -5 } }), /learning_rate must be > 0/],
  ["iterations below 250", () => ({ source: demo, reducer: "tsne", params: { iterations: 100 } }), /iterations must be >= 250/],
  ["init unknown", () => ({ source: demo, reducer: "tsne", params: { init: "spectral" } }), /init must be 'pca' or 'random'/],
  ["misspelt parameter", () => ({ source: demo, reducer: "tsne", params: { perplexty: 30 } }), /unknown tsne parameter 'perplexty'; did you mean 'perplexity'\?/],
  ["parameter for pca", () => ({ source: demo, reducer: "pca", params: { n_neighbors: 5 } }), /pca takes no parameters/],
  ["sample of 1", () => ({ source: demo, reducer: "pca", sample: 1 }), /sample must be between 2 and/],
  ["negative seed", () => ({ source: demo, reducer: "pca", seed: -1 }), /seed must be between 0 and/],
  ["colour-by injection", () => ({ source: demo, reducer: "pca", colorBy: "x'); drop table runs; --" }), /color_by .* is not a field name/],
  ["empty file", () => ({ source: { kind: "file", path: jsonl("empty.jsonl", []) }, reducer: "pca" }), /no vectors|empty|0 point/i],
  ["single point", () => ({ source: { kind: "file", path: jsonl("one.jsonl", [{ id: "a", vector: [1, 2, 3] }]) }, reducer: "pca" }), /at least 2/],
  [
    "mixed dimensions",
    () => ({ source: { kind: "file", path: jsonl("mixed.jsonl", [{ id: "a", vector: [1, 2, 3] }, { id: "b", vector: [1, 2, 3, 4] }, { id: "c", vector: [1, 2, 3] }]) }, reducer: "pca" }),
    /dimension/i,
  ],
  [
    "NaN in a vector",
    () => {
      const f = path.join(dir, "nan.npy");
      writeNpy(f, [[1, 2], [NaN, 3], [4, 5]]);
      return { source: { kind: "file", path: f }, reducer: "pca" };
    },
    /NaN|finite/i,
  ],
  ["missing vector column", () => ({ source: { kind: "file", path: jsonl("novec.jsonl", [{ id: "a", text: "x" }, { id: "b", text: "y" }]) }, reducer: "pca" }), /vector/i],
  ["named vector column absent", () => ({ source: { kind: "file", path: path.join(dir, "good.jsonl"), vectorColumn: "embedding" }, reducer: "pca" }), /embedding/],
  ["file does not exist", () => ({ source: { kind: "file", path: path.join(dir, "nope.parquet") }, reducer: "pca" }), /nope\.parquet/],
  [
    "unreadable parquet",
    () => {
      const f = path.join(dir, "garbage.parquet");
      writeFileSync(f, "this is not parquet");
      return { source: { kind: "file", path: f }, reducer: "pca" };
    },
    /garbage\.parquet/,
  ],
  [
    "unknown file type",
    () => {
      const f = path.join(dir, "vectors.xlsx");
      writeFileSync(f, "x");
      return { source: { kind: "file", path: f }, reducer: "pca" };
    },
    /xlsx|supported/i,
  ],
  [
    "a directory without embeddings.bin",
    () => {
      const d = path.join(dir, "folder");
      mkdirSync(d, { recursive: true });
      return { source: { kind: "file", path: d }, reducer: "pca" };
    },
    /embeddings\.bin|supported|director/i,
  ],
];

describe("bad input is refused clearly and the database is unchanged", () => {
  it.each(cases)("%s", async (_name, make, message) => {
    const before = await snapshot();
    let error: unknown;
    try {
      await engine.project(make());
    } catch (err) {
      error = err;
    }
    expect(error, "expected an error").toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(message);
    expect(await snapshot()).toEqual(before);
  });

  it("has at least twenty cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  const runCases: [string, () => Promise<unknown>, RegExp][] = [
    ["unknown run id", () => engine.getRun("0000dead"), /not found/],
    ["delete unknown run", () => engine.deleteRun("no-such-run"), /not found/],
    ["row out of range", () => engine.select(baselineRunId, [0]).then(() => engine.point(baselineRunId, 20)), /row 20 is not in run/],
    ["similar with k = 0", () => engine.similar(baselineRunId, 0, 0), /k must be an integer between 1 and 1000/],
    ["export format", () => engine.exportRun(baselineRunId, { format: "xlsx" as never, out: path.join(dir, "o.xlsx") }), /format 'xlsx' is not supported/],
    ["export into a missing folder", () => engine.exportRun(baselineRunId, { format: "csv", out: path.join(dir, "missing", "o.csv") }), /missing/],
    ["colour by a bad field", () => engine.colors(baselineRunId, "a b"), /not a field name/],
    ["qdrant without collection", () => engine.describeSource({ kind: "qdrant", url: "http://127.0.0.1:9", collection: "" }), /collection/i],
  ];
  it.each(runCases)("%s", async (_name, call, message) => {
    const before = await snapshot();
    await expect(call()).rejects.toThrow(message);
    expect(await snapshot()).toEqual(before);
  });
});
