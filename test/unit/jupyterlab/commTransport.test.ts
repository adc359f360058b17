import { describe, expect, it, vi } from "vitest";
import { openCommTransport } from "../../../jupyter-ext/src/commTransport";
import { COMM_TARGET } from "../../../jupyter-ext/src/ids";
import { decodeMessage, encodeMessage } from "../../../shared/src/protocol/codec";
import type { WireMessage } from "../../../shared/src/protocol/messages";
import { RpcClient, RpcServer } from "../../../shared/src/protocol/rpc";
import type { Transport } from "../../../shared/src/protocol/transport";
import { FakeKernel, type FakeComm } from "./fakeKernel";

/** The kernel's end of the comm, speaking the contract: data `{json}`, typed arrays as buffers. */
function kernelSide(comm: FakeComm): Transport {
  const handlers = new Set<(m: WireMessage) => void>();
  let delivered = 0;
  const pump = () => {
    for (; delivered < comm.sent.length; delivered++) {
      const { data, buffers } = comm.sent[delivered];
      const message = decodeMessage(data.json!, buffers);
      for (const h of handlers) h(message);
    }
  };
  return {
    send(message) {
      const { json, buffers } = encodeMessage(message);
      // The websocket hands buffers to the frontend as DataViews on one shared ArrayBuffer.
      const views = buffers.map((b) => {
        const shared = new ArrayBuffer(b.byteLength + 3);
        new Uint8Array(shared, 3).set(new Uint8Array(b));
        return new DataView(shared, 3, b.byteLength);
      });
      queueMicrotask(() => comm.deliver({ json }, views));
    },
    onMessage(handler) {
      handlers.add(handler);
      const timer = setInterval(pump, 1);
      return {
        dispose: () => {
          clearInterval(timer);
          handlers.delete(handler);
        },
      };
    },
  };
}

describe("the JupyterLab comm transport", () => {
  it("opens one `embedscope` comm and carries requests and binary replies through the real RPC both ways", async () => {
    const kernel = new FakeKernel();
    const transport = openCommTransport(kernel.asConnection());
    expect(kernel.comms.map((c) => c.targetName)).toEqual([COMM_TARGET]);
    expect(kernel.comms[0].opened).toHaveLength(1);

    const server = new RpcServer(kernelSide(kernel.comms[0]), {
      "points.get": async ({ runId }) => ({ count: 3, x: new Float32Array([0.5, -1.25, runId.length]), y: new Float32Array([2, 3, 4]) }),
      select: async ({ rows }) => ({ count: rows.length, rows: rows, runId: "r" }) as never,
    });
    const client = new RpcClient(transport);
    const points = await client.request("points.get", { runId: "abcd" });
    expect(points.x).toBeInstanceOf(Float32Array);
    expect(Array.from(points.x)).toEqual([0.5, -1.25, 4]);
    expect(Array.from(points.y)).toEqual([2, 3, 4]);
    // Uint32Array params leave the frontend as comm buffers, not JSON number lists.
    await client.request("select", { runId: "r", rows: new Uint32Array([7, 9, 4_000_000_000]) });
    const selectMessage = kernel.comms[0].sent.find((m) => m.data.json?.includes('"select"'))!;
    expect(selectMessage.data.json).not.toContain("4000000000");
    expect(selectMessage.buffers).toHaveLength(1);
    expect(Array.from(new Uint32Array(selectMessage.buffers[0] as ArrayBuffer))).toEqual([7, 9, 4_000_000_000]);
    client.dispose();
    server.dispose();
    transport.close();
  });

  it("reports a kernel restart once, then drops what the viewer still sends", () => {
    const kernel = new FakeKernel();
    const transport = openCommTransport(kernel.asConnection());
    const reasons: string[] = [];
    transport.onClosed((r) => reasons.push(r));
    kernel.setStatus("busy");
    expect(reasons).toEqual([]);
    kernel.setStatus("restarting");
    kernel.setStatus("dead");
    expect(reasons).toEqual(["the kernel restarted"]);
    expect(transport.isClosed).toBe(true);
    transport.send({ type: "ready" });
    expect(kernel.comms[0].sent).toEqual([]);
    // Its signal handlers are gone: later status changes reach nothing.
    expect(() => kernel.setStatus("idle")).not.toThrow();
    expect(reasons).toHaveLength(1);
  });

  it("passes on the kernel's reason when the kernel closes the comm", () => {
    const kernel = new FakeKernel();
    const transport = openCommTransport(kernel.asConnection());
    const reasons: string[] = [];
    transport.onClosed((r) => reasons.push(r));
    kernel.comms[0].closeFromKernel({ error: "The database /x.duckdb is in use by another process" });
    expect(reasons).toEqual(["The database /x.duckdb is in use by another process"]);
  });

  it("reports a disposed kernel connection (notebook closed) as a lost connection", () => {
    const kernel = new FakeKernel();
    const transport = openCommTransport(kernel.asConnection());
    const reasons: string[] = [];
    transport.onClosed((r) => reasons.push(r));
    kernel.dispose();
    expect(reasons).toEqual(["the connection to the kernel was closed"]);
  });

  it("closes the comm when the frontend is done, without reporting a loss, and only once", () => {
    const kernel = new FakeKernel();
    const transport = openCommTransport(kernel.asConnection());
    const received: WireMessage[] = [];
    transport.onMessage((m) => received.push(m));
    const reasons: string[] = [];
    transport.onClosed((r) => reasons.push(r));
    transport.close();
    transport.close();
    expect(kernel.comms[0].closedByFrontend).toBe(1);
    expect(kernel.comms[0].isDisposed).toBe(true);
    expect(reasons).toEqual([]);
    // A late message from the kernel after close is not handed to the viewer.
    kernel.comms[0].deliver({ json: JSON.stringify({ type: "event", event: "run.deleted", data: { runId: "x" } }) });
    expect(received).toEqual([]);
  });

  it("does not try to close a comm on a dead kernel (that throws in JupyterLab)", () => {
    const kernel = new FakeKernel();
    const transport = openCommTransport(kernel.asConnection());
    kernel.status = "dead";
    transport.close();
    expect(kernel.comms[0].closedByFrontend).toBe(0);
    expect(kernel.comms[0].isDisposed).toBe(true);
  });

  it("ignores comm messages that are not protocol messages instead of failing the viewer", () => {
    const kernel = new FakeKernel();
    const transport = openCommTransport(kernel.asConnection());
    const received: WireMessage[] = [];
    transport.onMessage((m) => received.push(m));
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    kernel.comms[0].deliver({ something: "else" });
    kernel.comms[0].deliver({ json: "{not json" });
    kernel.comms[0].deliver({ json: JSON.stringify({ type: "event", event: "run.deleted", data: { runId: "r1" } }) });
    expect(received).toEqual([{ type: "event", event: "run.deleted", data: { runId: "r1" } }]);
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });
});
