/**
 * Symmetric eigen-solvers for PCA: cyclic Jacobi and Householder + QL for dense matrices (exact),
 * block subspace iteration, and block Lanczos (`blockKrylovEigen`) for the top-k eigenpairs of an
 * operator known only by its products (PCA's passes over the data, or a large dense matrix).
 * Matrices are row-major Float64Array; an eigenvector set is k rows of length m.
 */
import { createRng } from "../random";
import type { Pacer } from "./pacer";

export interface Eigenpairs {
  /** Descending. */
  values: Float64Array;
  /** Row j (length m) is the unit eigenvector of values[j]. */
  vectors: Float64Array;
}

/** All eigenpairs of a small symmetric m×m matrix by cyclic Jacobi rotations (input untouched). */
export function jacobiEigen(matrix: Float64Array, m: number): Eigenpairs {
  const a = Float64Array.from(matrix);
  // v is stored column-major in effect: column j of V (as v[r*m+j]) is eigenvector j.
  const v = new Float64Array(m * m);
  for (let i = 0; i < m; i++) v[i * m + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < m; p++) {
      diag += a[p * m + p] * a[p * m + p];
      for (let q = p + 1; q < m; q++) off += a[p * m + q] * a[p * m + q];
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < m - 1; p++) {
      for (let q = p + 1; q < m; q++) {
        const apq = a[p * m + q];
        if (apq === 0) continue;
        const app = a[p * m + p];
        const aqq = a[q * m + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < m; r++) {
          const arp = a[r * m + p];
          const arq = a[r * m + q];
          a[r * m + p] = c * arp - s * arq;
          a[r * m + q] = s * arp + c * arq;
        }
        for (let r = 0; r < m; r++) {
          const apr = a[p * m + r];
          const aqr = a[q * m + r];
          a[p * m + r] = c * apr - s * aqr;
          a[q * m + r] = s * apr + c * aqr;
        }
        for (let r = 0; r < m; r++) {
          const vrp = v[r * m + p];
          const vrq = v[r * m + q];
          v[r * m + p] = c * vrp - s * vrq;
          v[r * m + q] = s * vrp + c * vrq;
        }
      }
    }
  }
  const order = Array.from({ length: m }, (_, i) => i).sort((x, y) => a[y * m + y] - a[x * m + x] || x - y);
  const values = new Float64Array(m);
  const vectors = new Float64Array(m * m);
  order.forEach((col, j) => {
    values[j] = a[col * m + col];
    for (let r = 0; r < m; r++) vectors[j * m + r] = v[r * m + col];
  });
  return { values, vectors };
}

/** out[j] = A · basis[j] for b row vectors; reads each row of A once for all b products. */
function multiplyBlock(a: Float64Array, m: number, basis: Float64Array, b: number, out: Float64Array): void {
  for (let r = 0; r < m; r++) {
    const rowStart = r * m;
    for (let j = 0; j < b; j++) {
      const vStart = j * m;
      let s0 = 0;
      let s1 = 0;
      let c = 0;
      for (; c + 1 < m; c += 2) {
        s0 += a[rowStart + c] * basis[vStart + c];
        s1 += a[rowStart + c + 1] * basis[vStart + c + 1];
      }
      if (c < m) s0 += a[rowStart + c] * basis[vStart + c];
      out[vStart + r] = s0 + s1;
    }
  }
}

function dot(x: Float64Array, xs: number, y: Float64Array, ys: number, m: number): number {
  let s = 0;
  for (let i = 0; i < m; i++) s += x[xs + i] * y[ys + i];
  return s;
}

/**
 * Orthonormalises b row vectors in place (modified Gram–Schmidt, twice: "twice is enough").
 * A vector that collapses (rank deficiency) is replaced by a fresh random direction.
 */
function orthonormalize(basis: Float64Array, m: number, b: number, refill: () => number): void {
  for (let j = 0; j < b; j++) {
    const js = j * m;
    for (let attempt = 0; attempt < 5; attempt++) {
      const before = Math.sqrt(dot(basis, js, basis, js, m));
      for (let pass = 0; pass < 2; pass++) {
        for (let i = 0; i < j; i++) {
          const proj = dot(basis, i * m, basis, js, m);
          for (let c = 0; c < m; c++) basis[js + c] -= proj * basis[i * m + c];
        }
      }
      const norm = Math.sqrt(dot(basis, js, basis, js, m));
      if (norm > 1e-10 * before && norm > 1e-300) {
        for (let c = 0; c < m; c++) basis[js + c] /= norm;
        break;
      }
      for (let c = 0; c < m; c++) basis[js + c] = refill() - 0.5;
    }
  }
}


