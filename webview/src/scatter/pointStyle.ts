/** Point size and opacity from the point count: big readable dots for hundreds, fine dust for millions. */

export interface PointStyle {
  size: number;
  opacity: number;
}

export function pointStyleFor(count: number): PointStyle {
  const magnitude = Math.log10(Math.max(10, count));
  return {
    size: clamp(12 - 2 * magnitude, 1.5, 8),
    opacity: clamp(1.15 - 0.12 * magnitude, 0.4, 0.95),
  };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, Math.round(v * 100) / 100));
}
