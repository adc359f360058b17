/** Quick picks of runs, for commands invoked from the palette (no tree node given). */
import * as vscode from "vscode";
import { shortId } from "../../shared/src/cli/format";
import type { Engine } from "../../shared/src/engine";
import type { RunRecord, RunStatus } from "../../shared/src/types";
import { formatAge, REDUCER_LABELS, runSourceLabel } from "./progressText";
import { STATUS_ICONS } from "./runsTreeModel";

interface RunPickItem extends vscode.QuickPickItem {
  run: RunRecord;
}

export async function pickRun(engine: Engine, options: { statuses?: readonly RunStatus[]; placeHolder: string; emptyMessage: string }): Promise<RunRecord | undefined> {
  const runs = (await engine.listRuns()).filter((r) => !options.statuses || options.statuses.includes(r.status));
  if (runs.length === 0) {
    void vscode.window.showInformationMessage(options.emptyMessage);
    return undefined;
  }
  const now = Date.now();
  const items: RunPickItem[] = runs
    .sort((a, b) => b.created_at.localeCompare(a.created_at))
    .map((run) => ({
      run,
      label: `$(${STATUS_ICONS[run.status].id.replace("~spin", "")}) ${run.label ?? REDUCER_LABELS[run.reducer]} · ${shortId(run.id)}`,
      description: runSourceLabel(run),
      detail: `${run.status}${run.status === "completed" ? ` · ${run.meta.shown_count ?? run.point_count} points` : ""} · ${formatAge(run.created_at, now)}`,
    }));
  const picked = await vscode.window.showQuickPick(items, { placeHolder: options.placeHolder, matchOnDescription: true, matchOnDetail: true });
  return picked?.run;
}
