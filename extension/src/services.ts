/** What commands, views and the notebook kernel share; built once in `activate`. */
import * as vscode from "vscode";
import { InputError, isCancel, redactSecrets } from "../../shared/src/errors";
import type { Engine } from "../../shared/src/engine";
import type { RunRecord, StartRunRequest } from "../../shared/src/types";
import { shortId } from "../../shared/src/cli/format";
import type { EngineHost } from "./engineHost";
import { ExplorerPanel, type PanelDeps } from "./panel";
import { followRunWithProgress } from "./runProgress";
import type { RunsTreeProvider } from "./runsTree";
import type { QdrantCredentials } from "./secrets";
import type { EmbedscopeSettings } from "./settings";

export interface Services {
  context: vscode.ExtensionContext;
  engines: EngineHost;
  credentials: QdrantCredentials;
  settings(): EmbedscopeSettings;
  panelDeps: PanelDeps;
  runsTree: RunsTreeProvider;
  log: vscode.LogOutputChannel;
}

/** Shows an error the way the user can act on it; cancellations are not errors. */
export function reportError(err: unknown, log: vscode.LogOutputChannel, what?: string): void {
  if (isCancel(err)) return;
  const message = redactSecrets(err instanceof Error ? err.message : String(err));
  if (err instanceof InputError) {
    void vscode.window.showErrorMessage(`${what ? `${what}: ` : ""}${message}${err.hint ? ` ${err.hint}` : ""}`);
    return;
  }
  log.error(`${what ?? "error"}: ${message}`);
  void vscode.window.showErrorMessage(`Embedscope${what ? ` — ${what}` : ""}: ${message}`);
}

/**
 * Starts a run with a cancellable progress notification; when it completes, shows it in the
 * explorer (a cancelled run needs no message: whoever cancelled it knows, and the runs view says so).
 * Resolves with the final record (undefined if it could not start).
 */
export async function startRunAndShow(services: Services, request: StartRunRequest): Promise<RunRecord | undefined> {
  let engine: Engine;
  try {
    engine = await services.engines.get();
  } catch (err) {
    reportError(err, services.log, "cannot open the database");
    return undefined;
  }
  let final: RunRecord;
  try {
    const started = await engine.startRun(request);
    services.log.info(`run ${started.run.id} started (${started.run.reducer}, ${started.run.source_uri})`);
    final = await followRunWithProgress(engine, started);
  } catch (err) {
    reportError(err, services.log, "projection failed");
    return undefined;
  }
  services.log.info(`run ${final.id} ${final.status}`);
  if (final.status === "completed") {
    ExplorerPanel.show(services.panelDeps, { runId: final.id });
  } else if (final.status === "failed") {
    void vscode.window.showErrorMessage(`Embedscope: run ${shortId(final.id)} failed: ${final.error ?? "unknown error"}`);
  }
  return final;
}
