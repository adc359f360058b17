/**
 * The "Embedscope" kernel for Jupyter notebooks in VS Code: cells hold the shared command language
 * (`%project demo reducer=pca`, `%runs`, …), run by `executeCell` against the in-process engine.
 * Each run's output carries the interactive view (our renderer), a static PNG and plain text, so the
 * saved .ipynb reads anywhere. Cells run one at a time in order; interrupt cancels the running run.
 */
import path from "node:path";
import * as vscode from "vscode";
import { executeCell, RUN_MIME, type CellDefaults, type CellOutput } from "../../../shared/src/magic/execute";
import type { RunProgress, RunRecord } from "../../../shared/src/types";
import { shortId } from "../../../shared/src/cli/format";
import { DisposableStore, type DisposableLike } from "../dispose";
import type { EngineHost } from "../engineHost";
import { formatProgress, REDUCER_LABELS } from "../progressText";
import { cellErrorOutput } from "./cellErrors";

export const CONTROLLER_ID = "embedscope-kernel";
export const NOTEBOOK_TYPE = "jupyter-notebook";
/** A kernelspec name that marks notebooks written for Embedscope (the Jupyter kernel uses it too). */
export const KERNELSPEC_NAME = "embedscope";

const PROGRESS_INTERVAL_MS = 250;

export interface ControllerDeps {
  engines: EngineHost;
  /** Settings-derived defaults for a cell (Qdrant URL and key, sample limit, reducer). */
  defaults: () => Promise<CellDefaults>;
  log: vscode.LogOutputChannel;
}

export class EmbedscopeNotebookController implements DisposableLike {
  private readonly disposables = new DisposableStore();
  private readonly controller: vscode.NotebookController;
  private readonly executionOrder = new WeakMap<vscode.NotebookDocument, number>();
  /** Running cells per notebook, so interrupt can stop them. */
  private readonly running = new Map<vscode.NotebookDocument, Set<AbortController>>();
  private readonly selected = new Set<vscode.NotebookDocument>();
  /** One queue per notebook: cells run in the order they were asked for. */
  private readonly queues = new WeakMap<vscode.NotebookDocument, Promise<void>>();

  constructor(private readonly deps: ControllerDeps) {
    const controller = vscode.notebooks.createNotebookController(CONTROLLER_ID, NOTEBOOK_TYPE, "Embedscope", (cells, notebook) => this.execute(cells, notebook));
    this.controller = this.disposables.add(controller);
    controller.description = "Project embeddings (%project, %runs, %show…)";
    controller.detail = "Runs Embedscope cell commands in VS Code; %help lists them";
    controller.supportsExecutionOrder = true;
    controller.interruptHandler = (notebook) => this.interrupt(notebook);
    this.disposables.add(
      controller.onDidChangeSelectedNotebooks(({ notebook, selected }) => {
        if (selected) this.selected.add(notebook);
        else this.selected.delete(notebook);
      }),
    );
    this.disposables.add(vscode.workspace.onDidOpenNotebookDocument((nb) => this.updateAffinity(nb)));
    for (const nb of vscode.workspace.notebookDocuments) this.updateAffinity(nb);
    this.disposables.add(
      vscode.workspace.onDidCloseNotebookDocument((nb) => {
        this.interrupt(nb);
        this.selected.delete(nb);
      }),
    );
  }

  /** True when this kernel is the one selected for `notebook`. */
  isSelectedFor(notebook: vscode.NotebookDocument): boolean {
    return this.selected.has(notebook);
  }

  dispose(): void {
    for (const set of this.running.values()) for (const c of set) c.abort();
    this.running.clear();
    this.disposables.dispose();
  }

  /** Notebooks whose kernelspec or language says Embedscope prefer this kernel. */
  private updateAffinity(notebook: vscode.NotebookDocument): void {
    if (notebook.notebookType !== NOTEBOOK_TYPE) return;
    const meta = notebook.metadata as { metadata?: { kernelspec?: { name?: unknown }; language_info?: { name?: unknown } } } | undefined;
    const inner = meta?.metadata;
    if (inner?.kernelspec?.name === KERNELSPEC_NAME || inner?.language_info?.name === KERNELSPEC_NAME) {
      this.controller.updateNotebookAffinity(notebook, vscode.NotebookControllerAffinity.Preferred);
    }
  }

  private interrupt(notebook: vscode.NotebookDocument): void {
    const set = this.running.get(notebook);
    if (!set) return;
    for (const c of set) c.abort();
  }

