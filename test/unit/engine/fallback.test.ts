/** As the original: a reducer failing for a reason other than bad input or cancel falls back to PCA, recorded. */
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Engine } from "../../../shared/src/engine";
import { InputError } from "../../../shared/src/errors";
import { tempDir } from "../../helpers/tmp";

let engine: Engine;
let cleanup: () => void;

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  engine = await Engine.open({
    dbPath: path.join(t.dir, "f.duckdb"),
    inlineReducers: true,
    reducerOverrides: {
      umap: async () => {
        throw new Error("out of memory in layout");
      },
      tsne: async () => {
        throw new InputError("perplexity too large for this data");
      },
    },
  });
});
afterAll(async () => {
  await engine.close();
  cleanup();
});

it("falls back to PCA and marks the run degraded", async () => {
  const run = await engine.project({ source: { kind: "demo" }, reducer: "umap", sample: 200 });
  expect(run.status).toBe("completed");
  expect(run.reducer).toBe("pca");
  expect(run.meta.reducer_requested).toBe("umap");
  expect(run.meta.degraded).toBe(true);
  expect(run.meta.fallback_reason).toMatch(/umap failed: out of memory in layout/);
  expect(run.meta.explained_variance_ratio).toHaveLength(2);
});

it("does not fall back on bad input: the run is not kept", async () => {
  const before = await engine.listRuns();
  await expect(engine.project({ source: { kind: "demo" }, reducer: "tsne", sample: 200 })).rejects.toThrow(/perplexity too large/);
  expect(await engine.listRuns()).toEqual(before);
});
