/**
 * PCA's data passes, as thread-team kernels (see team.ts). Rows are cut into chunks of a fixed size
 * that does not depend on the number of threads (threads claim chunks from a shared counter); each
 * chunk writes its own partial sums, and the caller adds the partials in chunk order, so the result
 * is bit-for-bit the same for any team size.
 * The N×D input is only read (Float32), never copied or centred in place: the mean is subtracted
 * from the Float64 row products instead (or from a 64-row Float64 block, for the scatter matrix).
 * The Lanczos loops use 3×4 register tiles (Float32 loads, Float64 accumulators): measured in V8
 * at 384 dims, 3×4 ran ≈2.2 G multiply-adds/s per core, 2×4 1.8–2.05 and 4×4 1.95–2.08.
 */
import { partRange } from "./sharedArrays";
import type { Kernel, KernelArgs } from "./team";

/**
 * The next chunk (0-based within the call) for whichever thread asks: threads take chunks from a
 * shared counter (`args.next`, an Int32Array the caller zeroes before each call), so a thread the
 * OS runs less often on a busy machine simply takes fewer. Every chunk writes its own partial, so
 * the sums do not depend on who took what.
 */
function claim(args: KernelArgs): number {
  return Atomics.add(args.next as Int32Array, 0, 1);
}

/** The chunks [firstChunk, firstChunk + chunkCount) this call covers, and the rows of one chunk. */
interface ChunkArgs {
  data: Float32Array;
  n: number;
  dims: number;
  chunkRows: number;
  firstChunk: number;
  chunkCount: number;
}

/** Rows per chunk (a multiple of the 3-row tile): ≈256 KB of Float32 rows (L2-resident while read twice), 48 rows at least. */
export function pcaChunkRows(dims: number): number {
  return 12 * Math.max(4, Math.min(21, Math.floor(65536 / (12 * dims))));
}

/**
 * Column sums of (x − shift) and the total Σ‖x − shift‖² for each chunk of this call:
 * partial[i·(D+1) + c] and partial[i·(D+1) + D]. A shift near the data (its first row) keeps the
 * variance Σ‖x − μ‖² = Σ‖x − s‖² − N‖μ − s‖² free of cancellation.
 */
const pcaMoments: Kernel = (args) => {
  const { data, n, dims, chunkRows, firstChunk, chunkCount } = args as unknown as ChunkArgs;
  const shift = args.shift as Float64Array;
  const partial = args.partial as Float64Array;
  const sums = new Float64Array(dims);
  for (let i = claim(args); i < chunkCount; i = claim(args)) {
    const start = (firstChunk + i) * chunkRows;
    sums.fill(0);
    const squares = momentsChunk(data, dims, start, Math.min(n, start + chunkRows), shift, sums);
    partial.set(sums, i * (dims + 1));
    partial[i * (dims + 1) + dims] = squares;
  }
};

/** Adds Σ (x − shift) over rows [start, end) into sums, 4 rows at a time; returns Σ‖x − shift‖². */
function momentsChunk(data: Float32Array, dims: number, start: number, end: number, shift: Float64Array, sums: Float64Array): number {
  let s0 = 0;
  let s1 = 0;
  let r = start;
  for (; r + 3 < end; r += 4) {
    const o0 = r * dims;
    const o1 = o0 + dims;
    const o2 = o1 + dims;
    const o3 = o2 + dims;
    for (let c = 0; c < dims; c++) {
      const m = shift[c];
      const d0 = data[o0 + c] - m;
      const d1 = data[o1 + c] - m;
      const d2 = data[o2 + c] - m;
      const d3 = data[o3 + c] - m;
      sums[c] += d0 + d1 + (d2 + d3);
      s0 += d0 * d0 + d1 * d1;
      s1 += d2 * d2 + d3 * d3;
    }
  }
  for (; r < end; r++) {
    const o = r * dims;
    for (let c = 0; c < dims; c++) {
      const d = data[o + c] - shift[c];
      sums[c] += d;
      s0 += d * d;
    }
  }
  return s0 + s1;
}

