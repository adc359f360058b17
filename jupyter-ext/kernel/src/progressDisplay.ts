/**
 * One updatable output line per projection ("run 3f2a1b2c · umap: layout 120/500 epochs"): a
 * display_data with a display_id, then update_display_data at most every `intervalMs`, the last
 * state always delivered.
 */
import { shortId } from "../../../shared/src/cli/format";
import type { ReducerName, RunProgress, RunRecord } from "../../../shared/src/types";
import type { ExecuteIo } from "./handler";

const EMBED_UNIT: Partial<Record<ReducerName, string>> = { umap: "epochs", tsne: "iterations" };

export function progressText(reducer: ReducerName, p: RunProgress): string {
  const count = `${p.done}/${p.total}`;
  switch (p.phase) {
    case "fetch":
      return `${reducer}: fetching ${count} points`;
    case "knn":
      return `${reducer}: nearest neighbours ${count}`;
    case "graph":
      return `${reducer}: neighbour graph ${count}`;
    case "embed":
      // PCA reports rows projected; the iterative layouts report epochs or iterations.
      return reducer === "pca" ? `pca: projecting ${count} points` : `${reducer}: layout ${count} ${EMBED_UNIT[reducer] ?? "steps"}`;
    case "quality":
      return `${reducer}: scoring the layout ${count}`;
    case "store":
      return `${reducer}: storing ${p.total} points`;
    default:
      return `${reducer}: ${String(p.phase)} ${count}`;
  }
}

export class ProgressDisplay {
  private last = -Infinity;
  private finished = false;
  private pending: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly prefix: string;
  private readonly startedAt: number;

  constructor(
    private readonly io: Pick<ExecuteIo, "display" | "updateDisplay">,
    private readonly run: RunRecord,
    private readonly displayId: string,
    private readonly intervalMs = 250,
    private readonly now: () => number = Date.now,
  ) {
    this.prefix = `run ${shortId(run.id)} · `;
    this.startedAt = now();
    io.display({ "text/plain": `${this.prefix}${run.reducer}: starting` }, { displayId });
  }

  update(p: RunProgress): void {
    if (this.finished) return;
    this.pending = this.prefix + progressText(this.run.reducer, p);
    const wait = this.last + this.intervalMs - this.now();
    if (wait <= 0) return this.flush();
    this.timer ??= setTimeout(() => this.flush(), wait);
  }

  /** Replaces the line with the outcome; later updates are ignored. */
  finish(outcome: string): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
    const seconds = ((this.now() - this.startedAt) / 1000).toFixed(1);
    this.io.updateDisplay(this.displayId, { "text/plain": `${this.prefix}${this.run.reducer}: ${outcome} after ${seconds} s` });
    this.finished = true;
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending === undefined || this.finished) return;
    this.io.updateDisplay(this.displayId, { "text/plain": this.pending });
    this.pending = undefined;
    this.last = this.now();
  }
}
