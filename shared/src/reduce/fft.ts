/**
 * A small in-place FFT over interleaved complex Float64 data (re₀, im₀, re₁, im₁, …) of power-of-two
 * length, for t-SNE's grid convolutions (tsneFft.ts). Forward is X[k] = Σ x[j]·e^(−2πi·jk/L);
 * inverse uses e^(+2πi·jk/L) and is NOT scaled by 1/L (callers fold the scale into what they
 * multiply by).
 *
 * Decimation in time: bit-reversal permutation, then the radix-2 stages fused two at a time into
 * radix-4 stages (a single radix-2 stage first when log₂L is odd). Merging blocks B₀…B₃ of length h
 * into one of length 4h, with w₁ = W^k, w₂ = W^2k, w₃ = W^3k (W = e^(∓2πi/4h)), k < h:
 *   a = B₀ + w₂B₁, b = B₀ − w₂B₁, c = w₁B₂ + w₃B₃, d = (w₁B₂ − w₃B₃)·(∓i)
 *   X[k] = a + c, X[k + 2h] = a − c, X[k + h] = b + d, X[k + 3h] = b − d.
 * Three complex multiplications per four points and half the passes over the data of radix 2.
 */

export class Fft {
  /** Pairs (i, j), i < j, swapped by the bit-reversal permutation. */
  private readonly swaps: Int32Array;
  /** Per radix-4 stage with h > 1: for k < h, (cos, sin) of 2πk/4h, 2·2πk/4h, 3·2πk/4h, contiguous. */
  private readonly twiddles: Float64Array;
  /** Whether a radix-2 stage comes first (log₂L odd). */
  private readonly oddStage: boolean;

  constructor(readonly size: number) {
    if (!(size >= 1 && (size & (size - 1)) === 0)) throw new RangeError(`FFT size must be a power of two (got ${size})`);
    const bits = Math.round(Math.log2(size));
    const swaps: number[] = [];
    for (let i = 0; i < size; i++) {
      let r = 0;
      for (let b = 0, v = i; b < bits; b++, v >>= 1) r = (r << 1) | (v & 1);
      if (i < r) swaps.push(i, r);
    }
    this.swaps = Int32Array.from(swaps);
    this.oddStage = bits % 2 === 1;
    const table: number[] = [];
    for (let h = this.oddStage ? 2 : 1; 4 * h <= size; h *= 4) {
      if (h === 1) continue;
      for (let k = 0; k < h; k++) {
        for (let m = 1; m <= 3; m++) {
          const angle = (2 * Math.PI * m * k) / (4 * h);
          table.push(Math.cos(angle), Math.sin(angle));
        }
      }
    }
    this.twiddles = Float64Array.from(table);
  }

  /** Transforms the `size` complex values starting at complex index `at` of `data`, in place. */
  transform(data: Float64Array, at: number, inverse: boolean): void {
    const n = this.size;
    if (n === 1) return;
    const base = 2 * at;
    const end = base + 2 * n;
    const swaps = this.swaps;
    for (let s = 0; s < swaps.length; s += 2) {
      const a = base + 2 * swaps[s];
      const b = base + 2 * swaps[s + 1];
      const re = data[a];
      const im = data[a + 1];
      data[a] = data[b];
      data[a + 1] = data[b + 1];
      data[b] = re;
      data[b + 1] = im;
    }
    // sign = −1 forward, +1 inverse: W = cos − sign·… written as (c, sign·s) below.
    const sign = inverse ? 1 : -1;
    let h = 1;
    if (this.oddStage) {
      for (let g = base; g < end; g += 4) {
        const r0 = data[g], i0 = data[g + 1];
        const r1 = data[g + 2], i1 = data[g + 3];
        data[g] = r0 + r1;
        data[g + 1] = i0 + i1;
        data[g + 2] = r0 - r1;
        data[g + 3] = i0 - i1;
      }
      h = 2;
    } else {
      // h = 1: all twiddles are 1.
      for (let g = base; g < end; g += 8) {
        const r0 = data[g], i0 = data[g + 1];
        const r1 = data[g + 2], i1 = data[g + 3];
        const r2 = data[g + 4], i2 = data[g + 5];
        const r3 = data[g + 6], i3 = data[g + 7];
        const ar = r0 + r1, ai = i0 + i1;
        const br = r0 - r1, bi = i0 - i1;
        const cr = r2 + r3, ci = i2 + i3;
        const er = r2 - r3, ei = i2 - i3;
        // d = e·(∓i): forward (ei, −er), inverse (−ei, er).
        const dr = -sign * ei;
        const di = sign * er;
        data[g] = ar + cr;
        data[g + 1] = ai + ci;
        data[g + 4] = ar - cr;
        data[g + 5] = ai - ci;
        data[g + 2] = br + dr;
        data[g + 3] = bi + di;
        data[g + 6] = br - dr;
        data[g + 7] = bi - di;
      }
      h = 4;
    }
    const tw = this.twiddles;
    let t0 = 0;
    for (; 4 * h <= n; h *= 4) {
      const q = 2 * h; // a block of h complex values, in doubles
      for (let g = base; g < end; g += 4 * q) {
        for (let k = 0, t = t0; k < h; k++, t += 6) {
          const c1 = tw[t], s1 = sign * tw[t + 1];
          const c2 = tw[t + 2], s2 = sign * tw[t + 3];
          const c3 = tw[t + 4], s3 = sign * tw[t + 5];
          const p0 = g + 2 * k;
          const p1 = p0 + q;
          const p2 = p1 + q;
          const p3 = p2 + q;
          const x0r = data[p0], x0i = data[p0 + 1];
          const x1r = data[p1], x1i = data[p1 + 1];
          const x2r = data[p2], x2i = data[p2 + 1];
          const x3r = data[p3], x3i = data[p3 + 1];
          // w₂B₁, w₁B₂, w₃B₃ with w = c + i·s.
          const ur = c2 * x1r - s2 * x1i, ui = c2 * x1i + s2 * x1r;
          const vr = c1 * x2r - s1 * x2i, vi = c1 * x2i + s1 * x2r;
          const wr = c3 * x3r - s3 * x3i, wi = c3 * x3i + s3 * x3r;
          const ar = x0r + ur, ai = x0i + ui;
          const br = x0r - ur, bi = x0i - ui;
          const cr = vr + wr, ci = vi + wi;
          const er = vr - wr, ei = vi - wi;
          const dr = -sign * ei;
          const di = sign * er;
          data[p0] = ar + cr;
          data[p0 + 1] = ai + ci;
          data[p2] = ar - cr;
          data[p2 + 1] = ai - ci;
          data[p1] = br + dr;
          data[p1 + 1] = bi + di;
          data[p3] = br - dr;
          data[p3 + 1] = bi - di;
        }
      }
      t0 += 6 * h;
    }
  }
}

const plans = new Map<number, Fft>();

/** A cached plan per size (tables are built once per thread). */
export function fftPlan(size: number): Fft {
  let plan = plans.get(size);
  if (!plan) {
    plan = new Fft(size);
    plans.set(size, plan);
  }
  return plan;
}