/**
 * Every eigenpair of a symmetric m×m matrix: Householder reduction to tridiagonal form, then the
 * implicit QL algorithm with shifts (the EISPACK tred2/tql2 scheme). O(m³), exact to round-off and
 * indifferent to eigenvalue gaps, which is why PCA prefers it to power methods up to ~1,000 dims.
 */
export async function symmetricEigen(matrix: Float64Array, m: number, pacer?: Pacer): Promise<Eigenpairs> {
  const v = Float64Array.from(matrix); // row-major; becomes the accumulated orthogonal transform
  const d = new Float64Array(m);
  const e = new Float64Array(m);
  for (let j = 0; j < m; j++) d[j] = v[(m - 1) * m + j];

  // Householder: eliminate row i left of the sub-diagonal, from the last row up.
  for (let i = m - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = v[(i - 1) * m + j];
        v[i * m + j] = 0;
        v[j * m + i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        v[j * m + i] = f;
        g = e[j] + v[j * m + j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += v[k * m + j] * d[k];
          e[k] += v[k * m + j] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) v[k * m + j] -= f * e[k] + g * d[k];
        d[j] = v[(i - 1) * m + j];
        v[i * m + j] = 0;
      }
    }
    d[i] = h;
    if (pacer) await pacer.pace();
  }
  // Accumulate the Householder reflections into v.
  for (let i = 0; i < m - 1; i++) {
    v[(m - 1) * m + i] = v[i * m + i];
    v[i * m + i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = v[k * m + i + 1] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += v[k * m + i + 1] * v[k * m + j];
        for (let k = 0; k <= i; k++) v[k * m + j] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) v[k * m + i + 1] = 0;
    if (pacer) await pacer.pace();
  }
  for (let j = 0; j < m; j++) {
    d[j] = v[(m - 1) * m + j];
    v[(m - 1) * m + j] = 0;
  }
  v[(m - 1) * m + (m - 1)] = 1;
  e[0] = 0;

  // QL works on columns of v; transposed, each column is a contiguous row (w[col*m + row]).
  const w = new Float64Array(m * m);
  for (let r = 0; r < m; r++) for (let c = 0; c < m; c++) w[c * m + r] = v[r * m + c];

  for (let i = 1; i < m; i++) e[i - 1] = e[i];
  e[m - 1] = 0;
  let shift = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < m; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let mm = l;
    while (mm < m && Math.abs(e[mm]) > eps * tst1) mm++;
    if (mm > l) {
      let guard = 0;
      do {
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < m; i++) d[i] -= h;
        shift += h;
        p = d[mm];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = mm - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          const ci = i * m;
          const cn = ci + m;
          for (let k = 0; k < m; k++) {
            const hk = w[cn + k];
            w[cn + k] = s * w[ci + k] + c * hk;
            w[ci + k] = c * w[ci + k] - s * hk;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1 && ++guard < 60);
    }
    d[l] += shift;
    e[l] = 0;
    if (pacer) await pacer.pace();
  }

  const order = Array.from({ length: m }, (_, i) => i).sort((x, y) => d[y] - d[x] || x - y);
  const values = new Float64Array(m);
  const vectors = new Float64Array(m * m);
  order.forEach((col, j) => {
    values[j] = d[col];
    vectors.set(w.subarray(col * m, col * m + m), j * m);
  });
  return { values, vectors };
}

export interface TopEigenOptions {
  /** Relative residual ‖Av − λv‖ / λ₁ at which subspace iteration stops. */
  tolerance?: number;
  maxIterations?: number;
  pacer?: Pacer;
}

/** Above this size the O(m³) direct solver gives way to block Lanczos (`blockKrylovEigen`). */
const DIRECT_SOLVER_MAX = 1024;

/**
 * The k largest eigenpairs of a symmetric positive semi-definite m×m matrix (a scatter or Gram
 * matrix). Direct solver up to DIRECT_SOLVER_MAX, block Lanczos beyond. When k > m the
 * missing pairs are zero values with zero vectors. Deterministic.
 */