/**
 * One application of XcᵀXc to a block of b vectors, per chunk: for the chunk's rows R,
 * S = X_R·V − 1·offsetsᵀ (offsets[j] = μ·v_j, so S = Xc_R·V), then partial = X_Rᵀ·S and the column
 * sums 1ᵀS. The caller forms Σ partials − μ·(Σ column sums)ᵀ = XcᵀXc·V.
 * `basis` is dim-major (basis[c·b + j] = v_j[c]); a chunk's partial is D·b dim-major values then b
 * column sums, at partial[i·(D·b + b)].
 */
const pcaApply: Kernel = (args) => {
  const { data, n, dims, chunkRows, firstChunk, chunkCount } = args as unknown as ChunkArgs;
  const basis = args.basis as Float64Array;
  const offsets = args.offsets as Float64Array;
  const b = args.b as number;
  const partial = args.partial as Float64Array;
  const stride = dims * b + b;
  const s = new Float64Array(chunkRows * b);
  for (let i = claim(args); i < chunkCount; i = claim(args)) {
    const start = (firstChunk + i) * chunkRows;
    const rows = Math.min(n, start + chunkRows) - start;
    rowProducts(data, dims, start, rows, basis, offsets, b, s);
    const out = i * stride;
    transposeProducts(data, dims, start, rows, s, b, partial, out);
    for (let j = 0; j < b; j++) {
      let sum = 0;
      for (let r = 0; r < rows; r++) sum += s[r * b + j];
      partial[out + dims * b + j] = sum;
    }
  }
};

/** s[r·b + j] = x_{start+r}·v_j − offsets[j] for `rows` rows: 3 rows × 4 vectors per tile. */
function rowProducts(data: Float32Array, dims: number, start: number, rows: number, v: Float64Array, offsets: Float64Array, b: number, s: Float64Array): void {
  let r = 0;
  for (; r + 2 < rows; r += 3) {
    const o0 = (start + r) * dims;
    const o1 = o0 + dims;
    const o2 = o1 + dims;
    const s0 = r * b;
    const s1 = s0 + b;
    const s2 = s1 + b;
    let j = 0;
    for (; j + 3 < b; j += 4) {
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0, c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      for (let c = 0, vc = j; c < dims; c++, vc += b) {
        const v0 = v[vc], v1 = v[vc + 1], v2 = v[vc + 2], v3 = v[vc + 3];
        let x = data[o0 + c];
        a0 += x * v0; a1 += x * v1; a2 += x * v2; a3 += x * v3;
        x = data[o1 + c];
        b0 += x * v0; b1 += x * v1; b2 += x * v2; b3 += x * v3;
        x = data[o2 + c];
        c0 += x * v0; c1 += x * v1; c2 += x * v2; c3 += x * v3;
      }
      const f0 = offsets[j], f1 = offsets[j + 1], f2 = offsets[j + 2], f3 = offsets[j + 3];
      s[s0 + j] = a0 - f0; s[s0 + j + 1] = a1 - f1; s[s0 + j + 2] = a2 - f2; s[s0 + j + 3] = a3 - f3;
      s[s1 + j] = b0 - f0; s[s1 + j + 1] = b1 - f1; s[s1 + j + 2] = b2 - f2; s[s1 + j + 3] = b3 - f3;
      s[s2 + j] = c0 - f0; s[s2 + j + 1] = c1 - f1; s[s2 + j + 2] = c2 - f2; s[s2 + j + 3] = c3 - f3;
    }
    for (; j < b; j++) {
      let a = 0, bb = 0, cc = 0;
      for (let c = 0, vc = j; c < dims; c++, vc += b) {
        const w = v[vc];
        a += data[o0 + c] * w;
        bb += data[o1 + c] * w;
        cc += data[o2 + c] * w;
      }
      s[s0 + j] = a - offsets[j];
      s[s1 + j] = bb - offsets[j];
      s[s2 + j] = cc - offsets[j];
    }
  }
  for (; r < rows; r++) {
    const o = (start + r) * dims;
    for (let j = 0; j < b; j++) {
      let a = 0;
      for (let c = 0, vc = j; c < dims; c++, vc += b) a += data[o + c] * v[vc];
      s[r * b + j] = a - offsets[j];
    }
  }
}

