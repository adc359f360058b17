import { describe, expect, it } from "vitest";
import { symmetrize, sumValues } from "../../../shared/src/reduce/sparse";

/** Dense view of a CSR matrix, for readable expectations. */
function dense(m: Awaited<ReturnType<typeof symmetrize>>): number[][] {
  const out = Array.from({ length: m.n }, () => new Array<number>(m.n).fill(0));
  for (let i = 0; i < m.n; i++) for (let p = m.rowStart[i]; p < m.rowStart[i + 1]; p++) out[i][m.cols[p]] = m.values[p];
  return out;
}

describe("symmetrize", () => {
  // Directed kNN weights, k = 2: 0 → {2: 0.5, 1: 0.25}; 1 → {0: 0.5, self}; 2 → {missing (-1), 1: zero weight}.
  const indices = Int32Array.of(2, 1, 0, 1, -1, 1);
  const weights = Float64Array.of(0.5, 0.25, 0.5, 0.9, 0.3, 0);

  it("adds W and Wᵀ for t-SNE, skipping self, missing and zero entries", async () => {
    const s = await symmetrize(indices, weights, 3, 2, "sum");
    expect(dense(s)).toEqual([
      [0, 0.75, 0.5],
      [0.75, 0, 0],
      [0.5, 0, 0],
    ]);
    expect(sumValues(s)).toBe(2.5);
  });

  it("takes the fuzzy union a + b − ab for UMAP, with sorted columns in every row", async () => {
    const s = await symmetrize(indices, weights, 3, 2, "fuzzyUnion");
    expect(dense(s)).toEqual([
      [0, 0.625, 0.5],
      [0.625, 0, 0],
      [0.5, 0, 0],
    ]);
    expect(Array.from(s.rowStart)).toEqual([0, 2, 3, 4]);
    expect(Array.from(s.cols)).toEqual([1, 2, 0, 0]);
  });
});