export async function topEigenpairs(matrix: Float64Array, m: number, k: number, options: TopEigenOptions = {}): Promise<Eigenpairs> {
  const values = new Float64Array(k);
  const vectors = new Float64Array(k * m);
  const kk = Math.min(k, m);
  const found =
    m <= DIRECT_SOLVER_MAX
      ? await symmetricEigen(matrix, m, options.pacer)
      : await blockKrylovEigen(denseOperator(matrix, m), m, kk, { tolerance: options.tolerance, maxPasses: options.maxIterations, pacer: options.pacer, blockSize: Math.max(4, kk) });
  values.set(found.values.subarray(0, kk));
  vectors.set(found.vectors.subarray(0, kk * m));
  return { values, vectors };
}

/** The block operator of a dense symmetric m×m matrix (row-major). */
export function denseOperator(matrix: Float64Array, m: number): BlockOperator {
  return async (x, b, out) => multiplyBlock(matrix, m, x, b, out);
}

/**
 * Block subspace iteration with Rayleigh–Ritz for large m. Extra block vectors speed convergence
 * (rate λ_{b+1}/λ_k per iteration); the start block comes from a fixed seed.
 */
export async function subspaceIteration(matrix: Float64Array, m: number, k: number, options: TopEigenOptions = {}): Promise<Eigenpairs> {
  const tolerance = options.tolerance ?? 1e-9;
  const maxIterations = options.maxIterations ?? 300;
  const b = Math.min(m, Math.max(2 * k, k + 14));
  const rng = createRng(0x5eed);
  const basis = new Float64Array(b * m);
  for (let i = 0; i < basis.length; i++) basis[i] = rng.next() - 0.5;
  orthonormalize(basis, m, b, rng.next);
  const product = new Float64Array(b * m);
  const small = new Float64Array(b * b);
  const rotated = new Float64Array(b * m);
  const rotatedProduct = new Float64Array(b * m);
  let theta: Float64Array = new Float64Array(b);
  for (let iter = 0; iter < maxIterations; iter++) {
    multiplyBlock(matrix, m, basis, b, product);
    for (let i = 0; i < b; i++) {
      for (let j = i; j < b; j++) {
        const h = dot(basis, i * m, product, j * m, m);
        small[i * b + j] = h;
        small[j * b + i] = h;
      }
    }
    const ritz = jacobiEigen(small, b);
    theta = ritz.values;
    // Ritz vectors: rotate the basis and A·basis by the small problem's eigenvectors.
    rotated.fill(0);
    rotatedProduct.fill(0);
    for (let j = 0; j < b; j++) {
      for (let i = 0; i < b; i++) {
        const s = ritz.vectors[j * b + i];
        if (s === 0) continue;
        for (let c = 0; c < m; c++) {
          rotated[j * m + c] += s * basis[i * m + c];
          rotatedProduct[j * m + c] += s * product[i * m + c];
        }
      }
    }
    const scale = Math.max(Math.abs(theta[0]), 1e-300);
    let converged = true;
    for (let j = 0; j < k && converged; j++) {
      let r2 = 0;
      for (let c = 0; c < m; c++) {
        const r = rotatedProduct[j * m + c] - theta[j] * rotated[j * m + c];
        r2 += r * r;
      }
      if (Math.sqrt(r2) > tolerance * scale) converged = false;
    }
    if (converged || theta[0] === 0) break;
    basis.set(rotatedProduct);
    orthonormalize(basis, m, b, rng.next);
    if (options.pacer) await options.pacer.pace();
  }
  return { values: theta.slice(0, k), vectors: rotated.slice(0, k * m) };
}

/**
 * y = A·x for `b` row vectors of length m (x[j·m…], out[j·m…]); may be asynchronous (a data pass
 * across a thread team). A must be symmetric positive semi-definite.
 */
export type BlockOperator = (x: Float64Array, b: number, out: Float64Array) => Promise<void>;

export interface BlockKrylovOptions {
  /** Vectors per block (default 4, at least k, at most m). */
  blockSize?: number;
  /** Stop when every top-k Ritz pair has ‖Ay − θy‖ ≤ tolerance·θ₁ (default 1e-9). */
  tolerance?: number;
  /** Operator applications (blocks) at most (default 300); the best Ritz pairs so far are returned. */
  maxPasses?: number;
  /** Basis vectors kept before a thick restart (default 30 blocks). */
  maxBasis?: number;
  /** Seed of the start block (the result does not depend on it beyond round-off). */
  seed?: number;
  pacer?: Pacer;
  /** Called after each application with the passes so far and the largest relative residual. */
  onPass?: (passes: number, residual: number) => void;
}

