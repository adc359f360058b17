import { describe, expect, it } from "vitest";
import { createRng } from "../../../shared/src/random";
import { Fft } from "../../../shared/src/reduce/fft";
import { Team } from "../../../shared/src/reduce/team";
import { FftRepulsion, interpolatePoint, kernelSpectrum, planGrid, sortIntoBoxes } from "../../../shared/src/reduce/tsneFft";
import { GroupTree, groupRepulsion } from "../../../shared/src/reduce/tsneTree";

/** Naive O(L²) DFT of interleaved complex data (forward e^(−2πi·jk/L), inverse e^(+…), unscaled). */
function naiveDft(x: Float64Array, inverse: boolean): Float64Array {
  const n = x.length / 2;
  const out = new Float64Array(2 * n);
  const sign = inverse ? 1 : -1;
  for (let k = 0; k < n; k++) {
    let re = 0;
    let im = 0;
    for (let j = 0; j < n; j++) {
      const a = (sign * 2 * Math.PI * ((j * k) % n)) / n;
      re += x[2 * j] * Math.cos(a) - x[2 * j + 1] * Math.sin(a);
      im += x[2 * j] * Math.sin(a) + x[2 * j + 1] * Math.cos(a);
    }
    out[2 * k] = re;
    out[2 * k + 1] = im;
  }
  return out;
}

function randomComplex(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: 2 * n }, () => rng.normal());
}

/** Clustered layout: `clusters` Gaussian blobs of std `spread` with centres spread over ±`extent`/2. */
function clusteredLayout(n: number, clusters: number, extent: number, spread: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const centres = Float64Array.from({ length: 2 * clusters }, () => (rng.next() - 0.5) * extent);
  const y = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const c = i % clusters;
    y[2 * i] = centres[2 * c] + spread * rng.normal();
    y[2 * i + 1] = centres[2 * c + 1] + spread * rng.normal();
  }
  return y;
}

/** Σⱼ≠ᵢ wᵢⱼ²(yᵢ − yⱼ) and Z = Σᵢ Σⱼ≠ᵢ wᵢⱼ, O(N²). */
function exactRepulsion(y: Float64Array): { rep: Float64Array; z: number } {
  const n = y.length / 2;
  const rep = new Float64Array(2 * n);
  let z = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const dx = y[2 * i] - y[2 * j];
      const dy = y[2 * i + 1] - y[2 * j + 1];
      const w = 1 / (1 + dx * dx + dy * dy);
      z += w;
      rep[2 * i] += w * w * dx;
      rep[2 * i + 1] += w * w * dy;
    }
  return { rep, z };
}

/** Relative L2 error of the normalised forces rep / Z, and relative error of Z. */
function forceError(got: { rep: Float64Array; z: number }, exact: { rep: Float64Array; z: number }): { force: number; z: number } {
  let err = 0;
  let norm = 0;
  for (let c = 0; c < exact.rep.length; c++) {
    err += (got.rep[c] / got.z - exact.rep[c] / exact.z) ** 2;
    norm += (exact.rep[c] / exact.z) ** 2;
  }
  return { force: Math.sqrt(err / norm), z: Math.abs(got.z - exact.z) / exact.z };
}

function bounds(y: Float64Array): [number, number, number, number] {
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let i = 0; i < y.length; i += 2) {
    minX = Math.min(minX, y[i]);
    maxX = Math.max(maxX, y[i]);
    minY = Math.min(minY, y[i + 1]);
    maxY = Math.max(maxY, y[i + 1]);
  }
  return [minX, maxX, minY, maxY];
}

async function fftRepulsion(y: Float64Array, team: Team, maxBoxWidth: number): Promise<{ rep: Float64Array; z: number; size: number }> {
  const n = y.length / 2;
  const fft = new FftRepulsion(n, team, { maxBoxWidth, minBoxes: 8 });
  const ys = new Float64Array(team.shared ? new SharedArrayBuffer(16 * n) : new ArrayBuffer(16 * n));
  ys.set(y);
  const [minX, maxX, minY, maxY] = bounds(y);
  const args = await fft.convolve(ys, minX, maxX, minY, maxY);
  const rep = new Float64Array(2 * n);
  let z = 0;
  for (let i = 0; i < n; i++) z += interpolatePoint(i, args, fft.boxOf, rep);
  return { rep, z, size: fft.plan!.size };
}

