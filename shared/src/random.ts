/** Seeded pseudo-random numbers. Every random choice in Embedscope goes through here (never Math.random). */

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
}

/** mulberry32: 32-bit state, fast, good enough for sampling and layout initialisation. */
export function createRng(seed: number): Rng {
  let state = (seed >>> 0) ^ 0x9e3779b9;
  let spare: number | null = null;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    normal: () => {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
  };
}

/**
 * A uniform sample of `k` distinct indices from [0, total), sorted ascending, reproducible with
 * `seed`. Floyd's algorithm: O(k) memory and time whatever `total` is.
 */
export function sampleIndices(total: number, k: number, seed: number): Uint32Array {
  if (k >= total) return Uint32Array.from({ length: total }, (_, i) => i);
  const rng = createRng(seed);
  const chosen = new Set<number>();
  for (let j = total - k; j < total; j++) {
    const t = rng.int(j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  const out = Uint32Array.from(chosen);
  out.sort();
  return out;
}
