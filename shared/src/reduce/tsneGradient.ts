/**
 * The two halves of the t-SNE gradient (Student-t kernel, one degree of freedom):
 *   ∂C/∂yᵢ = 4 · (α Σⱼ pᵢⱼ wᵢⱼ (yᵢ − yⱼ) − Σⱼ wᵢⱼ² (yᵢ − yⱼ) / Z),  wᵢⱼ = 1 / (1 + ‖yᵢ − yⱼ‖²), Z = Σ wᵢⱼ.
 * Attraction runs over the sparse P (tsneAffinities.ts); repulsion and Z come from FFT
 * interpolation (tsneFft.ts) or from the Barnes-Hut group tree (tsneTree.ts), whichever is cheaper
 * for the layout's current extent (tsne.ts).
 */
import { partRange } from "./sharedArrays";
import type { Kernel } from "./team";
import type { Affinities } from "./tsneAffinities";
import { interpolatePoint, type GridArgs } from "./tsneFft";
import { buildGroupTree, groupRepulsion, type TreeArrays } from "./tsneTree";

/** Sets pos[2i], pos[2i + 1] to Σⱼ pᵢⱼ wᵢⱼ (yᵢ − yⱼ) for i in [from, to): forward edges, then the row's listed ones. */
export function attraction(p: Affinities, y: Float64Array, pos: Float64Array, from = 0, to = p.n): void {
  const { k, indices, values, revStart, revSrc, revVal } = p;
  for (let i = from; i < to; i++) {
    const xi = y[2 * i];
    const yi = y[2 * i + 1];
    let fx = 0;
    let fy = 0;
    for (let e = i * k, end = e + k; e < end; e++) {
      const j2 = indices[e] << 1;
      const dx = xi - y[j2];
      const dy = yi - y[j2 + 1];
      const pw = values[e] / (1 + dx * dx + dy * dy);
      fx += pw * dx;
      fy += pw * dy;
    }
    for (let r = revStart[i], end = revStart[i + 1]; r < end; r++) {
      const j2 = revSrc[r] << 1;
      const dx = xi - y[j2];
      const dy = yi - y[j2 + 1];
      const pw = revVal[r] / (1 + dx * dx + dy * dy);
      fx += pw * dx;
      fy += pw * dy;
    }
    pos[2 * i] = fx;
    pos[2 * i + 1] = fy;
  }
}

/** KL(P‖Q) = Σ pᵢⱼ log(pᵢⱼ / qᵢⱼ) over P's support (ordered pairs), with qᵢⱼ = wᵢⱼ / Z. */
export function klDivergence(p: Affinities, y: Float64Array, sumQ: number): number {
  const { n, k, indices, values, revStart, revSrc, revVal } = p;
  const tiny = 1.1754943508222875e-38; // float32's smallest normal, as scikit-learn floors both
  let kl = 0;
  const term = (i: number, j: number, pij: number): void => {
    if (!(pij > 0)) return;
    const dx = y[2 * i] - y[2 * j];
    const dy = y[2 * i + 1] - y[2 * j + 1];
    const qij = 1 / (1 + dx * dx + dy * dy) / sumQ;
    kl += pij * Math.log(Math.max(pij, tiny) / Math.max(qij, tiny));
  };
  for (let i = 0; i < n; i++) {
    for (let e = i * k; e < (i + 1) * k; e++) term(i, indices[e], values[e]);
    for (let r = revStart[i]; r < revStart[i + 1]; r++) term(i, revSrc[r], revVal[r]);
  }
  return kl;
}

/** Where a gradient step's repulsion comes from. */
export const REPULSION_FFT = 1;
export const REPULSION_TREE = 2;

/** Work per chunk: points of attraction, points interpolated from the FFT grids, groups of the tree. */
export const ATTRACTION_CHUNK = 256;
export const INTERPOLATION_CHUNK = 1024;
export const GROUP_CHUNK = 32;

/** What tsneForces reads and writes (shared arrays when the team has workers). */
export interface ForceArgs extends GridArgs, TreeArrays, Affinities {
  /** Attraction Σⱼ pᵢⱼ wᵢⱼ (yᵢ − yⱼ), 2N. */
  pos: Float64Array;
  /** Repulsion Σⱼ wᵢⱼ² (yᵢ − yⱼ), 2N (not scaled by 1 / Z). */
  rep: Float64Array;
  /** Each point's share of Z. */
  zTerm: Float64Array;
  /** REPULSION_FFT: from the grids (needs `boxOf`); REPULSION_TREE: from the group tree. */
  mode: number;
  boxOf: Int32Array;
  /** [next chunk, tree state (0 building, 1 ready, 2 failed)]. */
  control: Int32Array;
  /** This call takes chunks until the counter reaches `callEnd`. */
  callEnd: number;
  /** Part 0 builds the tree first (the first call of a tree step); the others start on attraction meanwhile. */
  buildTree: boolean;
  theta: number;
}

