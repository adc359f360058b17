/** Plain-text rendering of runs for the terminal. */
import type { RunRecord } from "../types";

export function shortId(id: string): string {
  return id.slice(0, 8);
}

function pointsLabel(run: RunRecord): string {
  const shown = run.meta.shown_count ?? run.point_count;
  const total = run.meta.total_count;
  if (run.status !== "completed") return "-";
  return run.meta.sampled && total ? `${shown} of ${total}` : String(shown);
}

export function sourceLabel(run: RunRecord): string {
  if (run.source_kind === "demo") return "demo";
  if (run.source_kind === "qdrant") return `${run.source_uri} / ${run.collection ?? "?"}`;
  return run.source_uri;
}

export function formatRunTable(runs: RunRecord[]): string {
  if (runs.length === 0) return "No runs yet. Try: embedscope project demo --reducer umap";
  const rows = runs.map((r) => [
    shortId(r.id),
    r.status + (r.meta.degraded ? " (degraded)" : ""),
    r.reducer,
    pointsLabel(r),
    String(r.meta.color_by ?? ""),
    r.created_at.replace("T", " ").slice(0, 19),
    sourceLabel(r),
  ]);
  const header = ["ID", "STATUS", "REDUCER", "POINTS", "COLOR BY", "CREATED", "SOURCE"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join("  ");
  return [line(header), ...rows.map(line)].join("\n");
}

export function formatRunDetail(run: RunRecord): string {
  const m = run.meta;
  const lines: [string, string | undefined][] = [
    ["id", run.id],
    ["status", run.status],
    ["reducer", run.reducer + (m.reducer_requested && m.reducer_requested !== run.reducer ? ` (requested ${m.reducer_requested})` : "")],
    ["source", sourceLabel(run)],
    ["vector", run.vector_name ?? undefined],
    ["points", pointsLabel(run)],
    ["sampled", m.sampled === undefined ? undefined : m.sampled ? `yes, showing ${m.shown_count} of ${m.total_count}` : "no"],
    ["dims", m.dims === undefined ? undefined : String(m.dims)],
    ["color by", m.color_by === undefined ? undefined : String(m.color_by)],
    ["params", paramsJson(m.reducer_params)],
    ["explained var", m.explained_variance_ratio?.map((v) => v.toFixed(4)).join(", ")],
    ["KL divergence", m.kl_divergence === undefined ? undefined : m.kl_divergence.toFixed(4)],
    ["trustworthiness", trustworthinessText(m.quality)],
    ["neighbours kept", preservationText(m.quality)],
    ["fallback", m.fallback_reason],
    ["error", run.error ?? undefined],
    ["notes", m.notes?.join("; ")],
    ["created", run.created_at],
    ["completed", run.completed_at ?? undefined],
    ["timings", m.timings_ms ? Object.entries(m.timings_ms).map(([k, v]) => `${k.replace(/_ms$/, "")} ${v} ms`).join(", ") : undefined],
  ];
  const out = lines.filter(([, v]) => v !== undefined && v !== "").map(([k, v]) => `${k.padEnd(15)} ${v}`);
  if (m.legend?.length) {
    out.push("legend");
    for (const e of m.legend.slice(0, 20)) out.push(`  ${String(e.count).padStart(7)}  ${e.label}`);
    if (m.legend.length > 20) out.push(`  … ${m.legend.length - 20} more`);
  }
  return out.join("\n");
}

/** "0.9532 (k=15, 208 of 10000 rows sampled, ± 0.0031)". */
function trustworthinessText(q: RunRecord["meta"]["quality"]): string | undefined {
  if (!q) return undefined;
  if (q.error) return `not computed (${q.error})`;
  if (typeof q.trustworthiness !== "number") return undefined;
  const exact = q.trustworthiness_se === 0;
  const over = exact ? "every row" : `${q.sample} rows sampled${typeof q.trustworthiness_se === "number" ? `, ± ${q.trustworthiness_se.toFixed(4)}` : ""}`;
  return `${q.trustworthiness.toFixed(4)} (k=${q.k}, ${q.metric}, ${over})`;
}

/** "61.2 % (k=14, every point, reducer's kNN graph)". */
function preservationText(q: RunRecord["meta"]["quality"]): string | undefined {
  if (!q || typeof q.neighbor_preservation !== "number") return undefined;
  const source = q.method === "graph" ? "every point, reducer's kNN graph" : q.method === "exact" ? "every point, exact" : `${q.sample} sampled rows`;
  return `${(q.neighbor_preservation * 100).toFixed(1)} % (k=${q.preservation_k}, ${source})`;
}

/** The `--json` summary: at least id, status, reducer, point_count, total_count, sampled. */
export function runSummaryJson(run: RunRecord): Record<string, unknown> {
  return {
    id: run.id,
    status: run.status,
    reducer: run.reducer,
    reducer_requested: run.meta.reducer_requested ?? run.reducer,
    point_count: run.point_count,
    total_count: run.meta.total_count ?? run.point_count,
    sampled: run.meta.sampled ?? false,
    color_by: run.meta.color_by,
    source: sourceLabel(run),
    collection: run.collection,
    error: run.error,
    fallback_reason: run.meta.fallback_reason ?? null,
    meta: run.meta,
    created_at: run.created_at,
    completed_at: run.completed_at,
  };
}

/** Effective parameters as JSON, without the fitted model (PCA's mean and components: D numbers each). */
function paramsJson(params: Record<string, unknown> | undefined): string | undefined {
  const shown = Object.entries(params ?? {}).filter(([, v]) => !(Array.isArray(v) && (v.length > 8 || v.some(Array.isArray))));
  return shown.length ? JSON.stringify(Object.fromEntries(shown)) : undefined;
}
