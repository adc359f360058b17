/**
 * Symmetric sparse affinity matrices built from a directed kNN weight table — the shape both UMAP
 * (fuzzy union) and t-SNE (P + Pᵀ) need. Stored as CSR in flat typed arrays.
 */
import type { Pacer } from "./pacer";

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

/** Rows merged between two chances to yield. */
const ROWS_PER_PACE = 1024;

/**
 * S = combine(W, Wᵀ) for the directed weights W[i, indices[i·k + t]] = weights[i·k + t] (self,
 * negative indices and non-positive weights ignored). Wᵀ comes from one counting sort by column,
 * which leaves each of its rows sorted; each row of W is sorted on its own (k entries); the two are
 * then merged row by row. O(N·k·log k), sequential apart from the one scatter.
 */
export async function symmetrize(indices: Int32Array, weights: Float64Array, n: number, k: number, combine: SymmetricCombine, pacer?: Pacer): Promise<CsrMatrix> {
  const keep = (i: number, j: number, w: number): boolean => j >= 0 && j !== i && w > 0;

  // Wᵀ: entry (i → j) becomes row j, column i. Visiting i in order keeps each row's columns sorted.
  const reverseStart = new Int32Array(n + 1);
  for (let i = 0; i < n; i++)
    for (let t = 0; t < k; t++) {
      const j = indices[i * k + t];
      if (keep(i, j, weights[i * k + t])) reverseStart[j + 1]++;
    }
  for (let j = 0; j < n; j++) reverseStart[j + 1] += reverseStart[j];
  const reverseCols = new Int32Array(reverseStart[n]);
  const reverseVals = new Float64Array(reverseStart[n]);
  const fill = reverseStart.slice(0, n);
  for (let i = 0; i < n; i++)
    for (let t = 0; t < k; t++) {
      const j = indices[i * k + t];
      const w = weights[i * k + t];
      if (!keep(i, j, w)) continue;
      reverseCols[fill[j]] = i;
      reverseVals[fill[j]++] = w;
    }
  if (pacer) await pacer.pace();

  const rowStart = new Int32Array(n + 1);
  const cols = new Int32Array(2 * reverseStart[n]);
  const values = new Float64Array(2 * reverseStart[n]);
  const order = new Int32Array(k);
  let out = 0;
  for (let i = 0; i < n; i++) {
    if (pacer && i % ROWS_PER_PACE === 0) await pacer.pace();
    rowStart[i] = out;
    const base = i * k;
    let forwardCount = 0;
    for (let t = 0; t < k; t++) if (keep(i, indices[base + t], weights[base + t])) order[forwardCount++] = base + t;
    // Insertion sort of this row's own entries by column (k is small; kNN rows are nearly random).
    for (let a = 1; a < forwardCount; a++) {
      const e = order[a];
      let b = a - 1;
      while (b >= 0 && indices[order[b]] > indices[e]) {
        order[b + 1] = order[b];
        b--;
      }
      order[b + 1] = e;
    }
    let f = 0;
    let r = reverseStart[i];
    const rEnd = reverseStart[i + 1];
    while (f < forwardCount || r < rEnd) {
      const fc = f < forwardCount ? indices[order[f]] : n;
      const rc = r < rEnd ? reverseCols[r] : n;
      if (fc === rc) {
        const a = weights[order[f++]];
        const b = reverseVals[r++];
        cols[out] = fc;
        values[out++] = combine === "sum" ? a + b : a + b - a * b;
      } else if (fc < rc) {
        cols[out] = fc;
        values[out++] = weights[order[f++]];
      } else {
        cols[out] = rc;
        values[out++] = reverseVals[r++];
      }
    }
  }
  rowStart[n] = out;
  return { n, rowStart, cols: cols.slice(0, out), values: values.slice(0, out) };
}

export function sumValues(m: CsrMatrix): number {
  let s = 0;
  for (let i = 0; i < m.values.length; i++) s += m.values[i];
  return s;
}
