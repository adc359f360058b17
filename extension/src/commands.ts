/**
 * Every "Embedscope: …" command. Commands that act on a run take a runs-tree node or a run id (from
 * the tree's context menu or another command) and otherwise ask with a quick pick.
 */
import path from "node:path";
import * as vscode from "vscode";
import { shortId } from "../../shared/src/cli/format";
import { redactSecrets } from "../../shared/src/errors";
import type { Engine } from "../../shared/src/engine";
import type { ExportFormat, RunRecord, RunStatus } from "../../shared/src/types";
import { newProjection, projectFile } from "./newProjection";
import { ExplorerPanel } from "./panel";
import { REDUCER_LABELS } from "./progressText";
import { pickRun } from "./runPicker";
import { requestFromRun } from "./runRequest";
import { isRunNode } from "./runsTree";
import { SETTINGS_SECTION } from "./settings";
import { reportError, startRunAndShow, type Services } from "./services";

export const COMMANDS = {
  connectQdrant: "embedscope.connectQdrant",
  newProjection: "embedscope.newProjection",
  projectFile: "embedscope.projectFile",
  openExplorer: "embedscope.openExplorer",
  openRun: "embedscope.openRun",
  deleteRun: "embedscope.deleteRun",
  cancelRun: "embedscope.cancelRun",
  exportRun: "embedscope.exportRun",
  recomputeRun: "embedscope.recomputeRun",
  openDemo: "embedscope.openDemo",
  refreshRuns: "embedscope.refreshRuns",
} as const;

/** The run a command was invoked on: a tree node, a run id, or (undefined) ask the user. */
function runIdOf(arg: unknown): string | undefined {
  if (isRunNode(arg)) return arg.runId;
  if (typeof arg === "string" && arg.trim() !== "") return arg.trim();
  return undefined;
}

async function resolveRun(
  engine: Engine,
  arg: unknown,
  pick: { statuses?: readonly RunStatus[]; placeHolder: string; emptyMessage: string },
): Promise<RunRecord | undefined> {
  const id = runIdOf(arg);
  if (id) return engine.getRun(id);
  return pickRun(engine, pick);
}

export function registerCommands(services: Services): vscode.Disposable {
  const { engines, log } = services;
  /** Wraps a command so every failure reaches the user once, in words they can act on. */
  const command = (id: string, what: string, run: (...args: unknown[]) => Promise<unknown>) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        await run(...args);
      } catch (err) {
        reportError(err, log, what);
      }
    });

  return vscode.Disposable.from(
    command(COMMANDS.connectQdrant, "Connect to Qdrant", () => connectQdrant(services)),
    command(COMMANDS.newProjection, "New Projection", () => newProjection(services)),
    command(COMMANDS.projectFile, "Project File", (uri) => projectFile(services, uri instanceof vscode.Uri ? uri : undefined)),
    command(COMMANDS.openExplorer, "Open Projection Explorer", async () => {
      ExplorerPanel.show(services.panelDeps);
    }),
    command(COMMANDS.openRun, "Open Run", async (arg) => {
      const engine = await engines.get();
      const run = await resolveRun(engine, arg, { statuses: ["completed"], placeHolder: "Run to open", emptyMessage: "No completed runs yet. Try Embedscope: Open Demo." });
      if (run) ExplorerPanel.show(services.panelDeps, { runId: run.id });
    }),
    command(COMMANDS.deleteRun, "Delete Run", async (arg) => {
      const engine = await engines.get();
      const run = await resolveRun(engine, arg, { placeHolder: "Run to delete", emptyMessage: "There are no runs to delete." });
      if (!run) return;
      const answer = await vscode.window.showWarningMessage(
        `Delete ${REDUCER_LABELS[run.reducer]} run ${shortId(run.id)} and its ${run.point_count} points?`,
        { modal: true, detail: "The run and its point table are removed from the database. The source is not touched." },
        "Delete",
      );
      if (answer !== "Delete") return;
      await engine.deleteRun(run.id);
      void vscode.window.showInformationMessage(`Embedscope: deleted run ${shortId(run.id)}.`);
    }),
    command(COMMANDS.cancelRun, "Cancel Run", async (arg) => {
      const engine = await engines.get();
      const run = await resolveRun(engine, arg, { statuses: ["running", "pending"], placeHolder: "Run to cancel", emptyMessage: "No run is in progress." });
      if (!run) return;
      const after = await engine.cancelRun(run.id);
      void vscode.window.showInformationMessage(`Embedscope: run ${shortId(after.id)} is ${after.status}.`);
    }),
    command(COMMANDS.exportRun, "Export Run", async (arg) => exportRun(services, arg)),
    command(COMMANDS.recomputeRun, "Recompute Run", async (arg) => {
      const engine = await engines.get();
      const run = await resolveRun(engine, arg, { placeHolder: "Run to compute again (same source and parameters)", emptyMessage: "There are no runs yet." });
      if (!run) return;
      const apiKey = run.source_kind === "qdrant" ? await services.credentials.get(run.source_uri) : undefined;
      await startRunAndShow(services, requestFromRun(run, apiKey));
    }),
    command(COMMANDS.openDemo, "Open Demo", async () => {
      const engine = await engines.get();
      const demo = (await engine.listRuns()).find((r) => r.source_kind === "demo" && r.status === "completed");
      if (demo) {
        ExplorerPanel.show(services.panelDeps, { runId: demo.id });
        return;
      }
      // Show the explorer at once: its runs list follows the demo run while it computes.
      ExplorerPanel.show(services.panelDeps);
      const settings = services.settings();
      await startRunAndShow(services, { source: { kind: "demo" }, reducer: settings.defaultReducer, sample: settings.sampleLimit, label: "Demo" });
    }),
    command(COMMANDS.refreshRuns, "Refresh", async () => services.runsTree.refresh()),
  );
}