export interface BlockKrylovResult extends Eigenpairs {
  /** Operator applications made. */
  passes: number;
  /** Largest ‖Ay − θy‖ / θ₁ over the returned pairs (0 when exact). */
  residual: number;
}

/**
 * The k largest eigenpairs of a symmetric PSD operator by block Lanczos with full
 * re-orthogonalisation (classical Gram–Schmidt, twice) and Rayleigh–Ritz on all basis vectors,
 * thick-restarted from the top Ritz vectors when the basis is full. A·Q is kept next to Q, so the
 * Ritz residuals are exact and a restart costs no operator application. Once the basis spans the
 * whole space the answer is exact. Deterministic for a seed; k > m pads with zero pairs.
 */
export async function blockKrylovEigen(apply: BlockOperator, m: number, k: number, options: BlockKrylovOptions = {}): Promise<BlockKrylovResult> {
  const kk = Math.min(k, m);
  const tolerance = options.tolerance ?? 1e-9;
  const maxPasses = Math.max(1, options.maxPasses ?? 300);
  const b = Math.min(m, Math.max(1, Math.floor(options.blockSize ?? 4)));
  const maxBasis = Math.min(m, Math.max(options.maxBasis ?? 30 * b, kk + 3 * b));
  const keep = Math.min(maxBasis - b, kk + 2 * b);
  const rng = createRng(options.seed ?? 0x5eed);
  const q = new Float64Array(maxBasis * m);
  const aq = new Float64Array(maxBasis * m);
  let h = new Float64Array(maxBasis * maxBasis); // stride maxBasis
  const block = new Float64Array(b * m);
  for (let i = 0; i < b * m; i++) block[i] = rng.next() - 0.5;
  let size = 0;
  let cur = 0;
  let curB = appendOrthonormal(q, m, size, block, b, b, rng.next);
  size = curB;
  let passes = 0;
  const values = new Float64Array(k);
  const vectors = new Float64Array(k * m);
  const products = new Float64Array(kk * m);
  for (;;) {
    await apply(q.subarray(cur * m, (cur + curB) * m), curB, aq.subarray(cur * m, (cur + curB) * m));
    passes++;
    // New columns of H = QᵀAQ; the new diagonal block is symmetrised.
    for (let j = cur; j < cur + curB; j++) {
      for (let i = 0; i < size; i++) h[i * maxBasis + j] = dot(q, i * m, aq, j * m, m);
    }
    for (let j = cur; j < cur + curB; j++) {
      for (let i = 0; i < cur; i++) h[j * maxBasis + i] = h[i * maxBasis + j];
      for (let i = cur; i < j; i++) {
        const s = 0.5 * (h[i * maxBasis + j] + h[j * maxBasis + i]);
        h[i * maxBasis + j] = s;
        h[j * maxBasis + i] = s;
      }
    }
    const small = new Float64Array(size * size);
    for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) small[i * size + j] = h[i * maxBasis + j];
    const ritz = await symmetricEigen(small, size, options.pacer);
    // Top-k Ritz vectors and their products, and the residuals (not converged while the basis is smaller than k).
    const top = Math.min(kk, size);
    vectors.fill(0);
    products.fill(0);
    combine(q, m, ritz.vectors, size, top, vectors);
    combine(aq, m, ritz.vectors, size, top, products);
    const scale = Math.abs(ritz.values[0]);
    let residual = top < kk ? Infinity : 0;
    for (let j = 0; j < top; j++) {
      let r2 = 0;
      for (let c = 0; c < m; c++) {
        const r = products[j * m + c] - ritz.values[j] * vectors[j * m + c];
        r2 += r * r;
      }
      residual = Math.max(residual, scale > 0 ? Math.sqrt(r2) / scale : 0);
    }
    if (size >= m) residual = 0; // the basis spans the space: Rayleigh–Ritz is exact
    options.onPass?.(passes, residual);
    if (residual <= tolerance || (scale === 0 && top === kk) || passes >= maxPasses) {
      for (let j = 0; j < top; j++) values[j] = ritz.values[j];
      return { values, vectors, passes, residual };
    }
    // Next block: the new products made orthogonal to the whole basis (the Lanczos residual block).
    block.set(aq.subarray(cur * m, (cur + curB) * m));
    const nextB = curB;
    orthogonalizeAgainst(block, nextB, q, size, m);
    if (size + Math.min(b, m - size) > maxBasis) {
      // Thick restart: keep the top Ritz vectors (with their products); the residual block stays
      // orthogonal to them because it is orthogonal to the whole old basis.
      const kept = Math.min(keep, size);
      const y = new Float64Array(kept * m);
      const ay = new Float64Array(kept * m);
      combine(q, m, ritz.vectors, size, kept, y);
      combine(aq, m, ritz.vectors, size, kept, ay);
      q.fill(0);
      aq.fill(0);
      q.set(y);
      aq.set(ay);
      h = new Float64Array(maxBasis * maxBasis);
      for (let i = 0; i < kept; i++) {
        for (let j = i; j < kept; j++) {
          const s = 0.5 * (dot(q, i * m, aq, j * m, m) + dot(q, j * m, aq, i * m, m));
          h[i * maxBasis + j] = s;
          h[j * maxBasis + i] = s;
        }
      }
      size = kept;
    }
    const wanted = Math.min(b, m - size);
    cur = size;
    curB = appendOrthonormal(q, m, size, block, nextB, wanted, rng.next);
    size += curB;
    if (curB === 0) {
      // No new direction could be found (round-off at a full basis): the current pairs stand.
      for (let j = 0; j < top; j++) values[j] = ritz.values[j];
      return { values, vectors, passes, residual };
    }
    if (options.pacer) await options.pacer.pace();
  }
}

