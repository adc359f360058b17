/** The executor with a stub wire: real engine, real DuckDB file, worker-thread reducers. */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Engine } from "../../../shared/src/engine";
import { RUN_MIME } from "../../../shared/src/magic/execute";
import { EmbedscopeKernel } from "../../../jupyter-ext/kernel/src/embedscopeKernel";
import { tempDir } from "../../helpers/tmp";
import { StubIo, plainText } from "./helpers/stubIo";

let kernel: EmbedscopeKernel;
let engine: Engine;
let opens = 0;
let cleanup: () => void;
let dir: string;

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  dir = t.dir;
  kernel = new EmbedscopeKernel({
    openEngine: async () => {
      opens++;
      engine = await Engine.open({ dbPath: path.join(t.dir, "k.duckdb") });
      return engine;
    },
    defaults: { cwd: t.dir },
    progressIntervalMs: 0,
  });
});
afterAll(async () => {
  await kernel.shutdown();
  cleanup();
});

const run = (code: string, io = new StubIo()) => kernel.execute({ code, silent: false, storeHistory: true }, io).then((outcome) => ({ outcome, io }));

describe("EmbedscopeKernel.execute", () => {
  it("does nothing for blank or comment-only cells and does not open the engine", async () => {
    const { outcome, io } = await run("\n  # just a note\n");
    expect(outcome).toEqual({ status: "ok" });
    expect(io.published).toEqual([]);
    expect(opens).toBe(0);
  });

  it("reports a syntax error with a caret under the offending word, before running anything", async () => {
    const { outcome, io } = await run("%project demo reducer=pca\n%project demo reducr=umap");
    expect(outcome.status).toBe("error");
    if (outcome.status !== "error") return;
    expect(outcome.ename).toBe("CellError");
    expect(outcome.evalue).toMatch(/unknown option 'reducr' for %project; did you mean 'reducer'\?/);
    expect(outcome.traceback).toEqual(["in line 2:", "%project demo reducr=umap", "              ^^^^^^", outcome.evalue]);
    expect(io.published).toEqual([]);
    expect(opens).toBe(0);
  });

  it("projects the demo with PCA: a progress line, then the run bundle (RUN_MIME, PNG, text summary)", async () => {
    const { outcome, io } = await run("%project demo reducer=pca color_by=source_dir");
    expect(outcome).toEqual({ status: "ok" });
    const [first, ...rest] = io.published;
    expect(first).toMatchObject({ type: "display", displayId: expect.stringMatching(/^embedscope-progress-/) });
    expect(first.type === "display" && first.data["text/plain"]).toMatch(/^run [0-9a-f]{8} · pca: starting$/);
    const updates = rest.filter((p) => p.type === "update");
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.every((u) => u.type === "update" && first.type === "display" && u.displayId === first.displayId)).toBe(true);
    expect(plainText(updates.at(-1))).toMatch(/pca: done after \d+\.\d s$/);

    const bundle = io.published.find((p) => p.type === "display" && RUN_MIME in p.data);
    if (bundle?.type !== "display") throw new Error("no run output");
    const data = bundle.data;
    const view = data[RUN_MIME] as { version: number; runId: string; colorBy: string; pointCount: number };
    expect(view).toMatchObject({ version: 1, colorBy: "source_dir", pointCount: 778 });
    expect(Buffer.from(String(data["image/png"]), "base64").subarray(1, 4).toString()).toBe("PNG");
    expect(String(data["text/plain"])).toContain(view.runId.slice(0, 8));
    expect((await engine.getRun(view.runId)).status).toBe("completed");
    // The same run as one line of text, last: what a terminal frontend prints.
    expect(io.published.at(-1)).toEqual({ type: "result", data: { "text/plain": `run ${view.runId.slice(0, 8)} completed: pca · 778 points · demo · coloured by source_dir` } });
  });

  it("answers text commands with an execute_result, and reports engine errors plainly", async () => {
    const { outcome, io } = await run("%runs\n%help color");
    expect(outcome).toEqual({ status: "ok" });
    expect(io.published.map((p) => p.type)).toEqual(["result", "result"]);
    expect(plainText(io.published[0])).toMatch(/pca/);
    expect(plainText(io.published[1])).toMatch(/^%color <run>/);

    const missing = await run("%show ffffffff");
    expect(missing.outcome).toMatchObject({ status: "error", ename: "NotFoundError" });
    if (missing.outcome.status === "error") expect(missing.outcome.traceback[0]).toMatch(/^NotFoundError: .*ffffffff/);
  });

  it("an interrupt (the wire aborting the signal) cancels the running projection and records it as cancelled", async () => {
    const io = new StubIo();
    // Interrupt as soon as the run exists (its progress line appears).
    io.onPublish = (p) => {
      if (p.type === "display") io.controller.abort();
    };
    const t0 = performance.now();
    const { outcome } = await run("%project demo reducer=umap n_epochs=500\n%runs", io);
    expect(performance.now() - t0).toBeLessThan(8000);
    expect(outcome.status).toBe("error");
    if (outcome.status !== "error") return;
    expect(outcome.ename).toBe("Interrupted");
    const runId = /cancelled run ([0-9a-f-]{36})/.exec(outcome.evalue)?.[1];
    expect(runId).toBeDefined();
    expect((await engine.getRun(runId!)).status).toBe("cancelled");
    // Neither a result nor the second command's output.
    expect(io.published.filter((p) => p.type === "result")).toEqual([]);
    expect(io.published.at(-1)).toMatchObject({ type: "update", data: { "text/plain": expect.stringMatching(/umap: cancelled after/) } });
  });
});

