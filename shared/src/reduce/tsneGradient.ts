/**
 * The two halves of the t-SNE gradient (Student-t kernel, one degree of freedom):
 *   ∂C/∂yᵢ = 4 · (α Σⱼ pᵢⱼ wᵢⱼ (yᵢ − yⱼ) − Σⱼ wᵢⱼ² (yᵢ − yⱼ) / Z),  wᵢⱼ = 1 / (1 + ‖yᵢ − yⱼ‖²), Z = Σ wᵢⱼ.
 * Attraction runs over the sparse P; repulsion and Z come from the Barnes-Hut quadtree, where a
 * cell seen under an angle below θ (side / distance < θ) acts as one mass at its centre.
 */
import type { QuadTree } from "./quadtree";
import type { CsrMatrix } from "./sparse";

/**
 * Adds the repulsive forces Σⱼ wᵢⱼ²(yᵢ − yⱼ) of the points at positions [from, to) of the
 * tree's leaf order to `neg` (2N) and returns their share of Z. Needs `tree.summarize(θ)`; with
 * θ = 0 every leaf is visited: the exact O(N²) sum.
 */
export function repulsion(tree: QuadTree, y: Float64Array, from: number, to: number, neg: Float64Array): number {
  const { summary, skip, order, flatSize } = tree;
  let sumQ = 0;
  for (let q = from; q < to; q++) {
    const i = order[q];
    const xi = y[2 * i];
    const yi = y[2 * i + 1];
    let fx = 0;
    let fy = 0;
    let node = 0;
    while (node < flatSize) {
      const at = 4 * node;
      const dx = xi - summary[at];
      const dy = yi - summary[at + 1];
      const d2 = dx * dx + dy * dy;
      if (d2 <= summary[at + 3]) {
        node++; // open it: its first child follows in preorder
        continue;
      }
      const cnt = summary[at + 2];
      node = skip[node];
      if (d2 === 0) {
        // A leaf bundle at yᵢ's own position: the others sit at distance 0 (w = 1, no force).
        sumQ += cnt - 1;
        continue;
      }
      const w = 1 / (1 + d2);
      const mw = cnt * w;
      sumQ += mw;
      const mww = mw * w;
      fx += mww * dx;
      fy += mww * dy;
    }
    neg[2 * i] += fx;
    neg[2 * i + 1] += fy;
  }
  return sumQ;
}

/** Sets `pos` (2N) to Σⱼ pᵢⱼ wᵢⱼ (yᵢ − yⱼ) for every point. */
export function attraction(p: CsrMatrix, y: Float64Array, pos: Float64Array): void {
  const { rowStart, cols, values, n } = p;
  for (let i = 0; i < n; i++) {
    const xi = y[2 * i];
    const yi = y[2 * i + 1];
    let fx = 0;
    let fy = 0;
    for (let e = rowStart[i]; e < rowStart[i + 1]; e++) {
      const j = cols[e];
      const dx = xi - y[2 * j];
      const dy = yi - y[2 * j + 1];
      const pw = values[e] / (1 + dx * dx + dy * dy);
      fx += pw * dx;
      fy += pw * dy;
    }
    pos[2 * i] = fx;
    pos[2 * i + 1] = fy;
  }
}

/** KL(P‖Q) = Σ pᵢⱼ log(pᵢⱼ / qᵢⱼ) over P's support, with qᵢⱼ = wᵢⱼ / Z and Z from the tree. */
export function klDivergence(p: CsrMatrix, y: Float64Array, sumQ: number): number {
  const { rowStart, cols, values, n } = p;
  const tiny = 1.1754943508222875e-38; // float32's smallest normal, as scikit-learn floors both
  let kl = 0;
  for (let i = 0; i < n; i++) {
    for (let e = rowStart[i]; e < rowStart[i + 1]; e++) {
      const pij = values[e];
      if (!(pij > 0)) continue;
      const j = cols[e];
      const dx = y[2 * i] - y[2 * j];
      const dy = y[2 * i + 1] - y[2 * j + 1];
      const qij = 1 / (1 + dx * dx + dy * dy) / sumQ;
      kl += pij * Math.log(Math.max(pij, tiny) / Math.max(qij, tiny));
    }
  }
  return kl;
}
