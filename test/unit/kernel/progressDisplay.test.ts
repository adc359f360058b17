import { expect, it } from "vitest";
import { ProgressDisplay, progressText } from "../../../jupyter-ext/kernel/src/progressDisplay";
import type { RunRecord } from "../../../shared/src/types";
import { StubIo, plainText } from "./helpers/stubIo";

const run = { id: "0123456789abcdef", reducer: "umap" } as RunRecord;

it("names each phase with its unit", () => {
  expect(progressText("umap", { runId: "r", phase: "embed", done: 120, total: 500 })).toBe("umap: layout 120/500 epochs");
  expect(progressText("tsne", { runId: "r", phase: "embed", done: 250, total: 1000 })).toBe("tsne: layout 250/1000 iterations");
  expect(progressText("umap", { runId: "r", phase: "fetch", done: 10, total: 778 })).toBe("umap: fetching 10/778 points");
  expect(progressText("pca", { runId: "r", phase: "embed", done: 64, total: 778 })).toBe("pca: projecting 64/778 points");
});

it("updates its display at most once per interval and always delivers the latest state", async () => {
  let now = 1000;
  const io = new StubIo();
  const display = new ProgressDisplay(io, run, "d1", 250, () => now);
  expect(io.published).toEqual([{ type: "display", displayId: "d1", data: { "text/plain": "run 01234567 · umap: starting" }, metadata: undefined }]);
  for (let epoch = 1; epoch <= 50; epoch++) display.update({ runId: run.id, phase: "embed", done: epoch, total: 500 });
  // The first update goes out at once, the other 49 within the same instant are held back.
  expect(io.published).toHaveLength(2);
  expect(io.published[1]).toEqual({ type: "update", displayId: "d1", data: { "text/plain": "run 01234567 · umap: layout 1/500 epochs" } });
  now += 250;
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(io.published).toHaveLength(3);
  expect(plainText(io.published[2])).toBe("run 01234567 · umap: layout 50/500 epochs");
  now += 1500;
  display.finish("done");
  display.update({ runId: run.id, phase: "embed", done: 500, total: 500 });
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(io.published).toHaveLength(4);
  expect(plainText(io.published[3])).toBe("run 01234567 · umap: done after 1.8 s");
});
