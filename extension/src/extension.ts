/**
 * Embedscope for VS Code: the engine in-process (reducers in worker threads), the Projection
 * Explorer webview, the runs view, commands, and a notebook kernel with its renderer. Everything
 * created here is owned by `context.subscriptions` (STYLE.md habit 6).
 */
import path from "node:path";
import * as vscode from "vscode";
import { Store } from "../../shared/src/store/store";
import { registerCommands } from "./commands";
import { ChunkDocumentProvider, CHUNK_SCHEME, createDocumentOpenHandler } from "./documentOpener";
import { EngineHost } from "./engineHost";
import { registerCellLanguageFeatures } from "./notebook/completion";
import { EmbedscopeNotebookController } from "./notebook/controller";
import { RendererBridge } from "./notebook/renderer";
import { registerExplorerSerializer, type PanelDeps } from "./panel";
import { RunsTreeProvider, RUNS_VIEW_ID } from "./runsTree";
import { QdrantCredentials } from "./secrets";
import { readSettings, SETTINGS_SECTION, type EmbedscopeSettings } from "./settings";
import type { Services } from "./services";

let engines: EngineHost | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel("Embedscope", { log: true });
  context.subscriptions.push(log);

  const reported = new Set<string>();
  const settings = (): EmbedscopeSettings => {
    const { settings: s, problems } = readSettings(vscode.workspace.getConfiguration(SETTINGS_SECTION), {
      defaultDatabasePath: Store.defaultPath(),
      baseDir: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    });
    for (const p of problems.filter((p) => !reported.has(p))) {
      reported.add(p);
      log.warn(p);
      void vscode.window.showWarningMessage(`Embedscope: ${p}`);
    }
    return s;
  };

  // The worker script ships next to this bundle (dist/reduce-worker.js).
  engines = new EngineHost({ dbPath: () => settings().databasePath, workerScript: path.join(__dirname, "reduce-worker.js") });
  context.subscriptions.push(engines);
  const credentials = new QdrantCredentials(context.secrets);

  const extraHandlers = { "document.open": createDocumentOpenHandler(engines) };
  const panelDeps: PanelDeps = { extensionUri: context.extensionUri, engines, extraHandlers, log };
  const runsTree = new RunsTreeProvider(engines);
  context.subscriptions.push(runsTree, vscode.window.createTreeView(RUNS_VIEW_ID, { treeDataProvider: runsTree, showCollapseAll: true }));

  const services: Services = { context, engines, credentials, settings, panelDeps, runsTree, log };
  context.subscriptions.push(
    registerCommands(services),
    registerExplorerSerializer(panelDeps),
    vscode.workspace.registerTextDocumentContentProvider(CHUNK_SCHEME, new ChunkDocumentProvider(engines)),
  );

  const cellDefaults = async () => {
    const s = settings();
    return { qdrantUrl: s.qdrantUrl, qdrantApiKey: await credentials.get(s.qdrantUrl), sampleLimit: s.sampleLimit, reducer: s.defaultReducer };
  };
  const controller = new EmbedscopeNotebookController({ engines, defaults: cellDefaults, log });
  context.subscriptions.push(
    controller,
    new RendererBridge(engines, extraHandlers, log),
    registerCellLanguageFeatures({
      engines,
      isSelectedFor: (nb) => controller.isSelectedFor(nb),
      qdrant: async () => {
        const url = settings().qdrantUrl;
        return { url, apiKey: await credentials.get(url) };
      },
    }),
  );

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(`${SETTINGS_SECTION}.databasePath`) || !engines?.databasePath) return;
      if (settings().databasePath === engines.databasePath) return;
      void vscode.window
        .showInformationMessage("Embedscope: the database path changed; reload the window to use the new database.", "Reload Window")
        .then((choice) => choice && vscode.commands.executeCommand("workbench.action.reloadWindow"));
    }),
  );
  log.info(`activated (database: ${settings().databasePath})`);
}

/** Cancels runs in progress (recorded as cancelled) and closes DuckDB before the host exits. */
export async function deactivate(): Promise<void> {
  await engines?.dispose();
  engines = undefined;
}
