/**
 * Maps a run's coordinates into the [-1, 1] square the scatterplot draws in: one scale for both axes
 * (so the projection's shape is not stretched), centred, with a margin. Typed arrays only.
 */

export interface NormalizedCoords {
  x: Float32Array;
  y: Float32Array;
  /** data = (normalised - offset) / scale + centre; kept to map back if ever needed. */
  scale: number;
  centerX: number;
  centerY: number;
  /** Bounding box of the normalised points: [minX, minY, maxX, maxY]. */
  bounds: [number, number, number, number];
}

export function normalizeCoords(x: Float32Array, y: Float32Array, margin = 0.06): NormalizedCoords {
  const n = Math.min(x.length, y.length);
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    const xi = x[i];
    const yi = y[i];
    // Non-finite coordinates are skipped here and drawn at the centre below.
    if (xi === xi && xi !== Infinity && xi !== -Infinity) {
      if (xi < minX) minX = xi;
      if (xi > maxX) maxX = xi;
    }
    if (yi === yi && yi !== Infinity && yi !== -Infinity) {
      if (yi < minY) minY = yi;
      if (yi > maxY) maxY = yi;
    }
  }
  if (minX > maxX) minX = maxX = 0;
  if (minY > maxY) minY = maxY = 0;
  const centerX = (minX + maxX) / 2;
  const centerY = (minY + maxY) / 2;
  const range = Math.max(maxX - minX, maxY - minY);
  const scale = range > 0 ? (2 * (1 - margin)) / range : 1;
  const nx = new Float32Array(n);
  const ny = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const vx = (x[i] - centerX) * scale;
    const vy = (y[i] - centerY) * scale;
    nx[i] = Number.isFinite(vx) ? vx : 0;
    ny[i] = Number.isFinite(vy) ? vy : 0;
  }
  const bounds: [number, number, number, number] = [(minX - centerX) * scale, (minY - centerY) * scale, (maxX - centerX) * scale, (maxY - centerY) * scale];
  return { x: nx, y: ny, scale, centerX, centerY, bounds };
}

/** Indices of the points inside an axis-aligned rectangle (in the normalised space). */
export function pointsInRect(x: Float32Array, y: Float32Array, x0: number, y0: number, x1: number, y1: number): Uint32Array {
  const left = Math.min(x0, x1);
  const right = Math.max(x0, x1);
  const bottom = Math.min(y0, y1);
  const top = Math.max(y0, y1);
  const n = x.length;
  let count = 0;
  for (let i = 0; i < n; i++) if (x[i] >= left && x[i] <= right && y[i] >= bottom && y[i] <= top) count++;
  const out = new Uint32Array(count);
  for (let i = 0, k = 0; i < n; i++) if (x[i] >= left && x[i] <= right && y[i] >= bottom && y[i] <= top) out[k++] = i;
  return out;
}
