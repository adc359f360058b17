/**
 * UMAP's layout optimisation (umap-learn's optimize_layout_euclidean): stochastic gradient descent
 * over the fuzzy graph's edges, each sampled in proportion to its weight, with negative sampling
 * for repulsion and a learning rate decaying linearly to zero. Typed arrays only, seeded.
 */
import type { Pacer } from "./pacer";
import { shareFloat32, shareInt32, sharedFloat32, sharedInt32 } from "./sharedArrays";
import type { Kernel, Team } from "./team";
import type { CsrMatrix } from "./sparse";

export interface LayoutOptions {
  nEpochs: number;
  /** Curve parameters of 1 / (1 + a·d^(2b)), fitted from min_dist and spread. */
  a: number;
  b: number;
  negativeSampleRate?: number;
  repulsionStrength?: number;
  initialAlpha?: number;
}

export interface LayoutEdges {
  head: Int32Array;
  tail: Int32Array;
  /** How many epochs pass between two samples of an edge (its weight, inverted, in epochs). */
  epochsPerSample: Float32Array;
}

/** Edges worth sampling: umap-learn drops weights below max / n_epochs (never sampled anyway). */
export function layoutEdges(graph: CsrMatrix, nEpochs: number): LayoutEdges {
  let max = 0;
  for (let i = 0; i < graph.values.length; i++) max = Math.max(max, graph.values[i]);
  const threshold = max / nEpochs;
  let count = 0;
  for (let i = 0; i < graph.values.length; i++) if (graph.values[i] >= threshold && graph.values[i] > 0) count++;
  const head = new Int32Array(count);
  const tail = new Int32Array(count);
  const epochsPerSample = new Float32Array(count);
  let e = 0;
  for (let r = 0; r < graph.n; r++) {
    for (let p = graph.rowStart[r]; p < graph.rowStart[r + 1]; p++) {
      const w = graph.values[p];
      if (!(w >= threshold && w > 0)) continue;
      head[e] = r;
      tail[e] = graph.cols[p];
      epochsPerSample[e++] = max / w; // = n_epochs / (n_epochs · w / max)
    }
  }
  return { head, tail, epochsPerSample };
}

const CLIP = 4;
/** Edge samples per kernel call (all threads together): ≈ 10–30 ms of work, so abort stays prompt. */
const EDGE_CHUNK = 262_144;
/** Edges a thread takes at a time from the chunk (dynamic hand-out; one thread takes them in order). */
const EDGE_BLOCK = 8_192;

/**
 * Optimises `embedding` (interleaved x,y, length 2N; shared when the team has several threads) in
 * place. One thread: bitwise deterministic for a seed. Several: Hogwild — threads update the
 * shared layout without locks, as umap-learn's parallel mode does, so layouts differ run to run
 * in the last digits and then beyond, with the same quality. `onEpoch` sees each finished epoch.
 */
