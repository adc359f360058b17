import { describe, expect, it } from "vitest";
import { InputError } from "../../../shared/src/errors";
import { validateStartRequest } from "../../../shared/src/params";
import { buildSource, checkForm, defaultFormValues, fieldForError, formValuesFromRun } from "../../../webview/src/forms/formModel";
import { runRecord } from "../../helpers/runRecord";

function engineMessage(request: Parameters<typeof validateStartRequest>[0]): string {
  try {
    validateStartRequest(request);
  } catch (err) {
    if (err instanceof InputError) return err.message;
  }
  throw new Error("expected the engine to refuse");
}

describe("start form model", () => {
  it("accepts the defaults as a demo UMAP request with the engine's defaults", () => {
    const { request, errors } = checkForm(defaultFormValues());
    expect(errors).toEqual({});
    expect(request).toEqual({ source: { kind: "demo" }, reducer: "umap", params: {}, colorBy: "document_id", sample: 200000, seed: 42, label: undefined });
    expect(() => validateStartRequest(request!)).not.toThrow();
  });

  it("shows the engine's own messages under each bad field, all at once", () => {
    const values = { ...defaultFormValues(), reducer: "umap" as const, params: { n_neighbors: "1", min_dist: "2", metric: "cosine" }, sample: "1", seed: "-3" };
    const { request, errors } = checkForm(values);
    expect(request).toBeNull();
    expect(errors.n_neighbors).toBe(engineMessage({ source: { kind: "demo" }, reducer: "umap", params: { n_neighbors: 1 } }));
    expect(errors.n_neighbors).toBe("n_neighbors must be >= 2 (got 1)");
    expect(errors.min_dist).toBe("min_dist must be between 0 and 1 (got 2)");
    expect(errors.sample).toBe(engineMessage({ source: { kind: "demo" }, reducer: "umap", sample: 1 }));
    expect(errors.seed).toBe(engineMessage({ source: { kind: "demo" }, reducer: "umap", seed: -3 }));
    expect(errors.metric).toBeUndefined();
  });

  it("validates t-SNE fields and passes text such as 'auto' through", () => {
    const ok = checkForm({ ...defaultFormValues(), reducer: "tsne", params: { learning_rate: "auto", iterations: "300", init: "random" } });
    expect(ok.errors).toEqual({});
    expect(ok.request?.params).toEqual({ learning_rate: "auto", iterations: 300, init: "random" });
    const bad = checkForm({ ...defaultFormValues(), reducer: "tsne", params: { iterations: "100", perplexity: "abc" } });
    expect(bad.errors.iterations).toBe("iterations must be >= 250 (got 100)");
    expect(bad.errors.perplexity).toBe("perplexity must be a number (got 'abc')");
  });

  it("ignores parameters typed for another reducer", () => {
    const { request, errors } = checkForm({ ...defaultFormValues(), reducer: "pca", params: { n_neighbors: "1" } });
    expect(errors).toEqual({});
    expect(request?.params).toEqual({});
  });

  it("requires a path for files and a URL and collection for Qdrant", () => {
    expect(checkForm({ ...defaultFormValues(), sourceKind: "file", path: "  " }).errors.path).toMatch(/path/);
    const q = checkForm({ ...defaultFormValues(), sourceKind: "qdrant", url: "localhost", collection: "" });
    expect(q.errors.url).toMatch(/http/);
    expect(q.errors.collection).toMatch(/collection/);
  });

  it("refuses colour-by paths the engine refuses", () => {
    expect(checkForm({ ...defaultFormValues(), colorBy: "a;drop" }).errors.color_by).toMatch(/is not a field name/);
    expect(checkForm({ ...defaultFormValues(), colorBy: "metadata.lang" }).errors.color_by).toBeUndefined();
  });

  it("builds sources without empty optional fields and keeps the API key out unless typed", () => {
    expect(buildSource({ ...defaultFormValues(), sourceKind: "file", path: " /d/v.parquet ", vectorColumn: "" })).toEqual({
      kind: "file",
      path: "/d/v.parquet",
      vectorColumn: undefined,
      idColumn: undefined,
      payloadPath: undefined,
    });
    expect(buildSource({ ...defaultFormValues(), sourceKind: "qdrant", url: "http://q:6333", collection: "docs", apiKey: "" })).toMatchObject({ apiKey: undefined });
  });

  it("prefills a recompute from a run's stored config", () => {
    const run = runRecord({
      id: "abc",
      label: "docs",
      source_kind: "file",
      source_uri: "/data/v.parquet",
      collection: null,
      config: { n_neighbors: 30, min_dist: 0.2, metric: "euclidean", color_by: "filetype", sample: 5000, seed: 7, vector_column: "emb" },
      meta: { reducer_requested: "umap", fallback_reason: "umap failed: x" },
    });
    const values = formValuesFromRun(run);
    expect(values).toMatchObject({ sourceKind: "file", path: "/data/v.parquet", vectorColumn: "emb", reducer: "umap", colorBy: "filetype", sample: "5000", seed: "7", label: "docs (recomputed)" });
    expect(values.params).toEqual({ n_neighbors: "30", min_dist: "0.2", metric: "euclidean" });
    expect(checkForm(values).request).toMatchObject({ reducer: "umap", params: { n_neighbors: 30, min_dist: 0.2, metric: "euclidean" }, sample: 5000, seed: 7 });
  });

  it("maps server-side error fields to form fields", () => {
    const v = defaultFormValues();
    expect(fieldForError("n_neighbors", v)).toBe("n_neighbors");
    expect(fieldForError("perplexity", v)).toBe("form");
    expect(fieldForError("source", { ...v, sourceKind: "file" })).toBe("path");
    expect(fieldForError(undefined, v)).toBe("form");
  });
});
