/**
 * Colour-by as SQL over the stored point columns: recolouring never re-reads payload-derived
 * labels in JS and never recomputes the projection. The age-bucket CASE must give exactly what
 * `ageBucket` in categories.ts gives (tested on the same data).
 */
import { AGE_BUCKET_DAYS, AGE_BUCKETS, OTHER_LABEL, OVERFLOW_INDEX, UNKNOWN_LABEL } from "../categories";
import { InputError } from "../errors";
import { NEIGHBOR_PRESERVATION, preservationColors, preservationLabelSql } from "../qualityField";
import { BUILTIN_COLOR_BY, type ColorBy, type LegendEntry } from "../types";
import type { DuckDBValue } from "./duckdb";

/** Payload field paths: names of letters, digits, "_" or "-", joined by "." (e.g. `metadata.lang`). */
const FIELD_PATH = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const MAX_FIELD_PATH = 200;
const DAY_US = 86_400_000_000n;

export function isFieldPath(name: string): boolean {
  return name.length <= MAX_FIELD_PATH && FIELD_PATH.test(name);
}

/** `$."a"."b"`: quoted segments, so "-" and digits are keys, not operators or array indexes. */
export function jsonPathOf(field: string): string {
  return "$" + field.split(".").map((segment) => `."${segment}"`).join("");
}

function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** SQL giving the age bucket of `ts` at `$nowUs` (epoch microseconds); integer maths, no rounding. */
export function ageBucketSql(tsColumn = "ts", nowParam = "$now_us"): string {
  const age = `(${nowParam} - epoch_us(${tsColumn}))`;
  const past = AGE_BUCKET_DAYS.map((days, i) => `WHEN ${age} <= ${BigInt(days) * DAY_US} THEN ${sqlString(AGE_BUCKETS[i])}`).join(" ");
  return `CASE WHEN ${tsColumn} IS NULL THEN ${sqlString(UNKNOWN_LABEL)} WHEN ${age} < 0 THEN 'future' ${past} ELSE '>1y' END`;
}

export interface LabelSql {
  /** A VARCHAR expression over a `points` row. */
  expr: string;
  params: Record<string, DuckDBValue>;
  /** Ordered fields (buckets): codes and legend follow the labels' own order instead of their counts. */
  ordered?: boolean;
  /** Colour per label for fields with their own palette. */
  colors?: Record<string, string>;
}

const RANK_ORDER = "count(*) DESC, label ASC";
/** Ordered fields' labels sort as plain strings in their own order (see qualityField.ts). */
const ORDERED_RANK_ORDER = "label ASC";

/** The label of each point for `colorBy`; InputError for a name that is neither builtin nor a field path. */
export function labelSql(colorBy: ColorBy, now: Date): LabelSql {
  if (typeof colorBy !== "string" || colorBy === "") {
    throw new InputError("colour-by must be a non-empty string", "colorBy");
  }
  switch (colorBy) {
    case "document_id":
      return { expr: `coalesce(document_id, ${sqlString(UNKNOWN_LABEL)})`, params: {} };
    case "source_dir":
      return { expr: "source_dir", params: {} };
    case "filetype":
      return { expr: "filetype", params: {} };
    case "age_bucket":
      return { expr: ageBucketSql(), params: { now_us: BigInt(now.getTime()) * 1000n } };
    case NEIGHBOR_PRESERVATION:
      return { expr: preservationLabelSql("neighbor_preservation", UNKNOWN_LABEL), params: {}, ordered: true, colors: preservationColors(UNKNOWN_LABEL) };
  }
  if (!isFieldPath(colorBy)) {
    throw new InputError(
      `colour-by '${colorBy.slice(0, 80)}' is neither ${BUILTIN_COLOR_BY.join(", ")} nor a payload field path`,
      "colorBy",
      "Use a payload field name made of letters, digits, '_' or '-', with '.' between levels (e.g. category or metadata.lang).",
    );
  }
  return {
    expr: `coalesce(nullif(json_extract_string(payload, $field_path), ''), ${sqlString(UNKNOWN_LABEL)})`,
    params: { field_path: jsonPathOf(colorBy) },
  };
}

/**
 * `SELECT row, label, code` for one run: labels ranked by count desc then label asc; the first
 * 255 get codes 0..254, the rest 255 ("Other"). Needs `$run` plus the label params.
 */
export function codedLabelsSql(label: LabelSql): string {
  return `WITH labelled AS (
      SELECT "row", ${label.expr} AS label FROM points WHERE run_id = $run
    ), ranked AS (
      SELECT label, count(*) AS n, row_number() OVER (ORDER BY ${label.ordered ? ORDERED_RANK_ORDER : RANK_ORDER}) - 1 AS rank
      FROM labelled GROUP BY label
    )
    SELECT l."row", l.label, r.n, CAST(least(r.rank, ${OVERFLOW_INDEX}) AS UTINYINT) AS code
    FROM labelled l JOIN ranked r USING (label)`;
}

/**
 * The legend of a run: `SELECT idx, label, n` ordered by idx — the top 255 labels as they are and
 * every other label summed into one "Other" row (index 255), so a field with 100k distinct values
 * still returns at most 256 rows.
 */
export function legendSql(label: LabelSql): string {
  return `WITH ranked AS (
      SELECT ${label.expr} AS label, count(*) AS n, row_number() OVER (ORDER BY ${label.ordered ? ORDERED_RANK_ORDER : RANK_ORDER}) - 1 AS rank
      FROM points WHERE run_id = $run GROUP BY 1
    )
    SELECT least(rank, ${OVERFLOW_INDEX}) AS idx, CASE WHEN rank < ${OVERFLOW_INDEX} THEN label ELSE ${sqlString(OTHER_LABEL)} END AS label,
      sum(n) AS n
    FROM ranked GROUP BY 1, 2 ORDER BY 1`;
}

export function toLegend(rows: { idx: number | bigint; label: string; n: number | bigint }[], colors?: Record<string, string>): LegendEntry[] {
  return rows.map((r) => {
    const entry: LegendEntry = { index: Number(r.idx), label: r.label, count: Number(r.n) };
    const color = colors && Object.prototype.hasOwnProperty.call(colors, r.label) ? colors[r.label] : undefined;
    return color ? { ...entry, color } : entry;
  });
}