export async function optimizeLayout(
  embedding: Float64Array,
  edges: LayoutEdges,
  options: LayoutOptions,
  seed: number,
  team: Team,
  pacer: Pacer,
  onEpoch: (epoch: number) => void,
): Promise<void> {
  const { head, tail, epochsPerSample } = edges;
  const { a, b, nEpochs } = options;
  const negativeRate = options.negativeSampleRate ?? 5;
  const gamma = options.repulsionStrength ?? 1;
  const initialAlpha = options.initialAlpha ?? 1;
  const edgeCount = head.length;
  const shared = team.shared;
  // Per-edge schedules in float32 (epoch counts ≤ a few thousand: 1e-4 resolution is plenty), half the memory.
  const epochsPerNegative = sharedFloat32(edgeCount, shared);
  const nextSample = sharedFloat32(edgeCount, shared);
  const nextNegative = sharedFloat32(edgeCount, shared);
  for (let e = 0; e < edgeCount; e++) {
    nextSample[e] = epochsPerSample[e];
    epochsPerNegative[e] = epochsPerSample[e] / negativeRate;
    nextNegative[e] = epochsPerNegative[e];
  }
  // One mulberry32 state per part: each thread draws its own negative samples.
  const rngState = sharedInt32(team.size, shared);
  for (let p = 0; p < team.size; p++) rngState[p] = (Math.imul(seed >>> 0, 0x9e3779b1) + 0x7f4a7c15 * (p + 1)) | 0;
  const args = {
    embedding,
    head: shareInt32(head, shared),
    tail: shareInt32(tail, shared),
    epochsPerSample: shareFloat32(epochsPerSample, shared),
    epochsPerNegative,
    nextSample,
    nextNegative,
    rngState,
    a,
    b,
    gamma,
    epoch: 0,
    alpha: initialAlpha,
    start: 0,
    end: 0,
    // Blocks of the chunk are handed out through this counter, so a thread the OS delays takes fewer.
    nextBlock: sharedInt32(1, shared),
  };
  for (let epoch = 0; epoch < nEpochs; epoch++) {
    args.epoch = epoch;
    args.alpha = initialAlpha * (1 - epoch / nEpochs); // umap-learn's schedule: epoch 0 runs at full rate
    for (let start = 0; start < edgeCount; start += EDGE_CHUNK) {
      args.start = start;
      args.end = Math.min(edgeCount, start + EDGE_CHUNK);
      args.nextBlock[0] = 0;
      await team.run("umapEdges", args);
      await pacer.pace();
    }
    onEpoch(epoch + 1);
  }
}

/**
 * The two gradient coefficients as functions of d² = ‖yᵢ − yⱼ‖², tabulated: d^(2b) costs an exp
 * and a log (≈ 75 % of the layout's time when computed per pair). The table is indexed by the
 * float32 bits of d² — exponent plus the top 9 mantissa bits, so cells are 0.2 % wide in d² — and
 * holds each coefficient at the cell's centre (≤ 0.1 % off, far below SGD's own noise). d² outside
 * [2⁻²⁰, 2²⁰) falls back to the exact formula.
 */
const MANTISSA_BITS = 9;
const SHIFT = 23 - MANTISSA_BITS;
const LOW_EXP = -20;
const HIGH_EXP = 20;
const TABLE_BASE = (127 + LOW_EXP) << MANTISSA_BITS;
const TABLE_SIZE = (HIGH_EXP - LOW_EXP) << MANTISSA_BITS;
const bitsView = new Float32Array(1);
const bitsInt = new Int32Array(bitsView.buffer);

interface CoefficientTable {
  key: string;
  attract: Float32Array;
  repel: Float32Array;
}
let table: CoefficientTable | null = null;

const attractCoefficient = (d2: number, a: number, b: number): number => {
  const pb = Math.exp(b * Math.log(d2));
  return (-2 * a * b * pb) / (d2 * (a * pb + 1));
};
const repelCoefficient = (d2: number, a: number, b: number, gamma: number): number => (2 * gamma * b) / ((0.001 + d2) * (a * Math.exp(b * Math.log(d2)) + 1));

function coefficientTable(a: number, b: number, gamma: number): CoefficientTable {
  const key = `${a}/${b}/${gamma}`;
  if (table?.key === key) return table;
  const attract = new Float32Array(TABLE_SIZE);
  const repel = new Float32Array(TABLE_SIZE);
  for (let t = 0; t < TABLE_SIZE; t++) {
    const code = TABLE_BASE + t;
    const exponent = (code >> MANTISSA_BITS) - 127;
    const mantissa = 1 + ((code & ((1 << MANTISSA_BITS) - 1)) + 0.5) / (1 << MANTISSA_BITS);
    const d2 = mantissa * 2 ** exponent;
    attract[t] = attractCoefficient(d2, a, b);
    repel[t] = repelCoefficient(d2, a, b, gamma);
  }
  table = { key, attract, repel };
  return table;
}