describe("radix-2 FFT", () => {
  it("matches a naive DFT, forward and inverse, for every power of two up to 256", () => {
    for (let n = 1; n <= 256; n *= 2) {
      const x = randomComplex(n, n);
      for (const inverse of [false, true]) {
        const got = x.slice();
        new Fft(n).transform(got, 0, inverse);
        const want = naiveDft(x, inverse);
        let maxErr = 0;
        for (let c = 0; c < 2 * n; c++) maxErr = Math.max(maxErr, Math.abs(got[c] - want[c]));
        expect(maxErr).toBeLessThan(1e-12 * n);
      }
    }
  });

  it("transforms a block at an offset in place and leaves the rest alone; inverse ∘ forward = L·identity", () => {
    const n = 64;
    const data = randomComplex(3 * n, 7);
    const before = data.slice();
    const fft = new Fft(n);
    fft.transform(data, n, false);
    expect(Array.from(data.subarray(0, 2 * n))).toEqual(Array.from(before.subarray(0, 2 * n)));
    expect(Array.from(data.subarray(4 * n))).toEqual(Array.from(before.subarray(4 * n)));
    fft.transform(data, n, true);
    for (let c = 2 * n; c < 4 * n; c++) expect(data[c] / n).toBeCloseTo(before[c], 12);
  });

  it("rejects sizes that are not powers of two", () => {
    expect(() => new Fft(12)).toThrow(RangeError);
    expect(() => new Fft(0)).toThrow(RangeError);
  });
});

