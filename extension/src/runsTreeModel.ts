/**
 * The runs tree as a pure function of the runs and their latest progress: groups by source
 * (collection, file or demo), newest run first, with status icons and live progress in the
 * description. `runsTree.ts` only turns these nodes into `TreeItem`s.
 */
import { shortId } from "../../shared/src/cli/format";
import type { RunProgress, RunRecord, RunStatus } from "../../shared/src/types";
import { formatAge, formatProgress, REDUCER_LABELS, runSourceLabel } from "./progressText";

export interface TreeIcon {
  /** A codicon id for `ThemeIcon`. */
  id: string;
  /** A theme colour id for `ThemeColor`. */
  color?: string;
}

export interface RunNode {
  kind: "run";
  /** Stable across refreshes so VS Code keeps selection and expansion. */
  id: string;
  runId: string;
  status: RunStatus;
  label: string;
  description: string;
  tooltip: string;
  icon: TreeIcon;
  /** Drives the context menu (`viewItem =~ /run:completed/`…). */
  contextValue: string;
}

export interface GroupNode {
  kind: "group";
  id: string;
  label: string;
  description: string;
  tooltip: string;
  icon: TreeIcon;
  runs: RunNode[];
}

export type RunsTreeNode = GroupNode | RunNode;

export const STATUS_ICONS: Record<RunStatus, TreeIcon> = {
  pending: { id: "clock" },
  running: { id: "sync~spin", color: "charts.blue" },
  completed: { id: "pass", color: "testing.iconPassed" },
  failed: { id: "error", color: "errorForeground" },
  cancelled: { id: "circle-slash", color: "disabledForeground" },
};

const GROUP_ICONS: Record<RunRecord["source_kind"], string> = { demo: "book", file: "file", qdrant: "database" };

function groupKey(run: RunRecord): string {
  if (run.source_kind === "qdrant") return `qdrant:${run.source_uri}#${run.collection ?? ""}`;
  return `${run.source_kind}:${run.source_uri}`;
}

function groupLabel(run: RunRecord): { label: string; description: string; tooltip: string } {
  switch (run.source_kind) {
    case "demo":
      return { label: "Demo", description: run.collection ?? "", tooltip: "The bundled demo: SAP Fiori documentation chunks (all-MiniLM-L6-v2)" };
    case "qdrant":
      return { label: run.collection ?? "(no collection)", description: run.source_uri, tooltip: `Qdrant collection ${run.collection ?? "?"} at ${run.source_uri}` };
    default: {
      const name = runSourceLabel(run);
      const dir = run.source_uri.slice(0, Math.max(0, run.source_uri.length - name.length)).replace(/[\\/]$/, "");
      return { label: name, description: dir, tooltip: run.source_uri };
    }
  }
}

function runDescription(run: RunRecord, progress: RunProgress | undefined, now: number): string {
  switch (run.status) {
    case "running":
    case "pending":
      return progress ? formatProgress(progress) : run.status === "pending" ? "waiting" : "starting";
    case "completed": {
      const shown = run.meta.shown_count ?? run.point_count;
      const sampled = run.meta.sampled && run.meta.total_count ? ` of ${run.meta.total_count}` : "";
      const degraded = run.meta.degraded ? " · fell back to PCA" : "";
      return `${shown}${sampled} points · ${formatAge(run.completed_at ?? run.created_at, now)}${degraded}`;
    }
    case "failed":
      return `failed${run.error ? `: ${oneLine(run.error, 60)}` : ""}`;
    case "cancelled":
      return "cancelled";
  }
}

function runTooltip(run: RunRecord): string {
  const lines = [
    `${REDUCER_LABELS[run.reducer]} run ${run.id}`,
    `status: ${run.status}`,
    `source: ${runSourceLabel(run)}`,
    run.meta.color_by ? `colour by: ${String(run.meta.color_by)}` : "",
    run.meta.fallback_reason ? `fallback: ${run.meta.fallback_reason}` : "",
    run.error ? `error: ${run.error}` : "",
    `created: ${run.created_at}`,
  ];
  return lines.filter(Boolean).join("\n");
}

export function runNode(run: RunRecord, progress: RunProgress | undefined, now: number): RunNode {
  const name = run.label ? `${run.label}` : `${REDUCER_LABELS[run.reducer]} · ${shortId(run.id)}`;
  const icon = run.status === "completed" && run.meta.degraded ? { id: "warning", color: "editorWarning.foreground" } : STATUS_ICONS[run.status];
  return {
    kind: "run",
    id: `run:${run.id}`,
    runId: run.id,
    status: run.status,
    label: run.label ? `${name} (${REDUCER_LABELS[run.reducer]})` : name,
    description: runDescription(run, progress, now),
    tooltip: runTooltip(run),
    icon,
    contextValue: `run:${run.status}`,
  };
}

/** Groups sorted by label; runs newest first; a group is "running" while any of its runs is. */
export function buildRunsTree(runs: readonly RunRecord[], progress: ReadonlyMap<string, RunProgress>, now: number): GroupNode[] {
  const groups = new Map<string, { sample: RunRecord; runs: RunRecord[] }>();
  for (const run of runs) {
    const key = groupKey(run);
    const g = groups.get(key);
    if (g) g.runs.push(run);
    else groups.set(key, { sample: run, runs: [run] });
  }
  const nodes: GroupNode[] = [];
  for (const [key, g] of groups) {
    const sorted = [...g.runs].sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id));
    const active = sorted.filter((r) => r.status === "running" || r.status === "pending").length;
    const { label, description, tooltip } = groupLabel(g.sample);
    const count = `${sorted.length} run${sorted.length === 1 ? "" : "s"}${active ? `, ${active} running` : ""}`;
    nodes.push({
      kind: "group",
      id: `group:${key}`,
      label,
      description: description ? `${description} · ${count}` : count,
      tooltip,
      icon: { id: GROUP_ICONS[g.sample.source_kind] },
      runs: sorted.map((r) => runNode(r, progress.get(r.id), now)),
    });
  }
  return nodes.sort((a, b) => a.label.localeCompare(b.label) || a.id.localeCompare(b.id));
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
