import { describe, expect, it } from "vitest";
import { CancelledError, InputError } from "../../../shared/src/errors";
import { Pacer } from "../../../shared/src/reduce/pacer";
import { pca, pcaInit, principalAxes } from "../../../shared/src/reduce/pca";
import { knnAgreement } from "../../../shared/src/reduce/quality";
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
});
