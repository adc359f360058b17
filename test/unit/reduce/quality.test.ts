import { describe, expect, it } from "vitest";
import { sampleIndices } from "../../../shared/src/random";
import { knnAgreement, trustworthiness } from "../../../shared/src/reduce/quality";
import { randomMatrix } from "./helpers";

// Fixed, tie-free data; expected values from /usr/bin/python3 with scikit-learn 1.2.1:
// sklearn.manifold.trustworthiness(X, Y, n_neighbors=k, metric=m)
const X = [
  [0.0, 3.221, 4.927, 4.316], [4.818, 4.316, 1.196, -2.649], [2.578, -1.754, -4.758, -4.161],
  [-3.439, -4.912, -1.869, 2.892], [-4.417, 0.084, 4.494, 3.992], [1.076, 4.941, 2.505, -3.125],
  [4.993, 1.595, -4.139, -3.81], [1.595, -4.398, -3.091, 3.348], [-4.139, -3.091, 3.702, 3.614],
  [-3.81, 3.348, 3.614, -3.559], [2.101, 4.229, -3.191, -3.407], [4.934, -1.91, -4.066, 3.758],
  [0.539, -4.878, 2.615, 3.187], [-4.646, 0.252, 4.436, -3.944],
];
const Y = [
  [0.8, 3.221], [4.414, 3.721], [2.186, -1.601], [-2.639, -4.357], [-4.832, -0.212], [0.696, 4.462],
  [5.793, 2.015], [1.168, -4.027], [-4.508, -3.606], [-3.011, 3.11], [1.663, 4.806], [4.577, -1.821],
  [1.337, -5.478], [-5.095, 0.317],
];
const SKLEARN: Record<"euclidean" | "cosine" | "manhattan", Record<number, number>> = {
  euclidean: { 1: 0.8511904761904762, 3: 0.8888888888888888, 5: 0.8809523809523809 },
  cosine: { 1: 0.8511904761904762, 3: 0.8888888888888888, 5: 0.8833333333333333 },
  manhattan: { 1: 0.875, 3: 0.8941798941798942, 5: 0.8690476190476191 },
};

const high = { data: Float32Array.from(X.flat()), n: X.length, dims: 4 };
const low = Float32Array.from(Y.flat());

describe("trustworthiness", () => {
  for (const metric of ["euclidean", "cosine", "manhattan"] as const) {
    it(`matches scikit-learn (${metric})`, () => {
      for (const k of [1, 3, 5]) expect(trustworthiness(high, low, k, undefined, { metric })).toBeCloseTo(SKLEARN[metric][k], 12);
    });
  }

  it("is 1 for a layout that keeps every neighbourhood, and rejects k ≥ N/2", () => {
    const plane = randomMatrix(40, 2, 3);
    expect(trustworthiness(plane, plane.data, 5)).toBe(1);
    expect(() => trustworthiness(high, low, 7)).toThrow(RangeError);
  });

  it("estimates from a seeded row sample: deterministic, and exact when the sample is everything", () => {
    expect(trustworthiness(high, low, 3, 14)).toBe(trustworthiness(high, low, 3));
    const a = trustworthiness(high, low, 3, 6, { seed: 2 });
    expect(a).toBe(trustworthiness(high, low, 3, 6, { seed: 2 }));
    expect(a).toBeGreaterThan(0);
    expect(a).toBeLessThanOrEqual(1);
  });
});

describe("trustworthiness, hand-checked", () => {
  it("ranks, penalties and normalisation of a 5-point case", () => {
    // High-D: five points on a line at 0, 1, 3, 7, 15 (dims = 1). Their high-D rank orders
    // (1 = nearest, self excluded):
    //   p0: p1 1, p2 2, p3 3, p4 4        p1: p0 1, p2 2, p3 3, p4 4
    //   p2: p1 1, p0 2, p3 3, p4 4        p3: p2 1, p1 2, p0 3, p4 4
    //   p4: p3 1, p2 2, p1 3, p0 4
    // 2-D layout on the x axis: p0 0, p1 10, p2 1.5, p3 21, p4 0.7. With k = 2 the 2-D neighbours
    // and the penalty Σ max(0, rank − k) of each point:
    //   p0 → p4 (rank 4), p2 (2): 2      p1 → p2 (2), p4 (4): 2      p2 → p4 (4), p0 (2): 2
    //   p3 → p1 (2), p2 (1): 0           p4 → p0 (4), p2 (2): 2       total 8.
    // T = 1 − 2 / (n·k·(2n − 3k − 1)) · 8 = 1 − 2 / (5·2·3) · 8 = 1 − 8/15 = 7/15.
    // (scikit-learn 1.2.1's trustworthiness(X, Y, n_neighbors=2) gives 0.4666666666666667 too.)
    const line = { data: Float32Array.of(0, 1, 3, 7, 15), n: 5, dims: 1 };
    const layout = Float32Array.of(0, 0, 10, 0, 1.5, 0, 21, 0, 0.7, 0);
    expect(trustworthiness(line, layout, 2)).toBeCloseTo(7 / 15, 14);
    // A sample of s rows is normalised by s instead of n: one row scored alone gives
    // 1 − 2 / (1·2·3) · penalty, i.e. 1 for p3 (penalty 0) and 1 − 4/6 = 1/3 for any other row.
    for (let seed = 0; seed < 8; seed++) {
      const row = sampleIndices(5, 1, seed)[0];
      expect(trustworthiness(line, layout, 2, 1, { seed })).toBeCloseTo(row === 3 ? 1 : 1 / 3, 14);
    }
  });
});

describe("knnAgreement", () => {
  it("is 1 when labels form separate groups and 0 when neighbours always differ", () => {
    // Two groups far apart on a line.
    const coords = Float32Array.of(0, 0, 1, 0, 2, 0, 100, 0, 101, 0, 102, 0);
    expect(knnAgreement(Int32Array.of(0, 0, 0, 1, 1, 1), coords, 2)).toBe(1);
    // Alternating labels on evenly spaced points: each point's nearest neighbour has the other label.
    const line = Float32Array.of(0, 0, 1, 0, 2.1, 0, 3.3, 0);
    expect(knnAgreement(Int32Array.of(0, 1, 0, 1), line, 1)).toBe(0);
  });

  it("counts the share of same-label neighbours (hand-checked)", () => {
    // Points at x = 0, 1, 3, 7 with labels a a b b, k = 2:
    // 0 → {1, 3}: 1 same; 1 → {0, 3}: 1; 3 → {1, 0}: 0; 7 → {3, 1}: 1. Total 3 of 8.
    const coords = Float32Array.of(0, 0, 1, 0, 3, 0, 7, 0);
    expect(knnAgreement([0, 0, 1, 1], coords, 2)).toBe(0.375);
  });
});
