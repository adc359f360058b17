/**
 * Symmetric sparse affinity matrices built from a directed kNN weight table — the shape both UMAP
 * (fuzzy union) and t-SNE (P + Pᵀ) need. Stored as CSR in flat typed arrays.
 */

export interface CsrMatrix {
  n: number;
  /** Row r's entries are [rowStart[r], rowStart[r+1]). Length n + 1. */
  rowStart: Int32Array;
  /** Column of each entry, ascending within a row. */
  cols: Int32Array;
  values: Float64Array;
}

/** How a weight meets its transposed counterpart: t-SNE adds, UMAP takes the fuzzy union a + b − ab. */
export type SymmetricCombine = "sum" | "fuzzyUnion";

/**
 * S = combine(W, Wᵀ) for the directed weights W[i, indices[i·k + t]] = weights[i·k + t]. Two stable
 * counting sorts (by column, then by row) order the 2·N·k entries, so duplicates are adjacent: O(Nk).
 * Zero weights are dropped.
 */
export function symmetrize(indices: Int32Array, weights: Float64Array, n: number, k: number, combine: SymmetricCombine): CsrMatrix {
  const m = 2 * n * k;
  const rows = new Int32Array(m);
  const cols = new Int32Array(m);
  const vals = new Float64Array(m);
  let e = 0;
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      const j = indices[i * k + t];
      const w = weights[i * k + t];
      if (j < 0 || j === i || !(w > 0)) continue;
      rows[e] = i;
      cols[e] = j;
      vals[e++] = w;
      rows[e] = j;
      cols[e] = i;
      vals[e++] = w;
    }
  }
  const byCol = countingOrder(cols, e, n, null);
  const byRowThenCol = countingOrder(rows, e, n, byCol);

  const rowStart = new Int32Array(n + 1);
  const outCols = new Int32Array(e);
  const outVals = new Float64Array(e);
  let out = 0;
  let p = 0;
  for (let r = 0; r < n; r++) {
    rowStart[r] = out;
    while (p < e && rows[byRowThenCol[p]] === r) {
      const c = cols[byRowThenCol[p]];
      let v = vals[byRowThenCol[p]];
      p++;
      while (p < e && rows[byRowThenCol[p]] === r && cols[byRowThenCol[p]] === c) {
        const w = vals[byRowThenCol[p]];
        v = combine === "sum" ? v + w : v + w - v * w;
        p++;
      }
      outCols[out] = c;
      outVals[out++] = v;
    }
  }
  rowStart[n] = out;
  return { n, rowStart, cols: outCols.slice(0, out), values: outVals.slice(0, out) };
}

/** Stable counting sort of entry ids by `key` (values in [0, n)), visiting ids in `within` order. */
function countingOrder(key: Int32Array, count: number, n: number, within: Int32Array | null): Int32Array {
  const start = new Int32Array(n + 1);
  for (let e = 0; e < count; e++) start[key[e] + 1]++;
  for (let i = 0; i < n; i++) start[i + 1] += start[i];
  const order = new Int32Array(count);
  for (let q = 0; q < count; q++) {
    const e = within ? within[q] : q;
    order[start[key[e]]++] = e;
  }
  return order;
}

export function sumValues(m: CsrMatrix): number {
  let s = 0;
  for (let i = 0; i < m.values.length; i++) s += m.values[i];
  return s;
}
