import { describe, expect, it } from "vitest";
import { CancelledError, InputError } from "../../../shared/src/errors";
import { Pacer } from "../../../shared/src/reduce/pacer";
import { pca, pcaInit, principalAxes } from "../../../shared/src/reduce/pca";
import { Team } from "../../../shared/src/reduce/team";
import { knnAgreement } from "../../../shared/src/reduce/quality";
import type { VectorMatrix } from "../../../shared/src/reduce/types";
import { abortOnPhase, allFinite, blobs, column, correlation, ctxWithSeed, randomMatrix, recordingContext } from "./helpers";

const X = [
  [2.5, 2.4, 0.5, 1.0],
  [0.5, 0.7, 1.5, -1.0],
  [2.2, 2.9, 0.3, 0.2],
  [1.9, 2.2, 0.9, 0.1],
  [3.1, 3.0, -0.2, 0.8],
  [2.3, 2.7, 0.4, -0.5],
  [2.0, 1.6, 1.1, 0.3],
  [1.0, 1.1, 1.3, -0.7],
];
// From /usr/bin/python3, numpy 1.24: Xc = X - X.mean(0); U, S, Vt = np.linalg.svd(Xc); P = Xc @ Vt[:2].T
const NUMPY = {
  singular: [3.733093431313342, 1.2200214251385566],
  ratio: [0.8851758052809368, 0.09454242348003251],
  projection: [
    [-1.0139981676998022, 0.6205023297259966],
    [2.3631847293714228, -0.061484923205231114],
    [-0.8680743106590038, -0.3632603140431686],
    [-0.014859625565021241, 0.04535679598533197],
    [-1.8950568396539604, 0.014300908269605528],
    [-0.47554457644405457, -0.7989024143703046],
    [0.2670747046036739, 0.5713222352722498],
    [1.6372740860467456, -0.027834617634479728],
  ],
};
// The transpose (4 rows × 8 dims): N < D takes the Gram-matrix path.
const NUMPY_T = {
  singular: [5.19104115026145, 2.556055633639013],
  ratio: [0.796597681084076, 0.19313932042886509],
  projection: [
    [-2.332098131132075, 0.2750523116348159],
    [-2.8098216778421543, 0.04439102188894456],
    [2.1274179063372727, -1.949243117266365],
    [3.0145019026369555, 1.6297997837426044],
  ],
};

// A formula (no RNG) with close top singular values (ratio 0.956), so Lanczos must iterate and the
// axes are sensitive to error. numpy 1.24 (/usr/bin/python3): x = f32(formula); Xc = x − mean;
// U, S, Vt = svd(Xc); each Vt row signed so its largest-magnitude entry is positive; P = Xc·Vt[:2]ᵀ.
function formula(n: number, d: number): VectorMatrix {
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) data[i * d + j] = Math.sin(0.013 * (i + 1) * (j + 3)) + (0.5 * Math.cos(0.7 * i + 0.3 * j * j) * ((j % 5) + 1)) / 5;
  return { data, n, dims: d };
}
const NUMPY_FORMULA = [
  {
    n: 300, d: 50,
    singular: [24.496080925850364, 23.42321510751992],
    ratio: [0.07203540266888873, 0.06586364862700689],
    rows: [0, 1, 150, 299],
    projection: [[-0.8223755698266875, -1.298016398340526], [-1.1788202165005086, -0.5170508173587416], [1.1564289289036103, -0.393185250154743], [-1.7575820513314673, 2.391196838249383]],
  },
  {
    n: 40, d: 120, // N < D: rank 39 in a 120-dimensional space
    singular: [17.363852631830603, 15.76336484383727],
    ratio: [0.11569920084090968, 0.09535336668392332],
    rows: [0, 1, 20, 39],
    projection: [[2.9423404540994054, -0.1045164750853528], [2.582025748601236, 0.9339622278537798], [0.0037828065677113936, 3.016243848658862], [-1.533779851795559, 3.0265073967123435]],
  },
];

/** The same values on a SharedArrayBuffer (what the engine hands a reducer; required for threads). */
function onShared(input: VectorMatrix): VectorMatrix {
  const data = new Float32Array(new SharedArrayBuffer(input.data.byteLength));
  data.set(input.data);
  return { ...input, data };
}

const matrix = (rows: number[][]) => ({ data: Float32Array.from(rows.flat()), n: rows.length, dims: rows[0].length });
const transpose = (rows: number[][]) => rows[0].map((_, j) => rows.map((r) => r[j]));

