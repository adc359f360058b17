import { describe, expect, test } from "vitest";
import { classifyMatch } from "../../../extension/src/notebook/completionKinds";
import { cellErrorOutput } from "../../../extension/src/notebook/cellErrors";
import { DisposableStore, toDisposable } from "../../../extension/src/dispose";
import { checkParam, colorByChoices, paramValue, reducerChoices, reducerParamFields } from "../../../extension/src/projectionChoices";
import { credentialKey } from "../../../extension/src/secrets";
import { completeCell } from "../../../shared/src/magic/complete";
import { parseCell } from "../../../shared/src/magic/parse";
import { CancelledError, InputError } from "../../../shared/src/errors";
import { validateReducerParams } from "../../../shared/src/params";

describe("cell error outputs", () => {
  test("a parse error shows the line with a caret under the offending word", () => {
    let err: unknown;
    try {
      parseCell("%project demo reducer=umapp");
    } catch (e) {
      err = e;
    }
    const out = cellErrorOutput(err);
    expect(out.name).toBe("Embedscope command error");
    expect(out.message).toMatch(/reducer must be one of pca, umap, tsne \(got 'umapp'\); did you mean 'umap'\?/);
    expect(out.stack?.split("\n")).toEqual(["%project demo reducer=umapp", "                      ^^^^^", out.message]);
  });

  test("user errors show message and hint; others no stack; secrets never", () => {
    expect(cellErrorOutput(new InputError("run 'x' not found", "run", "%runs lists them"))).toEqual({ name: "Embedscope", message: "run 'x' not found\n%runs lists them" });
    expect(cellErrorOutput(new CancelledError())).toEqual({ name: "Cancelled", message: "The cell was interrupted." });
    const failure = cellErrorOutput(new Error("GET http://q:6333?api_key=abc123 failed"));
    expect(failure).toEqual({ name: "Error", message: "GET http://q:6333?api_key=*** failed" });
    expect(JSON.stringify(failure)).not.toContain("abc123");
  });
});

describe("completion kinds", () => {
  test("what completeCell returns maps to command, option, value, run and source icons", async () => {
    const runIds = new Set(["3f2a0000-0000"]);
    expect((await completeCell("%pro", 4)).matches.map((m) => classifyMatch(m, runIds))).toEqual(["command"]);
    const options = await completeCell("%project demo red", 17);
    expect(options.matches).toEqual(["reducer="]);
    expect(classifyMatch(options.matches[0], runIds)).toBe("option");
    expect((await completeCell("%project demo reducer=ts", 24)).matches.map((m) => classifyMatch(m, runIds))).toEqual(["value"]);
    expect(classifyMatch("3f2a0000-0000", runIds)).toBe("run");
    expect(classifyMatch("demo", runIds)).toBe("source");
  });
});

describe("New Projection choices", () => {
  test("the configured reducer comes first, marked default, with its parameter defaults", () => {
    const choices = reducerChoices("tsne");
    expect(choices.map((c) => c.reducer)).toEqual(["tsne", "pca", "umap"]);
    expect(choices[0].description).toBe("perplexity 30 · 750 iterations · learning rate auto (default)");
    expect(choices.find((c) => c.reducer === "umap")!.description).toBe("n_neighbors 15 · min_dist 0.1 · cosine");
  });

  test("editable parameters start at defaults the engine accepts, and typed values are checked by the engine's rules", () => {
    for (const reducer of ["umap", "tsne", "pca"] as const) {
      const params = Object.fromEntries(reducerParamFields(reducer).map((f) => [f.key, paramValue(f.value)]));
      expect(() => validateReducerParams(reducer, params)).not.toThrow();
    }
    expect(checkParam("umap", "n_neighbors", "1")).toBe("n_neighbors must be >= 2 (got 1)");
    expect(checkParam("tsne", "learning_rate", "auto")).toBeUndefined();
    expect(checkParam("tsne", "iterations", "100000")).toBeUndefined();
    expect(checkParam("tsne", "init", "spectral")).toMatch(/init must be 'pca' or 'random'/);
    expect(paramValue(" 0.5 ")).toBe(0.5);
    expect(paramValue("cosine")).toBe("cosine");
  });

  test("colour-by offers the four derivations and a payload field", () => {
    expect(colorByChoices().map((c) => c.value)).toEqual(["document_id", "source_dir", "filetype", "age_bucket", null]);
  });
});

describe("small helpers", () => {
  test("one secret per Qdrant server, whatever the spelling of its URL", () => {
    expect(credentialKey("HTTP://Q.example:6333/")).toBe(credentialKey("http://q.example:6333"));
    expect(credentialKey("http://q.example:6333")).not.toBe(credentialKey("http://q.example:6334"));
  });

  test("a disposable store disposes everything once, newest first, and late additions at once", () => {
    const order: string[] = [];
    const store = new DisposableStore();
    store.add(toDisposable(() => order.push("a")));
    store.add({
      dispose: () => {
        order.push("b");
        throw new Error("broken");
      },
    });
    store.add(toDisposable(() => order.push("c")));
    store.dispose();
    store.dispose();
    expect(order).toEqual(["c", "b", "a"]);
    store.add(toDisposable(() => order.push("late")));
    expect(order).toEqual(["c", "b", "a", "late"]);
  });
});
