import { describe, expect, test } from "vitest";
import { createHostTransport, isUiMessage } from "../../../extension/src/hostTransport";
import { isSaveRequest, safeFileName } from "../../../extension/src/saveRequest";
import type { WireMessage } from "../../../shared/src/protocol/messages";
import { base64ToBytes, bytesToBase64, closeEnvelope, isChannelEnvelope, saveEnvelope, unwrapMessage, unwrapSave, wrapMessage } from "../../../webview/src/hosts/vscodeChannel";

describe("renderer channel envelopes", () => {
  test("typed arrays survive a JSON round trip (what renderer messaging does to a message)", () => {
    const x = new Float32Array([1.5, -2.25, 3e-8]);
    const codes = new Uint8Array([0, 255, 7]);
    const message: WireMessage = { type: "reply", id: 3, status: "ok", result: { count: 3, x, codes, label: "é" } };
    const envelope = JSON.parse(JSON.stringify(wrapMessage("chan-1", message))) as unknown;
    expect(isChannelEnvelope(envelope)).toBe(true);
    const back = unwrapMessage(envelope as ReturnType<typeof wrapMessage>) as { result: { x: Float32Array; codes: Uint8Array; label: string } };
    expect(back.result.x).toBeInstanceOf(Float32Array);
    expect([...back.result.x]).toEqual([...x]);
    expect([...back.result.codes]).toEqual([0, 255, 7]);
    expect(back.result.label).toBe("é");
  });

  test("a window on a larger buffer sends only its own bytes", () => {
    const big = new Float32Array(1000).map((_, i) => i);
    const view = big.subarray(10, 13);
    const envelope = wrapMessage("c", { type: "event", event: "run.deleted", data: { runId: "r" }, extra: view } as unknown as WireMessage);
    expect(base64ToBytes(envelope.buffers![0]).byteLength).toBe(12);
  });

  test("base64 of large and empty arrays", () => {
    const bytes = new Uint8Array(70_001).map((_, i) => (i * 31) & 255);
    expect([...base64ToBytes(bytesToBase64(bytes))].every((b, i) => b === bytes[i])).toBe(true);
    expect(Buffer.from(bytesToBase64(bytes), "base64").equals(Buffer.from(bytes))).toBe(true);
    expect(base64ToBytes(bytesToBase64(new Uint8Array(0))).byteLength).toBe(0);
  });

  test("anything else on the channel is not ours", () => {
    expect(isChannelEnvelope(closeEnvelope("c"))).toBe(true);
    for (const other of [null, "x", { channel: "c", kind: "message", json: "{}" }, { embedscope: 1, channel: "", kind: "close" }, { embedscope: 1, channel: "c", kind: "message" }, { embedscope: 1, channel: "c", kind: "message", json: "{}", buffers: [1] }]) {
      expect(isChannelEnvelope(other)).toBe(false);
    }
  });
});

describe("host transport", () => {
  test("messages that arrive before the server subscribes are delivered in order when it does", () => {
    const sent: WireMessage[] = [];
    const t = createHostTransport((m) => sent.push(m));
    t.receive({ type: "ready" });
    t.receive({ type: "request", id: 1, method: "runs.list", params: {} });
    const seen: WireMessage[] = [];
    t.onMessage((m) => seen.push(m));
    t.receive({ type: "cancel", id: 1 });
    expect(seen.map((m) => m.type)).toEqual(["ready", "request", "cancel"]);
    t.send({ type: "event", event: "run.deleted", data: { runId: "x" } });
    expect(sent).toHaveLength(1);
  });

  test("after dispose nothing is sent or delivered", () => {
    const sent: WireMessage[] = [];
    const t = createHostTransport((m) => sent.push(m));
    const seen: WireMessage[] = [];
    t.onMessage((m) => seen.push(m));
    t.dispose();
    t.receive({ type: "ready" });
    t.send({ type: "event", event: "run.deleted", data: { runId: "x" } });
    expect(seen).toEqual([]);
    expect(sent).toEqual([]);
    expect(t.isDisposed).toBe(true);
  });

  test("only requests, cancels and ready pass as viewer messages", () => {
    expect(isUiMessage({ type: "ready" })).toBe(true);
    expect(isUiMessage({ type: "request", id: 1, method: "runs.list", params: {} })).toBe(true);
    expect(isUiMessage({ type: "cancel", id: 2 })).toBe(true);
    expect(isUiMessage({ type: "request", id: "1", method: "runs.list", params: {} })).toBe(false);
    expect(isUiMessage({ type: "request", id: 1, method: "runs.list", params: null })).toBe(false);
    expect(isUiMessage({ type: "reply", id: 1, status: "ok", result: {} })).toBe(false);
    expect(isUiMessage("ready")).toBe(false);
  });
});

describe("saving what the viewer downloads", () => {
  test("a save envelope carries the file name and the exact bytes", () => {
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 255]);
    const envelope = JSON.parse(JSON.stringify(saveEnvelope("downloads", "embedscope-1234abcd.png", bytes))) as unknown;
    expect(isChannelEnvelope(envelope)).toBe(true);
    const file = unwrapSave(envelope as ReturnType<typeof saveEnvelope>);
    expect(file.fileName).toBe("embedscope-1234abcd.png");
    expect([...file.data]).toEqual([...bytes]);
    expect(isChannelEnvelope({ embedscope: 1, channel: "d", kind: "save", buffers: ["AA=="] })).toBe(false);
    expect(() => unwrapSave(closeEnvelope("d"))).toThrow(/not a save envelope/);
  });

  test("file names from the page are reduced to a safe base name", () => {
    expect(safeFileName("embedscope-1234.png")).toBe("embedscope-1234.png");
    expect(safeFileName("../../etc/passwd")).toBe("passwd");
    expect(safeFileName("C:\\Users\\x\\a:b?.csv")).toBe("a_b_.csv");
    expect(safeFileName("...hidden")).toBe("hidden");
    expect(safeFileName("")).toBe("embedscope-export");
  });

  test("only well-formed save messages are accepted from the panel", () => {
    expect(isSaveRequest({ type: "embedscope.save", fileName: "a.png", data: new Uint8Array(3) }, "embedscope.save")).toBe(true);
    expect(isSaveRequest({ type: "embedscope.save", fileName: "a.png", data: [1, 2] }, "embedscope.save")).toBe(false);
    expect(isSaveRequest({ type: "other", fileName: "a.png", data: new Uint8Array(3) }, "embedscope.save")).toBe(false);
  });
});