/** out[o + c·b + j] = Σ_r x_{start+r}[c]·s[r·b + j]: 3 dims × 4 vectors per tile, rows innermost. */
function transposeProducts(data: Float32Array, dims: number, start: number, rows: number, s: Float64Array, b: number, out: Float64Array, o: number): void {
  const first = start * dims;
  let c = 0;
  for (; c + 2 < dims; c += 3) {
    const q0 = o + c * b;
    const q1 = q0 + b;
    const q2 = q1 + b;
    let j = 0;
    for (; j + 3 < b; j += 4) {
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0, c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      for (let r = 0, x = first + c, sj = j; r < rows; r++, x += dims, sj += b) {
        const t0 = s[sj], t1 = s[sj + 1], t2 = s[sj + 2], t3 = s[sj + 3];
        let y = data[x];
        a0 += y * t0; a1 += y * t1; a2 += y * t2; a3 += y * t3;
        y = data[x + 1];
        b0 += y * t0; b1 += y * t1; b2 += y * t2; b3 += y * t3;
        y = data[x + 2];
        c0 += y * t0; c1 += y * t1; c2 += y * t2; c3 += y * t3;
      }
      out[q0 + j] = a0; out[q0 + j + 1] = a1; out[q0 + j + 2] = a2; out[q0 + j + 3] = a3;
      out[q1 + j] = b0; out[q1 + j + 1] = b1; out[q1 + j + 2] = b2; out[q1 + j + 3] = b3;
      out[q2 + j] = c0; out[q2 + j + 1] = c1; out[q2 + j + 2] = c2; out[q2 + j + 3] = c3;
    }
    for (; j < b; j++) {
      let a = 0, bb = 0, cc = 0;
      for (let r = 0, x = first + c, sj = j; r < rows; r++, x += dims, sj += b) {
        const t = s[sj];
        a += data[x] * t;
        bb += data[x + 1] * t;
        cc += data[x + 2] * t;
      }
      out[q0 + j] = a;
      out[q1 + j] = bb;
      out[q2 + j] = cc;
    }
  }
  for (; c < dims; c++) {
    for (let j = 0; j < b; j++) {
      let a = 0;
      for (let r = 0, x = first + c, sj = j; r < rows; r++, x += dims, sj += b) a += data[x] * s[sj];
      out[o + c * b + j] = a;
    }
  }
}

/**
 * Scores of rows [firstRow, firstRow + rowCount) (split across parts): scores[r·k + j] =
 * x_r·w_j − offsets[j] with w dim-major (axes[c·k + j]) and offsets[j] = μ·w_j.
 */
const pcaScores: Kernel = (args, part, parts) => {
  const data = args.data as Float32Array;
  const dims = args.dims as number;
  const firstRow = args.firstRow as number;
  const axes = args.axes as Float64Array;
  const offsets = args.offsets as Float64Array;
  const k = args.k as number;
  const scores = args.scores as Float64Array;
  const [from, to] = partRange(args.rowCount as number, part, parts);
  const rows = to - from;
  if (rows <= 0) return;
  const s = new Float64Array(rows * k);
  rowProducts(data, dims, firstRow + from, rows, axes, offsets, k, s);
  scores.set(s, (firstRow + from) * k);
};

