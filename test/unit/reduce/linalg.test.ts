import { describe, expect, it } from "vitest";
import { blockKrylovEigen, denseOperator, jacobiEigen, subspaceIteration, symmetricEigen, topEigenpairs } from "../../../shared/src/reduce/linalg";
import { createRng } from "../../../shared/src/random";

// numpy.linalg.eigh of this matrix, descending (computed once with /usr/bin/python3, numpy 1.24).
const A = Float64Array.from([4, 1, -2, 2, 0.5, 1, 2, 0, 1, -1, -2, 0, 3, -2, 0.25, 2, 1, -2, -1, 3, 0.5, -1, 0.25, 3, 1.5]);
const NUMPY_EIGENVALUES = [7.09058804041733, 3.2116424855408874, 2.0924792866068977, 0.9729520754658539, -3.867661888030969];

function residual(a: Float64Array, m: number, value: number, vector: Float64Array, offset: number): number {
  let r2 = 0;
  for (let r = 0; r < m; r++) {
    let s = 0;
    for (let c = 0; c < m; c++) s += a[r * m + c] * vector[offset + c];
    r2 += (s - value * vector[offset + r]) ** 2;
  }
  return Math.sqrt(r2);
}

/** A random symmetric PSD matrix BᵀB with a decaying spectrum, plus two planted strong directions. */
function psd(m: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const b = new Float64Array(m * m);
  for (let r = 0; r < m; r++) for (let c = 0; c < m; c++) b[r * m + c] = rng.normal() / (1 + r);
  const u = Array.from({ length: m }, () => rng.normal());
  const v = Array.from({ length: m }, () => rng.normal());
  const a = new Float64Array(m * m);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < m; j++) {
      let s = 2 * u[i] * u[j] + v[i] * v[j];
      for (let r = 0; r < m; r++) s += b[r * m + i] * b[r * m + j];
      a[i * m + j] = s;
    }
  return a;
}

describe("symmetric eigen-solvers", () => {
  it("jacobiEigen and symmetricEigen reproduce numpy's eigenvalues with orthonormal eigenvectors", async () => {
    for (const eig of [jacobiEigen(A, 5), await symmetricEigen(A, 5)]) {
      eig.values.forEach((v, i) => expect(v).toBeCloseTo(NUMPY_EIGENVALUES[i], 12));
      for (let j = 0; j < 5; j++) {
        expect(residual(A, 5, eig.values[j], eig.vectors, j * 5)).toBeLessThan(1e-12);
        for (let l = 0; l < 5; l++) {
          let d = 0;
          for (let c = 0; c < 5; c++) d += eig.vectors[j * 5 + c] * eig.vectors[l * 5 + c];
          expect(d).toBeCloseTo(j === l ? 1 : 0, 12);
        }
      }
    }
  });

  it("subspace iteration agrees with the direct solver on the top pairs of an 80×80 PSD matrix", async () => {
    const m = 80;
    const a = psd(m, 3);
    const direct = await symmetricEigen(a, m);
    const iterative = await subspaceIteration(a, m, 2, { tolerance: 1e-10, maxIterations: 500 });
    for (let j = 0; j < 2; j++) {
      expect(iterative.values[j]).toBeCloseTo(direct.values[j], 8);
      let d = 0;
      for (let c = 0; c < m; c++) d += iterative.vectors[j * m + c] * direct.vectors[j * m + c];
      expect(Math.abs(d)).toBeCloseTo(1, 8);
    }
  });

  it("topEigenpairs pads with zeros when more pairs are asked than the matrix has", async () => {
    const { values, vectors } = await topEigenpairs(Float64Array.of(2), 1, 2);
    expect(Array.from(values)).toEqual([2, 0]);
    expect(Array.from(vectors)).toEqual([1, 0]);
  });

  it("handles the zero matrix (no variance) without NaN", async () => {
    const eig = await symmetricEigen(new Float64Array(9), 3);
    expect(Array.from(eig.values)).toEqual([0, 0, 0]);
    expect(eig.vectors.every(Number.isFinite)).toBe(true);
  });

  it("block Lanczos agrees with the direct solver, through thick restarts and with blocks smaller than k", async () => {
    const m = 80;
    const a = psd(m, 5);
    const direct = await symmetricEigen(a, m);
    const cases = [
      { k: 2, blockSize: 4 },
      { k: 3, blockSize: 2, maxBasis: 12 }, // restarts every few passes
      { k: 6, blockSize: 2 },
    ];
    for (const options of cases) {
      let calls = 0;
      const operator = denseOperator(a, m);
      const eig = await blockKrylovEigen(async (x, b, out) => { calls++; await operator(x, b, out); }, m, options.k, { ...options, tolerance: 1e-11 });
      expect(eig.passes).toBe(calls);
      expect(eig.residual).toBeLessThanOrEqual(1e-11);
      for (let j = 0; j < options.k; j++) {
        expect(Math.abs(eig.values[j] - direct.values[j]) / direct.values[0]).toBeLessThan(1e-12);
        expect(residual(a, m, eig.values[j], eig.vectors, j * m) / direct.values[0]).toBeLessThan(1e-10);
      }
      if (options.maxBasis) expect(eig.passes).toBeGreaterThan(options.maxBasis / options.blockSize);
    }
  });

  it("block Lanczos is exact on a rank-deficient matrix and pads k > m with zeros", async () => {
    // Rank 2 in 20 dims: the Krylov space is exhausted after one block; later directions are random.
    const m = 20;
    const u = Float64Array.from({ length: m }, (_, i) => Math.sin(i + 1));
    const v = Float64Array.from({ length: m }, (_, i) => Math.cos(3 * i));
    const a = new Float64Array(m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) a[i * m + j] = 5 * u[i] * u[j] + v[i] * v[j];
    const direct = await symmetricEigen(a, m);
    const eig = await blockKrylovEigen(denseOperator(a, m), m, 4, { tolerance: 1e-12 });
    expect(eig.values[0]).toBeCloseTo(direct.values[0], 10);
    expect(eig.values[1]).toBeCloseTo(direct.values[1], 10);
    expect(Math.abs(eig.values[2])).toBeLessThan(1e-10);
    expect(eig.vectors.every(Number.isFinite)).toBe(true);
    const small = await blockKrylovEigen(denseOperator(Float64Array.of(2, 0, 0, 3), 2), 2, 3);
    [3, 2, 0].forEach((value, j) => expect(small.values[j]).toBeCloseTo(value, 12));
    expect(Array.from(small.vectors.subarray(4))).toEqual([0, 0]);
  });

  it("block Lanczos gives the same result for the same seed", async () => {
    const a = psd(40, 9);
    const first = await blockKrylovEigen(denseOperator(a, 40), 40, 2, { seed: 3, tolerance: 1e-6 });
    const second = await blockKrylovEigen(denseOperator(a, 40), 40, 2, { seed: 3, tolerance: 1e-6 });
    expect(Array.from(second.vectors)).toEqual(Array.from(first.vectors));
    expect(Array.from(second.values)).toEqual(Array.from(first.values));
  });
});