  private execute(cells: vscode.NotebookCell[], notebook: vscode.NotebookDocument): Promise<void> {
    const previous = this.queues.get(notebook) ?? Promise.resolve();
    const next = previous.then(async () => {
      for (const cell of cells) await this.runCell(cell);
    });
    this.queues.set(
      notebook,
      next.catch(() => undefined),
    );
    return next;
  }

  private async runCell(cell: vscode.NotebookCell): Promise<void> {
    const notebook = cell.notebook;
    const execution = this.controller.createNotebookCellExecution(cell);
    const order = (this.executionOrder.get(notebook) ?? 0) + 1;
    this.executionOrder.set(notebook, order);
    execution.executionOrder = order;
    execution.start(Date.now());

    const abort = new AbortController();
    let set = this.running.get(notebook);
    if (!set) this.running.set(notebook, (set = new Set()));
    set.add(abort);
    const tokenSub = execution.token.onCancellationRequested(() => abort.abort());

    // Output updates are asynchronous; chain them so a late progress line never replaces the result.
    let outputs: Promise<unknown> = Promise.resolve(execution.clearOutput());
    const replace = (items: vscode.NotebookCellOutput[]) => {
      outputs = outputs.then(() => execution.replaceOutput(items)).then(undefined, () => undefined);
      return outputs;
    };
    let startedRun: RunRecord | undefined;
    let lastProgress = 0;
    const showProgress = (p: RunProgress) => {
      const now = Date.now();
      if (now - lastProgress < PROGRESS_INTERVAL_MS && p.done < p.total) return;
      lastProgress = now;
      const what = startedRun ? `${REDUCER_LABELS[startedRun.reducer]} run ${shortId(startedRun.id)}` : "run";
      void replace([new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.text(`${what}: ${formatProgress(p)}`)])]);
    };

    let success = false;
    try {
      if (cell.document.getText().trim() === "") {
        success = true;
        return;
      }
      const engine = await this.deps.engines.get();
      const defaults = { ...(await this.deps.defaults()), cwd: cellFolder(notebook), dark: isDarkTheme() };
      const results = await executeCell(engine, cell.document.getText(), {
        signal: abort.signal,
        defaults,
        onRunStarted: (run) => {
          startedRun = run;
          void replace([new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.text(`${REDUCER_LABELS[run.reducer]} run ${shortId(run.id)} started…`)])]);
        },
        onProgress: showProgress,
      });
      await replace(results.map(toNotebookOutput));
      // A run that ended cancelled or failed is reported as text by executeCell; mark the cell failed.
      const finalStatus = startedRun ? await engine.getRun(startedRun.id).then((r) => r.status, () => "completed") : "completed";
      success = !abort.signal.aborted && finalStatus === "completed";
    } catch (err) {
      const shown = cellErrorOutput(err);
      this.deps.log.info(`cell ${cell.index + 1}: ${shown.name}: ${shown.message}`);
      await replace([new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.error(shown)])]);
    } finally {
      tokenSub.dispose();
      set.delete(abort);
      if (set.size === 0) this.running.delete(notebook);
      await outputs;
      execution.end(success, Date.now());
    }
  }
}

/** The interactive view first (VS Code picks the first mime it can render), then PNG, then text. */
export function toNotebookOutput(output: CellOutput): vscode.NotebookCellOutput {
  if (output.kind === "text") return new vscode.NotebookCellOutput([vscode.NotebookCellOutputItem.text(output.text)]);
  return new vscode.NotebookCellOutput(
    [
      vscode.NotebookCellOutputItem.json(output.view, RUN_MIME),
      new vscode.NotebookCellOutputItem(new Uint8Array(output.png.buffer, output.png.byteOffset, output.png.byteLength), "image/png"),
      vscode.NotebookCellOutputItem.text(output.text),
    ],
    { embedscope: { runId: output.run.id } },
  );
}

/** Relative paths in a cell (files, export out=) resolve next to the notebook. */
function cellFolder(notebook: vscode.NotebookDocument): string | undefined {
  if (notebook.uri.scheme === "file") return path.dirname(notebook.uri.fsPath);
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

function isDarkTheme(): boolean {
  const kind = vscode.window.activeColorTheme.kind;
  return kind === vscode.ColorThemeKind.Dark || kind === vscode.ColorThemeKind.HighContrast;
}