/** Chunks of one force step: attraction chunks first, then repulsion chunks (groups: an upper bound before the build). */
export function forceChunks(n: number, mode: number, groupCount = n): { attraction: number; total: number } {
  const attractionChunks = Math.ceil(n / ATTRACTION_CHUNK);
  const repulsionChunks = mode === REPULSION_FFT ? Math.ceil(n / INTERPOLATION_CHUNK) : mode === REPULSION_TREE ? Math.ceil(groupCount / GROUP_CHUNK) : 0;
  return { attraction: attractionChunks, total: attractionChunks + repulsionChunks };
}

/** Longest a part waits for the tree another part builds (a build takes milliseconds). */
const TREE_WAIT_MS = 60_000;

function waitForTree(control: Int32Array): void {
  const started = Date.now();
  for (;;) {
    const state = Atomics.load(control, 1);
    if (state === 1) return;
    if (state === 2) throw new Error("t-SNE: building the Barnes-Hut tree failed in another thread");
    if (Date.now() - started > TREE_WAIT_MS) throw new Error("t-SNE: timed out waiting for the Barnes-Hut tree");
    Atomics.wait(control, 1, 0, 100);
  }
}

/**
 * Kernel: one call of a force step. Parts take chunks from a shared counter until `callEnd` —
 * attraction for ATTRACTION_CHUNK points, or repulsion with Z's shares for INTERPOLATION_CHUNK
 * points (FFT) or GROUP_CHUNK groups (tree) — so a busy or slow thread simply takes fewer. A
 * chunk's result does not depend on who computes it. With `buildTree`, part 0 first builds the
 * tree while the other parts start on attraction; a part reaching the repulsion chunks waits for it.
 */
export const tsneForces: Kernel = (raw, part) => {
  const a = raw as unknown as ForceArgs;
  const { control, n, mode } = a;
  if (a.buildTree && part === 0) {
    try {
      buildGroupTree(a, a.y, n, a.theta);
      Atomics.store(control, 1, 1);
    } catch (err) {
      Atomics.store(control, 1, 2);
      throw err;
    } finally {
      if (control.buffer instanceof SharedArrayBuffer) Atomics.notify(control, 1);
    }
  }
  const attractionChunks = Math.ceil(n / ATTRACTION_CHUNK);
  for (;;) {
    const c = Atomics.add(control, 0, 1);
    if (c >= a.callEnd) break;
    if (c < attractionChunks) {
      const from = c * ATTRACTION_CHUNK;
      attraction(a as unknown as Affinities, a.y, a.pos, from, Math.min(n, from + ATTRACTION_CHUNK));
    } else if (mode === REPULSION_FFT) {
      const from = (c - attractionChunks) * INTERPOLATION_CHUNK;
      for (let i = from, to = Math.min(n, from + INTERPOLATION_CHUNK); i < to; i++) a.zTerm[i] = interpolatePoint(i, a, a.boxOf, a.rep);
    } else if (mode === REPULSION_TREE) {
      waitForTree(control);
      const nodeCount = a.counts[0];
      const groupCount = a.counts[1];
      const from = (c - attractionChunks) * GROUP_CHUNK;
      for (let g = from, to = Math.min(groupCount, from + GROUP_CHUNK); g < to; g++) {
        groupRepulsion(a.nodes, a.skip, nodeCount, a.groups[2 * g], a.groups[2 * g + 1], a.order, a.sorted, a.rep, a.zTerm);
      }
    }
  }
};

/** Kernel: one gradient-descent step for the part's points; writes the part's bounding box to bounds[4·part …]. */
export const tsneUpdate: Kernel = (raw, part, parts) => {
  const { y, pos, rep, update, gains, bounds, n, exaggeration, momentum, learningRate, invZ, minGain } = raw as {
    y: Float64Array;
    pos: Float64Array;
    rep: Float64Array;
    update: Float64Array;
    gains: Float64Array;
    bounds: Float64Array;
    n: number;
    exaggeration: number;
    momentum: number;
    learningRate: number;
    invZ: number;
    minGain: number;
  };
  const [from, to] = partRange(n, part, parts);
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let c = 2 * from; c < 2 * to; c++) {
    const grad = 4 * (exaggeration * pos[c] - rep[c] * invZ);
    // Delta-bar-delta: grow the step while the direction holds, shrink it when it flips.
    const gain = update[c] * grad < 0 ? gains[c] + 0.2 : Math.max(gains[c] * 0.8, minGain);
    gains[c] = gain;
    const u = momentum * update[c] - learningRate * gain * grad;
    update[c] = u;
    const v = y[c] + u;
    y[c] = v;
    if ((c & 1) === 0) {
      if (v < minX) minX = v;
      if (v > maxX) maxX = v;
    } else {
      if (v < minY) minY = v;
      if (v > maxY) maxY = v;
    }
  }
  bounds[4 * part] = minX;
  bounds[4 * part + 1] = maxX;
  bounds[4 * part + 2] = minY;
  bounds[4 * part + 3] = maxY;
};
