import { afterEach, describe, expect, it } from "vitest";
import { KernelWire } from "../../../jupyter-ext/kernel/src/wire";
import { FakeHandler } from "./helpers/fakeHandler";
import { JupyterTestClient, loopbackConnection } from "./helpers/jupyterClient";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startKernel(options: { subscriptionWaitMs?: number } = {}) {
  const handler = new FakeHandler();
  const logs: string[] = [];
  const wire = await KernelWire.start(loopbackConnection(), handler, { log: (l) => logs.push(l), ...options });
  cleanups.push(() => wire.stop());
  const client = new JupyterTestClient(wire.connection);
  cleanups.push(() => client.close());
  return { handler, wire, client, logs };
}

const types = (ms: { header: { msg_type: string }; content: Record<string, unknown> }[]) =>
  ms.map((m) => (m.header.msg_type === "status" ? `status:${String(m.content.execution_state)}` : m.header.msg_type));

describe("KernelWire with a fake handler over real ZMQ sockets", () => {
  it("answers kernel_info with protocol 5.3, between busy and idle", async () => {
    const { client } = await startKernel();
    await client.connect();
    const { msgId, reply } = client.request("shell", "kernel_info_request", {});
    const r = await reply;
    expect(r.header.msg_type).toBe("kernel_info_reply");
    expect(r.content).toMatchObject({ status: "ok", protocol_version: "5.3", implementation: "fake", language_info: { name: "fake" } });
    await client.waitForIdle(msgId);
    expect(types(client.iopubFor(msgId))).toEqual(["status:busy", "status:idle"]);
  });

  it("runs cells in order with execute_input, outputs and execution counts; silent cells publish nothing", async () => {
    const { client } = await startKernel();
    await client.connect();
    const first = client.request("shell", "execute_request", { code: "show hi", silent: false, store_history: true });
    const second = client.request("shell", "execute_request", { code: "print hello", silent: false, store_history: true });
    const silent = client.request("shell", "execute_request", { code: "show x", silent: true, store_history: false });
    expect((await first.reply).content).toMatchObject({ status: "ok", execution_count: 1 });
    expect((await second.reply).content).toMatchObject({ status: "ok", execution_count: 2 });
    expect((await silent.reply).content).toMatchObject({ status: "ok", execution_count: 2 });
    await client.waitForIdle(silent.msgId);
    expect(types(client.iopubFor(first.msgId))).toEqual(["status:busy", "execute_input", "display_data", "update_display_data", "execute_result", "status:idle"]);
    const [, input, display, update, result] = client.iopubFor(first.msgId);
    expect(input.content).toEqual({ code: "show hi", execution_count: 1 });
    expect(display.content).toEqual({ data: { "text/plain": "hi" }, metadata: {}, transient: { display_id: "d1" } });
    expect(update.content).toMatchObject({ transient: { display_id: "d1" } });
    expect(result.content).toEqual({ execution_count: 1, data: { "text/plain": "count 1" }, metadata: {} });
    expect(client.iopubFor(second.msgId).find((m) => m.header.msg_type === "stream")?.content).toEqual({ name: "stdout", text: "hello" });
    expect(types(client.iopubFor(silent.msgId))).toEqual(["status:busy", "status:idle"]);
  });

  it("turns an error into an error reply plus an iopub error, and aborts the cells queued behind it", async () => {
    const { client, handler } = await startKernel();
    await client.connect();
    const failing = client.request("shell", "execute_request", { code: "fail", stop_on_error: true });
    const r = await failing.reply;
    expect(r.content).toMatchObject({ status: "error", execution_count: 1, ename: "FakeError", evalue: "asked to fail", traceback: ["FakeError: asked to fail"] });
    await client.waitForIdle(failing.msgId);
    expect(types(client.iopubFor(failing.msgId))).toEqual(["status:busy", "execute_input", "error", "status:idle"]);

    // "Run all": cells queued behind one that fails (here: is interrupted) are aborted, not run.
    const blocking = client.request("shell", "execute_request", { code: "wait", stop_on_error: true });
    const queued = client.request("shell", "execute_request", { code: "print never" });
    await handler.waiting;
    await new Promise((resolve) => setTimeout(resolve, 50));
    client.request("control", "interrupt_request", {});
    expect((await blocking.reply).content).toMatchObject({ status: "error", ename: "Interrupted" });
    expect((await queued.reply).content).toEqual({ status: "aborted" });
    expect(handler.executed).toEqual(["fail", "wait"]);

    // A cell sent after the failure runs again; a throwing handler becomes an error reply.
    const after = client.request("shell", "execute_request", { code: "print ok" });
    expect((await after.reply).content).toMatchObject({ status: "ok" });
    const thrown = client.request("shell", "execute_request", { code: "throw" });
    expect((await thrown.reply).content).toMatchObject({ status: "error", ename: "TypeError", evalue: "unexpected" });
  });

  it("keeps answering shell, control and heartbeat while a cell runs; interrupt_request aborts the cell", async () => {
    const { client, handler } = await startKernel();
    await client.connect();
    const running = client.request("shell", "execute_request", { code: "wait" });
    await handler.waiting;
    const t0 = performance.now();
    const info = client.request("shell", "kernel_info_request", {});
    await info.reply;
    const controlInfo = client.request("control", "kernel_info_request", {});
    await controlInfo.reply;
    expect(await client.ping("beat")).toBe("beat");
    // A widget's comm traffic flows while the cell runs.
    client.send("comm_open", { comm_id: "during-run", target_name: "echo", data: {} });
    const commMsg = client.send("comm_msg", { comm_id: "during-run", data: { ping: 1 } });
    await client.waitForIopub(() => client.iopubFor(commMsg).some((m) => m.header.msg_type === "comm_msg"));
    expect(performance.now() - t0).toBeLessThan(500);
    // After an out-of-band request goes idle, the kernel says busy again for the running cell.
    await client.waitForIdle(info.msgId);
    await client.waitForIopub(() => client.iopubFor(running.msgId).filter((m) => m.content.execution_state === "busy").length >= 2);

    const interrupt = client.request("control", "interrupt_request", {});
    expect((await interrupt.reply).content).toEqual({ status: "ok" });
    expect((await running.reply).content).toMatchObject({ status: "error", ename: "Interrupted" });
  });

  it("rejects messages with a bad signature and keeps serving good ones", async () => {
    const { wire, client, logs } = await startKernel();
    await client.connect();
    const forger = new JupyterTestClient(wire.connection, "not-the-key");
    cleanups.push(() => forger.close());
    await forger.connect(false);
    let answered = false;
    void forger.request("shell", "kernel_info_request", {}).reply.then(() => (answered = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(answered).toBe(false);
    expect(logs.some((l) => l.includes("signature"))).toBe(true);
    expect((await client.request("shell", "kernel_info_request", {}).reply).content.status).toBe("ok");
  });

  it("holds shell requests until iopub has a subscriber, so the first cell's output is not lost", async () => {
    const { client } = await startKernel({ subscriptionWaitMs: 5000 });
    await client.connect(false);
    const cell = client.request("shell", "execute_request", { code: "print first" });
    await new Promise((r) => setTimeout(r, 200));
    await client.subscribe();
    await cell.reply;
    await client.waitForIdle(cell.msgId);
    expect(client.iopubFor(cell.msgId).find((m) => m.header.msg_type === "stream")?.content.text).toBe("first");
  });

  it("answers complete and inspect in Unicode code points", async () => {
    const { client } = await startKernel();
    await client.connect();
    // "🙂" is one code point but two UTF-16 units: code points 0..4 are "🙂 ab".
    const code = "🙂 ab cd";
    const complete = await client.request("shell", "complete_request", { code, cursor_pos: 4 }).reply;
    expect(complete.content).toMatchObject({ status: "ok", matches: ["🙂done"], cursor_start: 2, cursor_end: 4 });
    const inspect = await client.request("shell", "inspect_request", { code, cursor_pos: 5, detail_level: 0 }).reply;
    expect(inspect.content).toMatchObject({ status: "ok", found: true, data: { "text/plain": "cursor 6 of 8" } });
    const incomplete = await client.request("shell", "is_complete_request", { code: "a \\" }).reply;
    expect(incomplete.content).toEqual({ status: "incomplete", indent: "" });
    const history = await client.request("shell", "history_request", { hist_access_type: "tail", output: false, raw: true, n: 3 }).reply;
    expect(history.content).toEqual({ status: "ok", history: [] });
  });

  it("routes comm_open/comm_msg/comm_close with binary buffers, and closes comms for unknown targets", async () => {
    const { client, handler } = await startKernel();
    await client.connect();
    client.send("comm_open", { comm_id: "c1", target_name: "echo", data: { hello: 1 } });
    await client.waitForIopub((ms) => ms.some((m) => m.header.msg_type === "comm_msg" && (m.content.data as { opened?: unknown }).opened !== undefined));
    const info = await client.request("shell", "comm_info_request", { target_name: "echo" }).reply;
    expect(info.content).toEqual({ status: "ok", comms: { c1: { target_name: "echo" } } });

    const msgId = client.send("comm_msg", { comm_id: "c1", data: { n: 2 } }, [new Uint8Array([1, 2, 3])]);
    await client.waitForIopub(() => client.iopubFor(msgId).some((m) => m.header.msg_type === "comm_msg"));
    const echo = client.iopubFor(msgId).find((m) => m.header.msg_type === "comm_msg")!;
    expect(echo.content).toEqual({ comm_id: "c1", data: { echo: { n: 2 }, sizes: [3] } });
    expect([...echo.buffers[0]]).toEqual([1, 2, 3]);

    client.send("comm_close", { comm_id: "c1", data: {} });
    await client.waitForIopub(() => handler.closedComms.length > 0);
    expect(handler.closedComms).toEqual(["c1"]);

    client.send("comm_open", { comm_id: "c2", target_name: "nobody", data: {} });
    await client.waitForIopub((ms) => ms.some((m) => m.header.msg_type === "comm_close" && m.content.comm_id === "c2"));
  });

  it("shuts down on shutdown_request (control or shell), replying first", async () => {
    const { client, wire, handler } = await startKernel();
    await client.connect();
    const r = await client.request("control", "shutdown_request", { restart: false }).reply;
    expect(r.content).toEqual({ status: "ok", restart: false });
    expect(await wire.done).toEqual({ restart: false });
    expect(handler.shutdowns).toBe(1);

    const second = await startKernel();
    await second.client.connect();
    const r2 = await second.client.request("shell", "shutdown_request", { restart: true }).reply;
    expect(r2.content).toEqual({ status: "ok", restart: true });
    expect(await second.wire.done).toEqual({ restart: true });
  });
});