/** Rows per scatter group: ≈2²⁵ multiply-adds (tens of ms), in whole 64-row blocks. */
export function pcaScatterRows(dims: number): number {
  return SCATTER_BLOCK * Math.max(1, Math.min(64, Math.floor((1 << 25) / (dims * dims * SCATTER_BLOCK))));
}

/** Rows per scatter block: a column-major block of 64 rows × 384 dims is 192 KB of Float64. */
const SCATTER_BLOCK = 64;

/**
 * The upper triangle of Σ (x − μ)(x − μ)ᵀ over each group of this call (groups of `groupRows`
 * rows, partial[i·D²…]; entries below the diagonal are left unspecified). Each 64-row block is
 * centred into a column-major Float64 scratch, then multiplied in 2×4 register tiles.
 */
const pcaScatter: Kernel = (args, part, parts) => {
  const data = args.data as Float32Array;
  const n = args.n as number;
  const d = args.dims as number;
  const groupRows = args.groupRows as number;
  const firstGroup = args.firstGroup as number;
  const mean = args.mean as Float64Array;
  const partial = args.partial as Float64Array;
  const block = new Float64Array(d * SCATTER_BLOCK);
  const [from, to] = partRange(args.groupCount as number, part, parts);
  for (let g = from; g < to; g++) {
    const out = g * d * d;
    partial.fill(0, out, out + d * d);
    const groupStart = (firstGroup + g) * groupRows;
    const groupEnd = Math.min(n, groupStart + groupRows);
    for (let start = groupStart; start < groupEnd; start += SCATTER_BLOCK) {
      const rows = Math.min(SCATTER_BLOCK, groupEnd - start);
      for (let r = 0; r < rows; r++) {
        const base = (start + r) * d;
        for (let c = 0; c < d; c++) block[c * SCATTER_BLOCK + r] = data[base + c] - mean[c];
      }
      scatterBlock(block, rows, d, partial, out);
    }
  }
};

/** s[o + i·d + j] += Σ_r block[i][r]·block[j][r] for j ≥ i (and for (i+1, i) on the diagonal pairs). */
function scatterBlock(block: Float64Array, rows: number, d: number, s: Float64Array, o: number): void {
  for (let i = 0; i < d; i += 2) {
    const ia = i * SCATTER_BLOCK;
    const twoRows = i + 1 < d;
    const ib = twoRows ? ia + SCATTER_BLOCK : ia;
    let j = i;
    for (; j + 3 < d; j += 4) {
      const j0 = j * SCATTER_BLOCK;
      const j1 = j0 + SCATTER_BLOCK;
      const j2 = j1 + SCATTER_BLOCK;
      const j3 = j2 + SCATTER_BLOCK;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
      for (let r = 0; r < rows; r++) {
        const xa = block[ia + r];
        const xb = block[ib + r];
        const y0 = block[j0 + r];
        const y1 = block[j1 + r];
        const y2 = block[j2 + r];
        const y3 = block[j3 + r];
        a0 += xa * y0; a1 += xa * y1; a2 += xa * y2; a3 += xa * y3;
        b0 += xb * y0; b1 += xb * y1; b2 += xb * y2; b3 += xb * y3;
      }
      const si = o + i * d + j;
      s[si] += a0; s[si + 1] += a1; s[si + 2] += a2; s[si + 3] += a3;
      if (twoRows) {
        const sj = si + d;
        s[sj] += b0; s[sj + 1] += b1; s[sj + 2] += b2; s[sj + 3] += b3;
      }
    }
    for (; j < d; j++) {
      const jj = j * SCATTER_BLOCK;
      let a = 0, b = 0;
      for (let r = 0; r < rows; r++) {
        a += block[ia + r] * block[jj + r];
        b += block[ib + r] * block[jj + r];
      }
      s[o + i * d + j] += a;
      if (twoRows) s[o + (i + 1) * d + j] += b;
    }
  }
}

export const PCA_KERNELS = { pcaMoments, pcaApply, pcaScatter, pcaScores };
