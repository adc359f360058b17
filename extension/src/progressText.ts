/** Human wording of run progress and status, shared by the runs tree, notifications and notebook cells. */
import type { ProgressPhase, ReducerName, RunProgress, RunRecord } from "../../shared/src/types";

const PHASE_WORDS: Record<ProgressPhase, string> = {
  fetch: "reading vectors",
  knn: "finding neighbours",
  graph: "building graph",
  embed: "laying out",
  quality: "scoring layout",
  store: "saving",
};

export const REDUCER_LABELS: Record<ReducerName, string> = { pca: "PCA", umap: "UMAP", tsne: "t-SNE" };

/** Fraction done in [0, 1], or null when the total is unknown. */
export function progressFraction(p: RunProgress): number | null {
  if (!(p.total > 0)) return null;
  return Math.min(1, Math.max(0, p.done / p.total));
}

/** e.g. "laying out 340/1000 (34%)". */
export function formatProgress(p: RunProgress): string {
  const words = PHASE_WORDS[p.phase] ?? p.phase;
  const fraction = progressFraction(p);
  const counts = p.total > 0 ? ` ${p.done}/${p.total}` : "";
  const percent = fraction === null ? "" : ` (${Math.round(fraction * 100)}%)`;
  return `${words}${counts}${percent}${p.message ? ` · ${p.message}` : ""}`;
}

/** Where a run's vectors came from, in a few words. */
export function runSourceLabel(run: Pick<RunRecord, "source_kind" | "source_uri" | "collection">): string {
  if (run.source_kind === "demo") return "demo";
  if (run.source_kind === "qdrant") return `${run.collection ?? "?"} @ ${run.source_uri}`;
  const parts = run.source_uri.split(/[\\/]/);
  return parts[parts.length - 1] || run.source_uri;
}

/** "3 minutes ago", coarse on purpose: the tree refreshes on events, not on a clock. */
export function formatAge(iso: string, now: number): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return "";
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return "just now";
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(h / 24);
  if (d < 30) return `${d} d ago`;
  return iso.slice(0, 10);
}

/**
 * Overall fraction of a run from its phase progress, for one progress bar across phases
 * (reading 0–20 %, neighbours 20–35 %, graph 35–45 %, layout 45–95 %, quality 95–97 %, saving 97–100 %).
 */
const PHASE_SPANS: Record<ProgressPhase, [number, number]> = {
  fetch: [0, 0.2],
  knn: [0.2, 0.35],
  graph: [0.35, 0.45],
  embed: [0.45, 0.95],
  quality: [0.95, 0.97],
  store: [0.97, 1],
};

export function overallFraction(p: RunProgress): number {
  const [from, to] = PHASE_SPANS[p.phase] ?? [0, 1];
  return from + (to - from) * (progressFraction(p) ?? 0);
}
