/**
 * The colour-by choices of a run: the four builtins, the layout-quality field, plus payload field paths (top-level keys, and
 * one level into objects as "a.b"), each with the number of distinct labels it would give.
 */
import { NEIGHBOR_PRESERVATION } from "../qualityField";
import { BUILTIN_COLOR_BY } from "../types";
import { isFieldPath, jsonPathOf, labelSql } from "./colorBy";
import type { Db } from "./duckdb";
import type { FieldInfo } from "./types";

const MAX_FIELDS = 500;
const BUILTINS: readonly string[] = BUILTIN_COLOR_BY;

/** Distinct label counts of the builtins; age buckets are counted at `now`. */
export async function builtinFields(db: Db, runId: string, now: Date): Promise<FieldInfo[]> {
  const age = labelSql("age_bucket", now);
  const counts = await db.all<Record<string, bigint>>(
    `SELECT count(DISTINCT coalesce(document_id, 'unknown')) AS document_id, count(DISTINCT source_dir) AS source_dir,
      count(DISTINCT filetype) AS filetype, count(DISTINCT ${age.expr}) AS age_bucket FROM points WHERE run_id = $run`,
    { run: runId, ...age.params },
  );
  return BUILTINS.map((name) => ({ name, distinct: Number(counts[0][name]) }));
}

/** The layout-quality field, when the run stored per-point values: its bucket count. */
export async function qualityFields(db: Db, runId: string): Promise<FieldInfo[]> {
  const label = labelSql(NEIGHBOR_PRESERVATION, new Date());
  const rows = await db.all<{ stored: bigint; distinct: bigint }>(
    `SELECT count(neighbor_preservation) AS stored, count(DISTINCT ${label.expr}) AS distinct FROM points WHERE run_id = $run`,
    { run: runId, ...label.params },
  );
  return Number(rows[0].stored) > 0 ? [{ name: NEIGHBOR_PRESERVATION, distinct: Number(rows[0].distinct) }] : [];
}

/** A key usable as one segment of a field path. */
function isKey(key: string): boolean {
  return isFieldPath(key) && !key.includes(".");
}

/** `['$."a"', …]`: paths are validated to [A-Za-z0-9_-.], so they are safe inside SQL literals. */
function pathList(names: string[]): string {
  return `[${names.map((n) => `'${jsonPathOf(n)}'`).join(", ")}]`;
}

/**
 * Payload paths usable as colour-by and their distinct label counts. Each JSON payload is parsed
 * a handful of times in total (multi-path json functions), not once per field.
 */
export async function payloadFields(db: Db, runId: string): Promise<FieldInfo[]> {
  const top = (
    await db.all<{ k: string }>(
      `SELECT DISTINCT unnest(json_keys(payload)) AS k FROM points WHERE run_id = $run AND json_type(payload) = 'OBJECT' ORDER BY 1`,
      { run: runId },
    )
  )
    .map((r) => r.k)
    .filter(isKey)
    .slice(0, MAX_FIELDS);
  if (top.length === 0) return [];
  const objects = await db.all<Record<string, boolean | null>>(
    `SELECT ${top.map((_, i) => `bool_or(t[${i + 1}] = 'OBJECT') AS o${i}`).join(", ")}
     FROM (SELECT json_type(payload, ${pathList(top)}) AS t FROM points WHERE run_id = $run)`,
    { run: runId },
  );
  const names: string[] = [];
  for (let i = 0; i < top.length; i++) {
    if (!BUILTINS.includes(top[i]) && top[i] !== NEIGHBOR_PRESERVATION) names.push(top[i]); // the builtin of that name wins
    if (!objects[0][`o${i}`]) continue;
    const nested = await db.all<{ k: string }>(
      `SELECT DISTINCT unnest(json_keys(payload, '${jsonPathOf(top[i])}')) AS k FROM points WHERE run_id = $run ORDER BY 1`,
      { run: runId },
    );
    for (const { k } of nested) if (isKey(k)) names.push(`${top[i]}.${k}`);
  }
  const chosen = names.slice(0, MAX_FIELDS);
  if (chosen.length === 0) return [];
  const counts = await db.all<Record<string, bigint>>(
    `SELECT ${chosen.map((_, i) => `count(DISTINCT coalesce(nullif(v[${i + 1}], ''), 'unknown')) AS f${i}`).join(", ")}
     FROM (SELECT json_extract_string(payload, ${pathList(chosen)}) AS v FROM points WHERE run_id = $run)`,
    { run: runId },
  );
  return chosen.map((name, i) => ({ name, distinct: Number(counts[0][`f${i}`]) }));
}