function expectMatchesNumpy(coords: Float32Array, meta: Record<string, unknown>, expected: typeof NUMPY): void {
  const singular = meta.singular_values as number[];
  const ratio = meta.explained_variance_ratio as number[];
  expected.singular.forEach((s, i) => expect(singular[i]).toBeCloseTo(s, 5));
  expected.ratio.forEach((r, i) => expect(ratio[i]).toBeCloseTo(r, 6));
  for (let axis = 0; axis < 2; axis++) {
    const ours = column(coords, axis);
    const theirs = expected.projection.map((p) => p[axis]);
    expect(Math.abs(correlation(ours, theirs))).toBeCloseTo(1, 9);
    ours.forEach((v, i) => expect(Math.abs(v)).toBeCloseTo(Math.abs(theirs[i]), 5));
  }
}

describe("pca", () => {
  it("matches numpy's SVD of the centred matrix (D×D scatter path)", async () => {
    const { coords, meta } = await pca(matrix(X), {}, ctxWithSeed());
    expect(coords).toBeInstanceOf(Float32Array);
    expect(coords.length).toBe(16);
    expectMatchesNumpy(coords, meta, NUMPY);
  });

  it("matches numpy when N < D (Gram-matrix path)", async () => {
    const { coords, meta } = await pca(matrix(transpose(X)), {}, ctxWithSeed());
    expectMatchesNumpy(coords, meta, NUMPY_T);
  });

  it("makes each component's largest-magnitude loading positive", async () => {
    const input = randomMatrix(50, 6, 9);
    const axes = await principalAxes(input, 2, new Pacer(ctxWithSeed()));
    for (let j = 0; j < 2; j++) {
      const row = Array.from(axes.components.subarray(j * 6, j * 6 + 6));
      const largest = row.reduce((best, v) => (Math.abs(v) > Math.abs(best) ? v : best), 0);
      expect(largest).toBeGreaterThan(0);
    }
    // Negating the data flips every loading; the convention must flip the scores back instead.
    const negated = { ...input, data: input.data.map((v) => -v) };
    const again = await principalAxes(negated, 2, new Pacer(ctxWithSeed()));
    for (let i = 0; i < axes.components.length; i++) expect(again.components[i]).toBeCloseTo(axes.components[i], 9);
    for (let i = 0; i < axes.scores.length; i++) expect(again.scores[i]).toBeCloseTo(-axes.scores[i], 9);
  });

  it("reports zero explained variance (not NaN) when all rows are identical", async () => {
    const same = matrix([[1, 2, 3], [1, 2, 3], [1, 2, 3]]);
    const { coords, meta } = await pca(same, {}, ctxWithSeed());
    expect(Array.from(coords)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(meta.explained_variance_ratio).toEqual([0, 0]);
    expect(meta.singular_values).toEqual([0, 0]);
  });

  it("rejects fewer than two rows or dimensions with an InputError saying what is needed", async () => {
    await expect(pca(matrix([[1, 2, 3]]), {}, ctxWithSeed())).rejects.toThrow(InputError);
    await expect(pca(matrix([[1, 2, 3]]), {}, ctxWithSeed())).rejects.toThrow(/two samples/);
    await expect(pca(matrix([[1], [2], [3]]), {}, ctxWithSeed())).rejects.toThrow(/two dimensions/);
  });

  it("is deterministic, reports 'pca' progress and finishes at done = total", async () => {
    const input = randomMatrix(700, 40, 4);
    const first = recordingContext();
    const a = await pca(input, {}, first.ctx);
    const b = await pca(input, {}, ctxWithSeed(7));
    expect(Buffer.from(a.coords.buffer).equals(Buffer.from(b.coords.buffer))).toBe(true);
    expect(allFinite(a.coords)).toBe(true);
    expect(first.events.length).toBeGreaterThan(2);
    expect(first.events.length).toBeLessThan(300);
    expect(first.events.every((e) => e.phase === "pca")).toBe(true);
    const last = first.events[first.events.length - 1];
    expect(last.done).toBe(last.total);
  });

  it("stops with CancelledError when aborted mid-run", async () => {
    const { ctx } = abortOnPhase("pca");
    await expect(pca(randomMatrix(2000, 32, 5), {}, ctx)).rejects.toBeInstanceOf(CancelledError);
    const controller = new AbortController();
    controller.abort();
    await expect(pca(randomMatrix(10, 3, 5), {}, { signal: controller.signal, seed: 1 })).rejects.toBeInstanceOf(CancelledError);
  });

  it("works on a SharedArrayBuffer-backed matrix and leaves it intact", async () => {
    const input = randomMatrix(300, 12, 6);
    const shared = new Float32Array(new SharedArrayBuffer(input.data.byteLength));
    shared.set(input.data);
    const a = await pca({ ...input, data: shared }, {}, ctxWithSeed());
    const b = await pca(input, {}, ctxWithSeed());
    expect(Array.from(a.coords)).toEqual(Array.from(b.coords));
    expect(Array.from(shared)).toEqual(Array.from(input.data));
  });

  it("keeps well-separated blobs apart", async () => {
    const { input, labels } = blobs(200, 30, 5, 2, 1);
    const { coords } = await pca(input, {}, ctxWithSeed());
    expect(knnAgreement(labels, coords, 10)).toBeGreaterThan(0.9);
  });

  it("pcaInit returns N×k Float64 scores equal to the reducer's coordinates", async () => {
    const input = randomMatrix(100, 5, 8);
    const scores = await pcaInit(input, 2);
    const { coords } = await pca(input, {}, ctxWithSeed());
    expect(scores).toBeInstanceOf(Float64Array);
    expect(scores.length).toBe(200);
    for (let i = 0; i < 200; i++) expect(coords[i]).toBeCloseTo(scores[i], 4);
  });

  for (const fixture of NUMPY_FORMULA) {
    for (const method of ["lanczos", "covariance"] as const) {
      it(`matches numpy to 1e-6 by ${method} (${fixture.n} × ${fixture.d}, close top singular values)`, async () => {
        const axes = await principalAxes(formula(fixture.n, fixture.d), 2, new Pacer(ctxWithSeed()), { method });
        expect(axes.method).toBe(method);
        for (let j = 0; j < 2; j++) {
          const singular = Math.sqrt(axes.eigenvalues[j]);
          expect(Math.abs(singular - fixture.singular[j]) / fixture.singular[j]).toBeLessThan(1e-6);
          const ratio = axes.eigenvalues[j] / axes.totalVariance;
          expect(Math.abs(ratio - fixture.ratio[j]) / fixture.ratio[j]).toBeLessThan(1e-6);
        }
        fixture.rows.forEach((row, i) => {
          for (let j = 0; j < 2; j++) expect(Math.abs(axes.scores[2 * row + j] - fixture.projection[i][j])).toBeLessThan(1e-6 * Math.max(1, Math.abs(fixture.projection[i][j])));
        });
        if (method === "lanczos") expect(axes.passes).toBeGreaterThan(4); // it iterated
      });
    }
  }

  it("the reducer picks the scatter matrix for narrow vectors and Lanczos for wide ones", async () => {
    const narrow = await pca(blobs(500, 40, 4, 2, 3).input, {}, ctxWithSeed());
    const wide = await pca(blobs(500, 400, 4, 2, 3).input, {}, ctxWithSeed());
    expect(narrow.meta.method).toBe("covariance");
    expect(wide.meta.method).toBe("block-lanczos");
    expect(narrow.meta.passes).toBe(3);
    expect(wide.meta.passes as number).toBeGreaterThan(3);
  });

  it("records the mean and components in meta, and they project the rows to the coordinates", async () => {
    const input = formula(300, 50);
    const { coords, meta } = await pca(input, {}, ctxWithSeed());
    expect(meta.threads).toBe(1);
    const mean = meta.mean as number[];
    const components = meta.components as number[][];
    expect(mean.length).toBe(50);
    expect(components.map((c) => c.length)).toEqual([50, 50]);
    for (let c = 0; c < 50; c++) {
      let s = 0;
      for (let r = 0; r < 300; r++) s += input.data[r * 50 + c];
      expect(mean[c]).toBeCloseTo(s / 300, 10);
    }
    for (const row of [0, 7, 299]) {
      for (let j = 0; j < 2; j++) {
        let s = 0;
        for (let c = 0; c < 50; c++) s += (input.data[row * 50 + c] - mean[c]) * components[j][c];
        expect(coords[2 * row + j]).toBeCloseTo(s, 5);
      }
    }
    let dotProduct = 0;
    for (let c = 0; c < 50; c++) dotProduct += components[0][c] * components[1][c];
    expect(Math.abs(dotProduct)).toBeLessThan(1e-9);
  });

  it("gives the same axes, bit for bit, on a team of 2 threads as inline (both methods)", async () => {
    const input = onShared(blobs(3000, 96, 6, 3, 11).input);
    const team = await Team.create(2);
    try {
      for (const method of ["lanczos", "covariance"] as const) {
        const inline = await principalAxes(input, 3, new Pacer(ctxWithSeed()), { method });
        const teamed = await principalAxes(input, 3, new Pacer(ctxWithSeed()), { method, team });
        expect(teamed.threads).toBe(2);
        expect(inline.threads).toBe(1);
        expect(Array.from(teamed.scores)).toEqual(Array.from(inline.scores));
        expect(Array.from(teamed.components)).toEqual(Array.from(inline.components));
        expect(Array.from(teamed.eigenvalues)).toEqual(Array.from(inline.eigenvalues));
        expect(Array.from(teamed.mean)).toEqual(Array.from(inline.mean));
      }
    } finally {
      await team.close();
    }
  });

  it("starts its own team for a large input when ctx.threads > 1, with the same result", async () => {
    const input = onShared(blobs(11000, 384, 8, 4, 12).input); // 4.2M values: above the team threshold
    const one = await pca(input, {}, ctxWithSeed());
    const two = await pca(input, {}, { ...ctxWithSeed(), threads: 2 });
    expect(one.meta.threads).toBe(1);
    expect(two.meta.threads).toBe(2);
    expect(Array.from(two.coords)).toEqual(Array.from(one.coords));
    // Not on a SharedArrayBuffer: runs inline rather than copying the input for the workers.
    const unshared = await pca({ ...input, data: Float32Array.from(input.data) }, {}, { ...ctxWithSeed(), threads: 2 });
    expect(unshared.meta.threads).toBe(1);
    expect(Array.from(unshared.coords)).toEqual(Array.from(one.coords));
  });

  it("stops with CancelledError when aborted between passes on a team, and its progress never goes back", async () => {
    const input = onShared(blobs(3000, 96, 6, 3, 13).input);
    const controller = new AbortController();
    const seen: number[] = [];
    const team = await Team.create(2);
    try {
      const ctx = { signal: controller.signal, seed: 1, onProgress: (p: { done: number }) => {
        seen.push(p.done);
        if (seen.length === 5) controller.abort();
      } };
      await expect(principalAxes(input, 2, new Pacer(ctx), { team, method: "lanczos" })).rejects.toBeInstanceOf(CancelledError);
      expect(seen.length).toBe(5);
      // The team is still usable after the aborted run.
      const after = await principalAxes(input, 2, new Pacer(ctxWithSeed()), { team, method: "lanczos" });
      expect(allFinite(after.scores)).toBe(true);
    } finally {
      await team.close();
    }
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
  });

  it("reports at most ~100 monotone 'pca' progress events while iterating, ending at done = total", async () => {
    const { ctx, events } = recordingContext();
    const { meta } = await pca(blobs(4000, 200, 12, 5, 14).input, {}, ctx);
    expect(meta.passes as number).toBeGreaterThan(3);
    expect(events.length).toBeGreaterThan(4);
    expect(events.length).toBeLessThanOrEqual(102);
    for (let i = 1; i < events.length; i++) expect(events[i].done).toBeGreaterThanOrEqual(events[i - 1].done);
    expect(new Set(events.map((e) => e.total)).size).toBe(1);
    expect(events[events.length - 1].done).toBe(events[events.length - 1].total);
  });

  it("zeroes axes beyond the data's rank", async () => {
    // Three points span a 2-D affine plane in 5-D: rank 2, so a third axis has nothing to carry.
    const input = matrix([[1, 2, 3, 4, 5], [2, 2, 3, 1, 5], [0, 7, 3, 4, 1]]);
    const axes = await principalAxes(input, 3, new Pacer(ctxWithSeed()));
    expect(axes.eigenvalues[0]).toBeGreaterThan(0);
    expect(axes.eigenvalues[1]).toBeGreaterThan(0);
    expect(axes.eigenvalues[2]).toBe(0);
    expect(Array.from(axes.components.subarray(10, 15))).toEqual([0, 0, 0, 0, 0]);
    expect(axes.eigenvalues[0] + axes.eigenvalues[1]).toBeCloseTo(axes.totalVariance, 9);
  });
});
