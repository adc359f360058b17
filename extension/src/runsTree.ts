/**
 * The runs view in the Embedscope activity-bar container. Holds the runs and their latest progress,
 * kept current by engine events; the shape of the tree comes from the pure `buildRunsTree`.
 */
import * as vscode from "vscode";
import type { Engine } from "../../shared/src/engine";
import type { RunProgress, RunRecord } from "../../shared/src/types";
import { DisposableStore, toDisposable, type DisposableLike } from "./dispose";
import type { EngineHost } from "./engineHost";
import { buildRunsTree, type RunNode, type RunsTreeNode } from "./runsTreeModel";

export const RUNS_VIEW_ID = "embedscope.runs";
const PROGRESS_REFRESH_MS = 300;

export class RunsTreeProvider implements vscode.TreeDataProvider<RunsTreeNode>, DisposableLike {
  private readonly disposables = new DisposableStore();
  private readonly changed = this.disposables.add(new vscode.EventEmitter<void>());
  readonly onDidChangeTreeData = this.changed.event;
  private runs = new Map<string, RunRecord>();
  private readonly progress = new Map<string, RunProgress>();
  private loading: Promise<void> | undefined;
  private loadError: string | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly engines: EngineHost) {
    this.disposables.add(engines.onOpened((engine) => this.follow(engine)));
    this.disposables.add(toDisposable(() => clearTimeout(this.refreshTimer)));
  }

  refresh(): void {
    this.loading = undefined;
    this.changed.fire();
  }

  getTreeItem(node: RunsTreeNode): vscode.TreeItem {
    const item = new vscode.TreeItem(node.label, node.kind === "group" ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.iconPath = new vscode.ThemeIcon(node.icon.id, node.icon.color ? new vscode.ThemeColor(node.icon.color) : undefined);
    if (node.kind === "run") {
      item.contextValue = node.contextValue;
      if (node.status === "completed") item.command = { command: "embedscope.openRun", title: "Open Run", arguments: [node] };
    } else {
      item.contextValue = "group";
    }
    return item;
  }

  async getChildren(node?: RunsTreeNode): Promise<RunsTreeNode[]> {
    if (node) return node.kind === "group" ? node.runs : [];
    this.loading ??= this.load();
    await this.loading;
    if (this.loadError) throw new Error(this.loadError);
    return buildRunsTree([...this.runs.values()], this.progress, Date.now());
  }

  dispose(): void {
    this.disposables.dispose();
  }

  private async load(): Promise<void> {
    try {
      const engine = await this.engines.get();
      this.runs = new Map((await engine.listRuns()).map((r) => [r.id, r]));
      this.loadError = undefined;
    } catch (err) {
      this.loadError = `Cannot read runs: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  private follow(engine: Engine): void {
    this.disposables.add(
      toDisposable(
        engine.on("run", (run) => {
          this.runs.set(run.id, run);
          if (run.status !== "running" && run.status !== "pending") this.progress.delete(run.id);
          this.scheduleRefresh(true);
        }),
      ),
    );
    this.disposables.add(
      toDisposable(
        engine.on("progress", (p) => {
          this.progress.set(p.runId, p);
          this.scheduleRefresh(false);
        }),
      ),
    );
    this.disposables.add(
      toDisposable(
        engine.on("deleted", ({ runId }) => {
          this.runs.delete(runId);
          this.progress.delete(runId);
          this.scheduleRefresh(true);
        }),
      ),
    );
  }

  /** Status changes show at once; progress at most every PROGRESS_REFRESH_MS. */
  private scheduleRefresh(now: boolean): void {
    if (now) {
      clearTimeout(this.refreshTimer);
      this.refreshTimer = undefined;
      this.changed.fire();
      return;
    }
    this.refreshTimer ??= setTimeout(() => {
      this.refreshTimer = undefined;
      this.changed.fire();
    }, PROGRESS_REFRESH_MS);
  }
}

export function isRunNode(value: unknown): value is RunNode {
  return !!value && typeof value === "object" && (value as RunNode).kind === "run" && typeof (value as RunNode).runId === "string";
}
