/**
 * Screen pixels → the scatterplot's normalised space, from the camera's view matrix. The plot applies
 * projection (1/aspect on x) · view · model (data aspect on x); all three are 2-D affine here, so the
 * xy part of the 4×4 (column-major) is enough to invert.
 */

export interface ViewGeometry {
  /** CSS pixels. */
  width: number;
  height: number;
  /** The camera view matrix (4×4, column-major), as regl-scatterplot reports it. */
  view: ArrayLike<number>;
  /** The plot's `aspectRatio` (data aspect); 1 unless changed. */
  dataAspect?: number;
}

export function pixelToPlot(px: number, py: number, g: ViewGeometry): [number, number] {
  const ndcX = -1 + (2 * px) / g.width;
  const ndcY = 1 - (2 * py) / g.height;
  const aspect = g.width / g.height;
  const da = g.dataAspect ?? 1;
  const v = g.view;
  // Forward: ndcX = (v0·da·x + v4·y + v12) / aspect ; ndcY = v1·da·x + v5·y + v13
  const a = (v[0] * da) / aspect;
  const c = v[4] / aspect;
  const e = v[12] / aspect;
  const b = v[1] * da;
  const d = v[5];
  const f = v[13];
  const det = a * d - b * c;
  if (det === 0) return [0, 0];
  const rx = ndcX - e;
  const ry = ndcY - f;
  return [(d * rx - c * ry) / det, (a * ry - b * rx) / det];
}