async function connectQdrant(services: Services): Promise<void> {
  const current = services.settings().qdrantUrl;
  const url = await vscode.window.showInputBox({
    title: "Connect to Qdrant (1/2): URL",
    prompt: "The Qdrant server's HTTP URL",
    value: current ?? "http://localhost:6333",
    ignoreFocusOut: true,
    validateInput: (t) => (/^https?:\/\/[^\s/@]+(\/\S*)?$/i.test(t.trim()) ? undefined : "An http(s) URL without credentials, e.g. http://localhost:6333"),
  });
  if (!url) return;
  const base = url.trim().replace(/\/+$/, "");
  const stored = await services.credentials.get(base);
  const apiKey = await vscode.window.showInputBox({
    title: "Connect to Qdrant (2/2): API key",
    prompt: stored ? "API key (a key is stored for this URL; leave as is to keep it, empty for none)" : "API key, or leave empty if the server needs none",
    value: stored ? "********" : "",
    password: true,
    ignoreFocusOut: true,
  });
  if (apiKey === undefined) return;
  const key = apiKey === "********" && stored ? stored : apiKey.trim() || undefined;
  const engine = await services.engines.get();
  let collections: string[];
  try {
    collections = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Embedscope: connecting to ${base}` }, () => engine.listCollections(base, key));
  } catch (err) {
    // Nothing is saved when the server does not answer: a wrong URL or key is not kept.
    reportError(new Error(redactSecrets(err instanceof Error ? err.message : String(err))), services.log, `cannot connect to ${base}`);
    return;
  }
  await services.credentials.set(base, key);
  await vscode.workspace.getConfiguration(SETTINGS_SECTION).update("qdrantUrl", base, vscode.ConfigurationTarget.Global);
  const choice = await vscode.window.showInformationMessage(
    `Embedscope: connected to ${base} — ${collections.length} collection${collections.length === 1 ? "" : "s"}.`,
    "New Projection…",
  );
  if (choice) await vscode.commands.executeCommand(COMMANDS.newProjection);
}

async function exportRun(services: Services, arg: unknown): Promise<void> {
  const engine = await services.engines.get();
  const run = await resolveRun(engine, arg, { statuses: ["completed"], placeHolder: "Run to export", emptyMessage: "No completed runs to export." });
  if (!run) return;
  const format = await vscode.window.showQuickPick(
    [
      { label: "parquet", detail: "Apache Parquet: compact, typed; for pandas, DuckDB, Spark" },
      { label: "csv", detail: "Comma-separated text" },
      { label: "json", detail: "JSON array of points" },
    ],
    { placeHolder: "Export format", title: `Export run ${shortId(run.id)}` },
  );
  if (!format) return;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const fileName = `embedscope-${shortId(run.id)}.${format.label}`;
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, fileName) : vscode.Uri.file(path.join(process.cwd(), fileName)),
    filters: { [format.label.toUpperCase()]: [format.label] },
    title: `Export run ${shortId(run.id)}`,
  });
  if (!target) return;
  if (target.scheme !== "file") throw new Error("exports are written to local files only");
  const written = await engine.exportRun(run.id, { format: format.label as ExportFormat, out: target.fsPath });
  const open = await vscode.window.showInformationMessage(`Embedscope: wrote ${written.count} points to ${written.path}.`, "Reveal");
  if (open) await vscode.commands.executeCommand("revealInExplorer", vscode.Uri.file(written.path));
}