/**
 * Team kernel: one chunk of one epoch — edges [start, end), handed out in blocks to the parts.
 * Attraction along each due edge (both ends move), `negatives` repulsive samples for its head, gradients clipped to
 * ±4 and scaled by the learning rate, as umap-learn's optimize_layout_euclidean.
 */
export const umapEdges: Kernel = (args, part, parts) => {
  const embedding = args.embedding as Float64Array;
  const head = args.head as Int32Array;
  const tail = args.tail as Int32Array;
  const epochsPerSample = args.epochsPerSample as Float32Array;
  const epochsPerNegative = args.epochsPerNegative as Float32Array;
  const nextSample = args.nextSample as Float32Array;
  const nextNegative = args.nextNegative as Float32Array;
  const rngState = args.rngState as Int32Array;
  const a = args.a as number;
  const b = args.b as number;
  const epoch = args.epoch as number;
  const alpha = args.alpha as number;
  const gamma = args.gamma as number;
  const { attract, repel } = coefficientTable(a, b, gamma);
  const n = embedding.length >> 1;
  const begin = args.start as number;
  const finish = args.end as number;
  const nextBlock = args.nextBlock as Int32Array;
  let state = rngState[part] >>> 0;
  for (;;) {
    const block = parts > 1 ? Atomics.add(nextBlock, 0, 1) : nextBlock[0]++;
    const from = begin + block * EDGE_BLOCK;
    if (from >= finish) break;
    const to = Math.min(finish, from + EDGE_BLOCK);
    for (let e = from; e < to; e++) {
      if (nextSample[e] > epoch) continue;
      const j2 = head[e] << 1;
      const k2 = tail[e] << 1;
      const xj = embedding[j2];
      const yj = embedding[j2 + 1];
      let dx = xj - embedding[k2];
      let dy = yj - embedding[k2 + 1];
      let d2 = dx * dx + dy * dy;
      let gx = 0;
      let gy = 0;
      if (d2 > 0) {
        bitsView[0] = d2;
        const cell = (bitsInt[0] >> SHIFT) - TABLE_BASE;
        const coeff = cell >= 0 && cell < TABLE_SIZE ? attract[cell] : attractCoefficient(d2, a, b);
        gx = coeff * dx;
        gy = coeff * dy;
        gx = (gx > CLIP ? CLIP : gx < -CLIP ? -CLIP : gx) * alpha;
        gy = (gy > CLIP ? CLIP : gy < -CLIP ? -CLIP : gy) * alpha;
        embedding[k2] -= gx;
        embedding[k2 + 1] -= gy;
      }
      let px = xj + gx;
      let py = yj + gy;
      nextSample[e] += epochsPerSample[e];
      const perNegative = epochsPerNegative[e];
      const negatives = Math.floor((epoch - nextNegative[e]) / perNegative);
      for (let s = 0; s < negatives; s++) {
        // mulberry32, inlined
        state = (state + 0x6d2b79f5) >>> 0;
        let t = Math.imul(state ^ (state >>> 15), state | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        const other = Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n) << 1;
        if (other === j2) continue;
        dx = px - embedding[other];
        dy = py - embedding[other + 1];
        d2 = dx * dx + dy * dy;
        if (!(d2 > 0)) continue;
        bitsView[0] = d2;
        const cell = (bitsInt[0] >> SHIFT) - TABLE_BASE;
        const coeff = cell >= 0 && cell < TABLE_SIZE ? repel[cell] : repelCoefficient(d2, a, b, gamma);
        gx = coeff * dx;
        gy = coeff * dy;
        px += (gx > CLIP ? CLIP : gx < -CLIP ? -CLIP : gx) * alpha;
        py += (gy > CLIP ? CLIP : gy < -CLIP ? -CLIP : gy) * alpha;
      }
      embedding[j2] = px;
      embedding[j2 + 1] = py;
      if (negatives > 0) nextNegative[e] += negatives * perNegative;
    }
  }
  rngState[part] = state | 0;
};