describe("FFT-interpolated repulsion", () => {
  it("stores the kernel's real spectrum: equal to a naive 2-D DFT of the circulant kernel", () => {
    const size = 16;
    const h = 0.4;
    const spectrum = kernelSpectrum(size, h);
    const q = size / 2 + 1;
    const kernel = (a: number, b: number): number => {
      if (a === size / 2 || b === size / 2) return 0;
      const da = (a < size / 2 ? a : size - a) * h;
      const db = (b < size / 2 ? b : size - b) * h;
      return 1 / (1 + da * da + db * db) ** 2;
    };
    for (const [u, v] of [[0, 0], [1, 0], [3, 5], [8, 8], [2, 7]]) {
      let want = 0;
      for (let a = 0; a < size; a++) for (let b = 0; b < size; b++) want += kernel(a, b) * Math.cos((2 * Math.PI * (a * u + b * v)) / size);
      expect(spectrum[u * q + v] * size * size).toBeCloseTo(want, 10);
    }
  });

  it("plans a power-of-two grid with room for the circular convolution, boxes no wider than asked", () => {
    for (const extent of [1e-4, 3, 40, 150]) {
      const plan = planGrid(-extent / 2, extent / 2, -extent / 4, extent / 4, 1, 8);
      expect(Number.isInteger(Math.log2(plan.size))).toBe(true);
      expect(6 * plan.boxes - 1).toBeLessThanOrEqual(plan.size);
      expect(plan.boxes * plan.boxWidth).toBeGreaterThanOrEqual(extent);
      expect(plan.x0).toBeLessThanOrEqual(-extent / 2);
      if (extent >= 8) expect(plan.boxWidth).toBeLessThanOrEqual(1);
      expect(plan.spacing).toBeCloseTo(plan.boxWidth / 3, 15);
    }
    // The width is rounded to 2^(j/8), so a slightly bigger layout keeps the same kernel.
    const a = planGrid(0, 30, 0, 30, 1, 8);
    const b = planGrid(0, 30.5, 0, 30, 1, 8);
    expect(b.size).toBe(a.size);
    expect(b.spacing).toBe(a.spacing);
  });

  it("sorts points into boxes stably (index order inside a box)", () => {
    const y = Float64Array.of(0.1, 0.1, 5, 5, 0.2, 0.3, 9.9, 0.1, 5.1, 5.2, 0, 9.9);
    const plan = planGrid(0, 9.9, 0, 9.9, 1, 8);
    const boxOf = new Int32Array(6);
    const boxStart = new Int32Array(plan.boxes * plan.boxes + 1);
    const order = new Int32Array(6);
    sortIntoBoxes(y, 6, plan, boxOf, boxStart, order);
    expect(boxOf[0]).toBe(boxOf[2]);
    expect(boxOf[1]).toBe(boxOf[4]);
    const b0 = boxOf[0];
    expect(Array.from(order.subarray(boxStart[b0], boxStart[b0 + 1]))).toEqual([0, 2]);
    expect(Array.from(order).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(boxStart[plan.boxes * plan.boxes]).toBe(6);
  });

  it("approximates the exact O(N²) forces and Z, and converges as the boxes shrink", async () => {
    const team = await Team.create(1);
    for (const seed of [1, 2]) {
      const y = clusteredLayout(600, 6, 30, 2, seed);
      const exact = exactRepulsion(y);
      const coarse = forceError(await fftRepulsion(y, team, 1), exact);
      const fine = forceError(await fftRepulsion(y, team, 0.25), exact);
      expect(coarse.force).toBeLessThan(0.03); // FIt-SNE's default accuracy (1 box per unit, 3 nodes)
      expect(coarse.z).toBeLessThan(0.005);
      expect(fine.force).toBeLessThan(coarse.force / 8);
      expect(fine.z).toBeLessThan(1e-3);
    }
  });

  it("gives the same forces, bit for bit, with two threads as with one", async () => {
    const y = clusteredLayout(3000, 5, 40, 3, 9);
    const one = await fftRepulsion(y, await Team.create(1), 1);
    const team = await Team.create(2);
    try {
      const two = await fftRepulsion(y, team, 1);
      expect(team.size).toBe(2);
      expect(two.size).toBeGreaterThanOrEqual(256);
      expect(two.z).toBe(one.z);
      expect(Buffer.from(two.rep.buffer).equals(Buffer.from(one.rep.buffer))).toBe(true);
    } finally {
      await team.close();
    }
  });
});

describe("Barnes-Hut group tree", () => {
  function treeRepulsion(y: Float64Array, theta: number): { rep: Float64Array; z: number; tree: GroupTree } {
    const n = y.length / 2;
    const tree = new GroupTree(n, false);
    tree.build(y, theta);
    const rep = new Float64Array(2 * n);
    const zTerm = new Float64Array(n);
    for (let g = 0; g < tree.groupCount; g++) groupRepulsion(tree.nodes, tree.skip, tree.size, tree.groups[2 * g], tree.groups[2 * g + 1], tree.order, tree.sorted, rep, zTerm);
    let z = 0;
    for (let i = 0; i < n; i++) z += zTerm[i];
    return { rep, z, tree };
  }

  it("is exact at θ = 0 and within BH accuracy at θ = 0.6", () => {
    const y = clusteredLayout(800, 8, 40, 2, 3);
    const exact = exactRepulsion(y);
    const full = forceError(treeRepulsion(y, 0), exact);
    expect(full.force).toBeLessThan(1e-12);
    expect(full.z).toBeLessThan(1e-12);
    const small = clusteredLayout(10, 2, 4, 1, 5); // fewer points than a group: the root is the one group
    expect(forceError(treeRepulsion(small, 0), exactRepulsion(small)).force).toBeLessThan(1e-12);
    const bh = forceError(treeRepulsion(y, 0.6), exact);
    expect(bh.force).toBeLessThan(0.03);
    expect(bh.z).toBeLessThan(0.01);
    expect(bh.force).toBeGreaterThan(0); // it does approximate
  });

  it("covers every point with exactly one group of at most 16 (a crowded finest cell split up)", () => {
    const y = clusteredLayout(500, 3, 10, 1, 4);
    for (let i = 0; i < 40; i++) {
      y[2 * i] = 1; // 40 identical points: one leaf, three groups
      y[2 * i + 1] = 1;
    }
    const { tree } = treeRepulsion(y, 0.6);
    const seen = new Int32Array(500);
    for (let g = 0; g < tree.groupCount; g++) {
      const [start, end] = [tree.groups[2 * g], tree.groups[2 * g + 1]];
      expect(end - start).toBeGreaterThan(0);
      expect(end - start).toBeLessThanOrEqual(16);
      for (let s = start; s < end; s++) seen[tree.order[s]]++;
    }
    expect(seen.every((c) => c === 1)).toBe(true);
  });

  it("copes with coincident points (self excluded from Z, no force)", () => {
    const n = 300;
    const y = new Float64Array(2 * n).fill(3);
    const { rep, z, tree } = treeRepulsion(y, 0.6);
    expect(z).toBe(n * (n - 1));
    expect(rep.every((v) => v === 0)).toBe(true);
    expect(tree.size).toBe(1);
  });
});
