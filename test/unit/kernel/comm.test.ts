/** The `embedscope` comm: protocol messages through the codec ({json} + buffers) to the real engine and back. */
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Engine } from "../../../shared/src/engine";
import { decodeMessage, encodeMessage } from "../../../shared/src/protocol/codec";
import type { WireMessage } from "../../../shared/src/protocol/messages";
import { EmbedscopeKernel } from "../../../jupyter-ext/kernel/src/embedscopeKernel";
import type { CommEndpoint } from "../../../jupyter-ext/kernel/src/handler";
import type { JsonObject } from "../../../jupyter-ext/kernel/src/jupyterMessage";
import { tempDir } from "../../helpers/tmp";

class StubEndpoint implements CommEndpoint {
  readonly commId = "comm-1";
  readonly targetName = "embedscope";
  readonly received: WireMessage[] = [];
  closedWith: JsonObject | undefined;
  send(data: JsonObject, buffers: readonly (ArrayBuffer | Uint8Array)[] = []): void {
    // As the frontend would: decode what came over the comm.
    this.received.push(decodeMessage(String(data.json), buffers.map((b) => (b instanceof Uint8Array ? b : new Uint8Array(b)))));
  }
  close(data: JsonObject = {}): void {
    this.closedWith = data;
  }
  async reply(id: number): Promise<Extract<WireMessage, { type: "reply" }>> {
    for (let i = 0; i < 600; i++) {
      const r = this.received.find((m) => m.type === "reply" && m.id === id);
      if (r) return r as Extract<WireMessage, { type: "reply" }>;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no reply ${id}`);
  }
}

let kernel: EmbedscopeKernel;
let engine: Engine;
let cleanup: () => void;

beforeAll(async () => {
  const t = tempDir();
  cleanup = t.cleanup;
  engine = await Engine.open({ dbPath: path.join(t.dir, "c.duckdb") });
  kernel = new EmbedscopeKernel({ openEngine: async () => engine });
});
afterAll(async () => {
  await kernel.shutdown();
  cleanup();
});

function frontendSend(session: { onMessage(data: JsonObject, buffers: Uint8Array[]): void }, message: WireMessage): void {
  const { json, buffers } = encodeMessage(message);
  session.onMessage({ json }, buffers.map((b) => new Uint8Array(b)));
}

it("serves the engine over a comm: requests, binary replies, events; closing the comm stops it", async () => {
  const endpoint = new StubEndpoint();
  const session = kernel.openComm(endpoint);
  // Sent before the engine server is attached: kept, not lost.
  frontendSend(session, { type: "ready" });
  frontendSend(session, { type: "request", id: 1, method: "host.info", params: {} });
  const info = await endpoint.reply(1);
  expect(info).toMatchObject({ status: "ok", result: { host: "jupyter", canOpenDocument: false } });

  const { run } = await engine.startRun({ source: { kind: "demo" }, reducer: "pca", sample: 200 }).then(async (s) => ({ run: await s.done }));
  expect(run.status).toBe("completed");
  // Engine events reach the frontend as protocol events.
  expect(endpoint.received.some((m) => m.type === "event" && m.event === "run.updated")).toBe(true);

  frontendSend(session, { type: "request", id: 2, method: "points.get", params: { runId: run.id } });
  const points = await endpoint.reply(2);
  expect(points.status).toBe("ok");
  const result = (points as { result: { count: number; x: Float32Array; y: Float32Array } }).result;
  expect(result.count).toBe(200);
  expect(result.x).toBeInstanceOf(Float32Array);
  expect(result.x).toHaveLength(200);
  expect(Array.from(result.y.subarray(0, 3))).toEqual(Array.from((await engine.points(run.id)).y.subarray(0, 3)));

  frontendSend(session, { type: "request", id: 3, method: "runs.get", params: { runId: "nope" } });
  expect(await endpoint.reply(3)).toMatchObject({ status: "error", error: { name: "NotFoundError" } });

  // Malformed data is ignored, not fatal.
  session.onMessage({ nothing: true }, []);

  session.onClose({});
  const before = endpoint.received.length;
  frontendSend(session, { type: "request", id: 4, method: "runs.list", params: {} });
  await engine.deleteRun(run.id);
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(endpoint.received.length).toBe(before);
});

it("closes the comm with the reason when the engine cannot open", async () => {
  const failing = new EmbedscopeKernel({
    openEngine: async () => {
      throw new Error("database locked by pid 42");
    },
  });
  const endpoint = new StubEndpoint();
  failing.openComm(endpoint);
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(endpoint.closedWith).toEqual({ error: "database locked by pid 42" });
});
