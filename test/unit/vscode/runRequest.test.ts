import { describe, expect, test } from "vitest";
import { requestFromRun } from "../../../extension/src/runRequest";
import { validateStartRequest } from "../../../shared/src/params";
import type { RunRecord } from "../../../shared/src/types";
import { runRecord } from "../../helpers/runRecord";

const base: RunRecord = runRecord();

describe("requestFromRun (Recompute)", () => {
  test("a t-SNE file run: source options, parameters, colour-by, sample and seed come back; the engine accepts it", () => {
    const run: RunRecord = {
      ...base,
      source_kind: "file",
      source_uri: "/data/v.parquet",
      collection: null,
      reducer: "tsne",
      label: "night",
      config: { perplexity: 50, learning_rate: "auto", iterations: 2000, init: "random", metric: "cosine", color_by: "filetype", sample: 5000, seed: 7, vector_column: "emb", id_column: "pk" },
      meta: { reducer_requested: "tsne" },
    };
    const request = requestFromRun(run);
    expect(request).toEqual({
      source: { kind: "file", path: "/data/v.parquet", vectorColumn: "emb", idColumn: "pk" },
      reducer: "tsne",
      params: { perplexity: 50, learning_rate: "auto", iterations: 2000, init: "random", metric: "cosine" },
      colorBy: "filetype",
      sample: 5000,
      seed: 7,
      label: "night",
    });
    expect(() => validateStartRequest(request)).not.toThrow();
  });

  test("a run that fell back to PCA is recomputed with the reducer that was asked for", () => {
    const run: RunRecord = { ...base, reducer: "pca", config: { n_neighbors: 15, min_dist: 0.1, metric: "cosine" }, meta: { reducer_requested: "umap", color_by: "document_id" } };
    const request = requestFromRun(run);
    expect(request.reducer).toBe("umap");
    expect(request.colorBy).toBe("document_id");
    expect(() => validateStartRequest(request)).not.toThrow();
  });

  test("Qdrant runs get the stored key from the caller, never from the record", () => {
    const run: RunRecord = { ...base, source_kind: "qdrant", source_uri: "http://q:6333", collection: "docs", vector_name: "text" };
    expect(requestFromRun(run, "k3y").source).toEqual({ kind: "qdrant", url: "http://q:6333", collection: "docs", vector: "text", apiKey: "k3y" });
    expect(requestFromRun(run).source).toEqual({ kind: "qdrant", url: "http://q:6333", collection: "docs", vector: "text" });
    expect(() => requestFromRun({ ...run, collection: null })).toThrow(/no Qdrant collection recorded/);
  });
});
