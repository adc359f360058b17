/**
 * Category colours for the plot and the legend, as RGBA for WebGL: one per category code (0..254)
 * plus "Other" (255), and a dimmed variant for highlighting legend entries.
 */
import { categoryColor, hexToRgb } from "../../../shared/src/palette";
import type { LegendEntry } from "../../../shared/src/types";

export type Rgba = [number, number, number, number];

export const OTHER_INDEX = 255;
export const PALETTE_SIZE = 256;

export function hexToRgba(hex: string, alpha = 1): Rgba {
  const [r, g, b] = hexToRgb(hex);
  return [r / 255, g / 255, b / 255, alpha];
}

/**
 * 256 colours indexed by category code, from the palette the static PNG uses too (so a notebook's
 * picture and its live plot agree); legend entries with their own colour (ordered fields such as
 * neighbor_preservation) override their code's.
 */
export function paletteForLegend(legend: readonly LegendEntry[]): Rgba[] {
  const colors: Rgba[] = [];
  for (let i = 0; i < PALETTE_SIZE; i++) colors.push(hexToRgba(categoryColor(i), i === OTHER_INDEX ? 0.8 : 1));
  for (const entry of legend) {
    if (entry.color && /^#[0-9a-fA-F]{6}$/.test(entry.color) && entry.index >= 0 && entry.index < PALETTE_SIZE) colors[entry.index] = hexToRgba(entry.color);
  }
  return colors;
}

/**
 * Per-category opacity for highlighting legend entries: the plot takes opacity from its opacity
 * encoding (not from the colour's alpha), so dimming goes through `opacityBy`.
 */
export function focusOpacities(base: number, focused: readonly number[], dim = 0.07): number[] | null {
  if (focused.length === 0) return null;
  const keep = new Set(focused);
  return Array.from({ length: PALETTE_SIZE }, (_, i) => (keep.has(i) ? base : Math.min(base, dim)));
}

export function rgbaToCss(c: Rgba): string {
  const to255 = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 255);
  return `rgba(${to255(c[0])}, ${to255(c[1])}, ${to255(c[2])}, ${Math.round(c[3] * 100) / 100})`;
}
