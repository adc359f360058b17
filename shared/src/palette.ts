/**
 * Category colours shared by the interactive viewer and the static PNG, so a notebook's picture
 * and its live plot agree. The first 20 are hand-picked (distinct on light and dark backgrounds);
 * later indices walk the hue circle by the golden angle. Index 255 ("Other") is grey.
 */
const BASE = [
  "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f",
];
export const OTHER_COLOR = "#a0a0a0";

function hslToHex(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    const c = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255)
      .toString(16)
      .padStart(2, "0");
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}

/** Colour of category code `index` (0..255). */
export function categoryColor(index: number): string {
  if (index === 255) return OTHER_COLOR;
  if (index < BASE.length) return BASE[index];
  const hue = (index * 137.508) % 360;
  const light = 0.45 + ((index * 7) % 3) * 0.08;
  return hslToHex(hue, 0.62, light);
}

/** The full 256-entry palette as hex strings. */
export function palette(): string[] {
  return Array.from({ length: 256 }, (_, i) => categoryColor(i));
}

export function hexToRgb(hex: string): [number, number, number] {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}
