import { describe, expect, it } from "vitest";
import { InputError } from "../../../shared/src/errors";
import { sampleIndices } from "../../../shared/src/random";
import { BatchBuilder, planRead } from "../../../shared/src/sources/batcher";
import { firstNonFinite, toPayload } from "../../../shared/src/sources/validate";

describe("BatchBuilder", () => {
  it("cuts fixed-size batches, copies vectors, and wraps payloads that are not plain objects", () => {
    const builder = new BatchBuilder(2, 2, "test.jsonl");
    const src = new Float32Array([9, 9, 1, 2, 3, 4, 5, 6]);
    expect(builder.add("a", 0, src, 2, 2, { k: 1 })).toBeNull();
    const first = builder.add("b", 1, src, 4, 2, "just text");
    expect(first).toEqual({ ids: ["a", "b"], vectors: new Float32Array([1, 2, 3, 4]), payloads: [{ k: 1 }, { value: "just text" }] });
    expect(builder.add("c", 2, [5, 6], 0, 2, null)).toBeNull();
    const last = builder.flush();
    expect(last).toEqual({ ids: ["c"], vectors: new Float32Array([5, 6]), payloads: [{}] });
    expect(builder.flush()).toBeNull();
    // The first batch is not overwritten by later points.
    expect(Array.from(first!.vectors)).toEqual([1, 2, 3, 4]);
  });

  it("refuses mixed dimensions at the first odd point, and non-finite values when the batch closes", () => {
    const builder = new BatchBuilder(3, 10, "vectors.parquet");
    builder.add("ok", 0, [1, 2, 3], 0, 3, {});
    expect(() => builder.add("odd", 1, [1, 2], 0, 2, {})).toThrow(/vectors\.parquet: point "odd" \(row 1.*has 2 dimensions but earlier points have 3/);
    builder.add("inf", 5, [1, Infinity, 3], 0, 3, {});
    expect(() => builder.flush()).toThrow(InputError);
    const again = new BatchBuilder(1, 10, "x");
    again.add("n", 3, [NaN], 0, 1, {});
    expect(() => again.flush()).toThrow(/"n" \(row 3.*NaN at component 0/);
  });

  it("finds the first non-finite value", () => {
    expect(firstNonFinite(new Float32Array([1, 2, 3]))).toBe(-1);
    expect(firstNonFinite(new Float32Array([1, -Infinity, NaN]))).toBe(1);
    expect(firstNonFinite(new Float32Array([1, 2, NaN]), 2)).toBe(-1);
  });

  it("keeps plain objects as payloads and wraps everything else", () => {
    expect(toPayload({ a: 1 })).toEqual({ a: 1 });
    expect(toPayload(Object.create(null) as object)).toEqual({});
    expect(toPayload([1, 2])).toEqual({ value: [1, 2] });
    expect(toPayload(7)).toEqual({ value: 7 });
    expect(toPayload(new Date(0))).toEqual({ value: new Date(0) });
    expect(toPayload(undefined)).toEqual({});
  });
});

describe("planRead", () => {
  it("reads everything in order when the source fits, a seeded uniform sample otherwise", () => {
    expect(planRead(10, 10, 1)).toEqual({ expected: 10, positions: null });
    expect(planRead(10, Infinity, 1)).toEqual({ expected: 10, positions: null });
    const plan = planRead(1000, 10, 4);
    expect(plan.expected).toBe(10);
    expect(plan.positions).toEqual(sampleIndices(1000, 10, 4));
    expect(() => planRead(10, 0, 1)).toThrow(/positive whole number/);
    expect(() => planRead(10, 2.5, 1)).toThrow(InputError);
  });
});
