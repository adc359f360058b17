/** Text the viewer shows for runs, progress and numbers. Pure functions. */
import type { ReducerName, RunProgress, RunRecord } from "../../shared/src/types";

const REDUCER_LABEL: Record<ReducerName, string> = { pca: "PCA", umap: "UMAP", tsne: "t-SNE" };

export function reducerLabel(name: ReducerName): string {
  return REDUCER_LABEL[name] ?? name;
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

export function sourceText(run: RunRecord): string {
  if (run.source_kind === "demo") return "demo";
  if (run.source_kind === "qdrant") return `${run.source_uri} / ${run.collection ?? "?"}`;
  const parts = run.source_uri.split(/[\\/]/);
  return parts[parts.length - 1] || run.source_uri;
}

export function runTitle(run: RunRecord): string {
  return run.label?.trim() || `${reducerLabel(run.reducer)} · ${sourceText(run)}`;
}

/** What the run used, incl. a fallback (e.g. "UMAP → PCA"). */
export function reducerText(run: RunRecord): string {
  const requested = run.meta.reducer_requested;
  if (requested && requested !== run.reducer) return `${reducerLabel(requested)} → ${reducerLabel(run.reducer)}`;
  return reducerLabel(run.reducer);
}

export function pointsText(run: RunRecord): string {
  if (run.status !== "completed") return "";
  const shown = run.meta.shown_count ?? run.point_count;
  const total = run.meta.total_count;
  if (run.meta.sampled && total) return `showing ${formatCount(shown)} of ${formatCount(total)}`;
  return `${formatCount(shown)} points`;
}

const PHASE_LABEL: Record<RunProgress["phase"], string> = {
  fetch: "fetching",
  knn: "neighbours",
  graph: "graph",
  embed: "layout",
  quality: "quality",
  store: "storing",
};

export function progressFraction(p: RunProgress): number {
  return p.total > 0 ? Math.min(1, Math.max(0, p.done / p.total)) : 0;
}

/** "fetching 40%", "layout epoch 120 / 500". */
export function progressText(p: RunProgress): string {
  const label = PHASE_LABEL[p.phase] ?? p.phase;
  if (p.phase === "embed" && p.total > 0) return `${label} ${formatCount(p.done)} / ${formatCount(p.total)}`;
  return `${label} ${Math.round(progressFraction(p) * 100)}%`;
}

export function relativeTime(iso: string, now: Date = new Date()): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return "";
  const s = Math.round((now.getTime() - t) / 1000);
  if (s < 45) return "just now";
  if (s < 90 * 60) return `${Math.max(1, Math.round(s / 60))} min ago`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)} h ago`;
  if (s < 14 * 86400) return `${Math.round(s / 86400)} d ago`;
  return new Date(t).toISOString().slice(0, 10);
}

/** Quality numbers worth showing: PCA's explained variance, t-SNE's KL divergence. */
export function qualityText(run: RunRecord): string | null {
  const evr = run.meta.explained_variance_ratio;
  if (Array.isArray(evr) && evr.length > 0) {
    const total = evr.reduce((s, v) => s + v, 0);
    return `explained variance ${evr.map((v) => `${(v * 100).toFixed(1)}%`).join(" + ")} = ${(total * 100).toFixed(1)}%`;
  }
  if (typeof run.meta.kl_divergence === "number") return `KL divergence ${run.meta.kl_divergence.toFixed(3)}`;
  return null;
}

/** "trustworthiness 0.953 · neighbours kept 61 %" from meta.quality, or null when the run has none. */
export function layoutQualityText(run: RunRecord): string | null {
  const q = run.meta.quality;
  if (!q || typeof q !== "object") return null;
  const parts: string[] = [];
  if (typeof q.trustworthiness === "number") parts.push(`trustworthiness ${q.trustworthiness.toFixed(3)}`);
  if (typeof q.neighbor_preservation === "number") parts.push(`neighbours kept ${Math.round(q.neighbor_preservation * 100)} %`);
  return parts.length ? parts.join(" · ") : null;
}

/** The longer explanation of layoutQualityText (a tooltip). */
export function layoutQualityDetail(run: RunRecord): string {
  const q = run.meta.quality;
  if (!q) return "";
  const lines: string[] = [];
  if (typeof q.trustworthiness === "number") {
    const over = q.sample >= run.point_count ? "every point" : `${formatCount(q.sample)} sampled points${typeof q.trustworthiness_se === "number" ? `, ± ${q.trustworthiness_se.toFixed(3)}` : ""}`;
    lines.push(`Trustworthiness@${q.k} (1 = no false neighbours on the plot), ${q.metric}, over ${over}.`);
  }
  if (typeof q.neighbor_preservation === "number") {
    const source = q.method === "graph" ? "every point, from the reducer's neighbour graph" : q.method === "exact" ? "every point, exact" : `${formatCount(q.sample)} sampled points`;
    lines.push(`Neighbours kept: average share of each point's ${q.preservation_k} nearest neighbours that are also its ${q.preservation_k} nearest on the plot (${source}).`);
  }
  if (q.per_point) lines.push("Colour by “Neighbours kept (per point)” to see where.");
  return lines.join("\n");
}

export function paramsText(run: RunRecord): string {
  const params = run.meta.reducer_params ?? {};
  const shown = Object.entries(params).filter(([, v]) => typeof v === "number" || typeof v === "string" || typeof v === "boolean");
  return shown.map(([k, v]) => `${k}=${typeof v === "number" ? +v.toFixed(4) : String(v)}`).join(", ");
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