describe("EmbedscopeKernel completion, help and completeness", () => {
  it("completes commands, options, enum values and run ids", async () => {
    expect((await kernel.complete("%pro", 4)).matches).toEqual(["%project"]);
    expect(await kernel.complete("%project demo reducer=u", 23)).toEqual({ matches: ["umap"], cursorStart: 22, cursorEnd: 23 });
    expect((await kernel.complete("%project demo n_", 16)).matches).toEqual(["n_epochs=", "n_neighbors="]);
    const runs = await engine.listRuns();
    const id = runs[0].id;
    const c = await kernel.complete(`%show ${id.slice(0, 3)}`, 9);
    expect(c.matches).toContain(id);
    expect(c.cursorStart).toBe(6);
  });

  it("gives a command's help on inspect, and nothing for unknown words", async () => {
    const found = await kernel.inspect("%similar 3f2a 12", 3);
    expect(found.found).toBe(true);
    expect(String(found.data["text/plain"])).toMatch(/^%similar <run> <point>/);
    expect(await kernel.inspect("%nonsense", 3)).toEqual({ found: false, data: {} });
  });

  it("says a cell with an open quote is incomplete and a typo is invalid", () => {
    expect(kernel.isComplete("%project demo")).toEqual({ status: "complete" });
    expect(kernel.isComplete("%project demo label='my")).toEqual({ status: "incomplete", indent: "" });
    expect(kernel.isComplete("%projet demo")).toEqual({ status: "invalid" });
    expect(kernel.isComplete("# a comment")).toEqual({ status: "complete" });
  });
});

describe("EmbedscopeKernel collection completion", () => {
  it("lists the collections of the Qdrant URL on the line, else of the configured URL (with its key)", async () => {
    const asked: [string, string | undefined][] = [];
    const fakeEngine = {
      listRuns: async () => [],
      listCollections: async (url: string, apiKey?: string) => {
        asked.push([url, apiKey]);
        return url.includes("other") ? ["alpha", "beta"] : ["docs", "demo_docs", "images"];
      },
    } as unknown as Engine;
    const k = new EmbedscopeKernel({ openEngine: async () => fakeEngine, defaults: { qdrantUrl: "http://configured:6333", qdrantApiKey: "secret" } });
    const code = "%project collection=d";
    expect((await k.complete(code, code.length)).matches).toEqual(["demo_docs", "docs"]);
    const other = "%project http://other:6333 collection=";
    expect((await k.complete(other, other.length)).matches).toEqual(["alpha", "beta"]);
    expect(asked).toEqual([
      ["http://configured:6333", "secret"],
      ["http://other:6333", undefined],
    ]);
  });
});
