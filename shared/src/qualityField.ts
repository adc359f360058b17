/**
 * The colour-by field on layout quality: each point's neighbour preservation (the share of its
 * high-D nearest neighbours that stay among its nearest 2-D ones, stored in
 * points.neighbor_preservation by the engine) binned into five ordered buckets with an ordered
 * palette. Points without a value (runs stored before, large PCA runs) are "unknown".
 */
import { OTHER_COLOR } from "./palette";

export const NEIGHBOR_PRESERVATION = "neighbor_preservation";
/** Colour-by names computed from the layout rather than from payloads. */
export const QUALITY_COLOR_BY: readonly string[] = [NEIGHBOR_PRESERVATION];

/** Bucket labels, worst first. They also sort in this order as plain strings (the legend relies on it). */
export const PRESERVATION_BUCKETS = ["0–20 %", "20–40 %", "40–60 %", "60–80 %", "80–100 %"] as const;

/**
 * Poor → good, red → blue (ColorBrewer RdYlBu with the pale middle darkened so every bucket reads
 * on white and on a dark theme, and red/blue stays apart for red-green colour blindness).
 */
export const PRESERVATION_COLORS = ["#d7191c", "#f07c3f", "#d4a62a", "#6aaed6", "#2166ac"] as const;
export const UNKNOWN_PRESERVATION_COLOR = OTHER_COLOR;

/**
 * Values are fractions kept/k stored as FLOAT: float32(0.2)·5 is 1.0000000149 but float32(0.6)
 * could in principle land just under 3, so a 1e-4 nudge puts exact boundaries in the upper bucket.
 */
const BOUNDARY_NUDGE = 1e-4;

/** Bucket index 0..4 of a stored value, or -1 for none. */
export function preservationBucket(value: number | null | undefined): number {
  if (value === null || value === undefined || !Number.isFinite(value)) return -1;
  return Math.max(0, Math.min(PRESERVATION_BUCKETS.length - 1, Math.floor(Math.fround(value) * 5 + BOUNDARY_NUDGE)));
}

/** SQL giving `preservationBucket`'s label (or `unknown`) of a FLOAT column. */
export function preservationLabelSql(column: string, unknownLabel: string): string {
  const scaled = `(CAST(${column} AS DOUBLE) * 5 + ${BOUNDARY_NUDGE})`;
  const steps = PRESERVATION_BUCKETS.slice(0, -1).map((label, i) => `WHEN ${scaled} < ${i + 1} THEN '${label}'`).join(" ");
  return `CASE WHEN ${column} IS NULL OR isnan(${column}) THEN '${unknownLabel}' ${steps} ELSE '${PRESERVATION_BUCKETS[PRESERVATION_BUCKETS.length - 1]}' END`;
}

/** Colour of each label of the field. */
export function preservationColors(unknownLabel: string): Record<string, string> {
  const colors: Record<string, string> = { [unknownLabel]: UNKNOWN_PRESERVATION_COLOR };
  PRESERVATION_BUCKETS.forEach((label, i) => (colors[label] = PRESERVATION_COLORS[i]));
  return colors;
}