/** out[j] = Σ_i coef[j·size + i]·basis[i] for j < count (basis rows of length m). */
function combine(basis: Float64Array, m: number, coef: Float64Array, size: number, count: number, out: Float64Array): void {
  for (let j = 0; j < count; j++) {
    const o = j * m;
    for (let i = 0; i < size; i++) {
      const s = coef[j * size + i];
      if (s === 0) continue;
      const bi = i * m;
      for (let c = 0; c < m; c++) out[o + c] += s * basis[bi + c];
    }
  }
}

/** Removes from each of the b row vectors of `block` its components along q[0..size) (twice). */
function orthogonalizeAgainst(block: Float64Array, b: number, q: Float64Array, size: number, m: number): void {
  const coef = new Float64Array(size);
  for (let j = 0; j < b; j++) {
    const js = j * m;
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < size; i++) coef[i] = dot(q, i * m, block, js, m);
      for (let i = 0; i < size; i++) {
        const s = coef[i];
        const qi = i * m;
        for (let c = 0; c < m; c++) block[js + c] -= s * q[qi + c];
      }
    }
  }
}

/**
 * Appends up to `wanted` orthonormal vectors to q after row `size`, taken from the b rows of
 * `block` in order; a row whose direction is already in the basis is skipped, and random
 * directions fill the rest. Returns how many were appended (`wanted`, unless the space is full).
 */
function appendOrthonormal(q: Float64Array, m: number, size: number, block: Float64Array, b: number, wanted: number, refill: () => number): number {
  let added = 0;
  for (let j = 0; j < b && added < wanted && size + added < m; j++) {
    const row = (size + added) * m;
    q.set(block.subarray(j * m, j * m + m), row);
    if (orthonormalizeRow(q, m, row, size + added)) added++;
  }
  for (let attempt = 0; added < wanted && size + added < m && attempt < 6 * wanted; attempt++) {
    const row = (size + added) * m;
    for (let c = 0; c < m; c++) q[row + c] = refill() - 0.5;
    if (orthonormalizeRow(q, m, row, size + added)) added++;
  }
  q.fill(0, (size + added) * m, Math.min(q.length, (size + added + 1) * m));
  return added;
}

/** Makes q's row at `row` orthogonal to its first `count` rows (twice) and unit; false if it collapses. */
function orthonormalizeRow(q: Float64Array, m: number, row: number, count: number): boolean {
  const before = Math.sqrt(dot(q, row, q, row, m));
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < count; i++) {
      const s = dot(q, i * m, q, row, m);
      if (s === 0) continue;
      for (let c = 0; c < m; c++) q[row + c] -= s * q[i * m + c];
    }
  }
  const norm = Math.sqrt(dot(q, row, q, row, m));
  if (!(norm > 1e-10 * before && norm > 1e-300)) return false;
  for (let c = 0; c < m; c++) q[row + c] /= norm;
  return true;
}
