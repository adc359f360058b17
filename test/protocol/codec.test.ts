import { describe, expect, it } from "vitest";
import { decodeMessage, encodeMessage, packFrame, unpackFrame } from "../../shared/src/protocol/codec";
import type { WireMessage } from "../../shared/src/protocol/messages";

const message: WireMessage = {
  type: "reply",
  id: 7,
  status: "ok",
  result: { count: 3, x: Float32Array.from([1.5, -2, 3]), codes: Uint8Array.from([0, 255, 4]), rows: Uint32Array.from([9, 8]), label: "<b>x</b>" },
};

describe("binary codec", () => {
  it("lifts typed arrays out of JSON and restores them", () => {
    const { json, buffers } = encodeMessage(message);
    expect(json).not.toContain("1.5");
    expect(buffers).toHaveLength(3);
    expect(decodeMessage(json, buffers)).toEqual(message);
  });

  it("round-trips a single binary frame, including views on larger buffers", () => {
    const big = new Float32Array(10).fill(1);
    const view = big.subarray(3, 6);
    const m: WireMessage = { type: "event", event: "run.progress", data: { runId: "r", phase: "fetch", done: 1, total: 2, message: String(view.length) } };
    expect(unpackFrame(packFrame(m))).toEqual(m);
    const withView: WireMessage = { type: "reply", id: 1, status: "ok", result: { v: view } };
    const back = unpackFrame(packFrame(withView)) as { result: { v: Float32Array } };
    expect(Array.from(back.result.v)).toEqual([1, 1, 1]);
  });
});
