/**
 * The runs sidebar: every stored run with its status, live progress, and cancel / recompute /
 * delete. Rows are keyed by run id and updated in place so progress events don't steal focus.
 */
import type { RunProgress, RunRecord } from "../../../shared/src/types";
import type { ViewerController } from "../controller";
import { confirmDialog } from "../dialog";
import { h, icon, replaceChildren, setText } from "../dom";
import { pointsText, progressFraction, progressText, reducerText, relativeTime, runTitle, sourceText } from "../format";
import { ICONS } from "../icons";
import { viewRunId, type AppState } from "../state";
import type { ViewerStore } from "../store";

export interface RunListCallbacks {
  onNewRun(): void;
  onRecompute(run: RunRecord): void;
}

class RunRow {
  readonly element: HTMLLIElement;
  private readonly open: HTMLButtonElement;
  private readonly title: HTMLElement;
  private readonly meta: HTMLElement;
  private readonly status: HTMLElement;
  private readonly progressBar: HTMLElement;
  private readonly progressFill: HTMLElement;
  private readonly progressLabel: HTMLElement;
  private readonly cancel: HTMLButtonElement;
  private readonly recompute: HTMLButtonElement;
  private readonly remove: HTMLButtonElement;
  private run: RunRecord;

  constructor(run: RunRecord, controller: ViewerController, callbacks: RunListCallbacks, dialogParent: () => HTMLElement) {
    this.run = run;
    this.title = h("span", { class: "es-run-title" });
    this.meta = h("span", { class: "es-run-meta" });
    this.status = h("span", { class: "es-badge", testid: "status" });
    this.open = h("button", { class: "es-run-open", attrs: { type: "button" } }, this.title, this.meta);
    this.open.addEventListener("click", () => {
      if (this.run.status === "completed") void controller.openRun(this.run.id);
    });
    this.progressFill = h("span", { class: "es-progress-fill" });
    this.progressLabel = h("span", { class: "es-progress-label" });
    this.progressBar = h(
      "div",
      { class: "es-progress", attrs: { role: "progressbar", "aria-valuemin": 0, "aria-valuemax": 100 } },
      h("span", { class: "es-progress-track" }, this.progressFill),
      this.progressLabel,
    );
    this.cancel = h("button", { class: "es-icon-button", attrs: { type: "button", "aria-label": "Cancel run", title: "Cancel run" } }, icon(ICONS.stop));
    this.cancel.addEventListener("click", () => void controller.cancelRun(this.run.id));
    this.recompute = h("button", { class: "es-icon-button", attrs: { type: "button", "aria-label": "Recompute with other parameters", title: "Recompute with other parameters" } }, icon(ICONS.redo));
    this.recompute.addEventListener("click", () => callbacks.onRecompute(this.run));
    this.remove = h("button", { class: "es-icon-button es-danger", attrs: { type: "button", "aria-label": "Delete run", title: "Delete run" } }, icon(ICONS.trash));
    this.remove.addEventListener("click", async () => {
      const ok = await confirmDialog(dialogParent(), "Delete run?", `“${runTitle(this.run)}” and its ${this.run.point_count} points will be removed from the database.`, "Delete", true);
      if (ok) await controller.deleteRun(this.run.id);
    });
    this.element = h(
      "li",
      { class: "es-run", testid: "run-row", attrs: { "data-run-id": run.id } },
      h("div", { class: "es-run-main" }, this.open, this.status),
      this.progressBar,
      h("div", { class: "es-run-actions" }, this.cancel, this.recompute, this.remove),
    );
  }

  update(run: RunRecord, progress: RunProgress | undefined, active: boolean, now: Date): void {
    this.run = run;
    setText(this.title, runTitle(run));
    const problem = run.status === "failed" && run.error ? run.error : null;
    const details = problem ?? [reducerText(run), run.label ? sourceText(run) : null, pointsText(run) || null, relativeTime(run.created_at, now)].filter(Boolean).join(" · ");
    setText(this.meta, details);
    this.meta.classList.toggle("es-error-text", problem !== null);
    this.open.title = `${runTitle(run)}\n${run.id}${run.error ? `\n${run.error}` : ""}`;
    this.open.disabled = run.status !== "completed";
    this.open.setAttribute("aria-label", `Show run ${runTitle(run)} (${run.status})`);
    this.element.classList.toggle("es-active", active);
    if (active) this.element.setAttribute("aria-current", "true");
    else this.element.removeAttribute("aria-current");
    setText(this.status, run.status);
    this.status.className = `es-badge es-status-${run.status}`;
    this.status.title = run.error ?? (run.meta.fallback_reason ? `fell back to PCA: ${run.meta.fallback_reason}` : run.status);
    const live = run.status === "running" || run.status === "pending";
    this.progressBar.hidden = !live;
    if (live) {
      const fraction = progress ? progressFraction(progress) : 0;
      this.progressFill.style.width = `${Math.round(fraction * 100)}%`;
      this.progressBar.setAttribute("aria-valuenow", String(Math.round(fraction * 100)));
      const text = progress ? progressText(progress) : run.status === "pending" ? "waiting…" : "starting…";
      setText(this.progressLabel, text);
      this.progressBar.setAttribute("aria-valuetext", text);
    }
    this.cancel.hidden = !live;
    this.recompute.hidden = live;
  }
}

export class RunList {
  readonly element: HTMLElement;
  private readonly list: HTMLUListElement;
  private readonly body: HTMLElement;
  private readonly rows = new Map<string, RunRow>();
  private readonly unsubscribe: () => void;

  constructor(
    store: ViewerStore,
    private readonly controller: ViewerController,
    private readonly callbacks: RunListCallbacks,
    private readonly dialogParent: () => HTMLElement,
  ) {
    const newRun = h("button", { class: "es-button es-button-primary es-button-small", attrs: { type: "button" }, testid: "new-run" }, icon(ICONS.plus), "New run");
    newRun.addEventListener("click", () => callbacks.onNewRun());
    const refresh = h("button", { class: "es-icon-button", attrs: { type: "button", "aria-label": "Refresh runs", title: "Refresh runs" } }, icon(ICONS.redo));
    refresh.addEventListener("click", () => void controller.refreshRuns());
    this.list = h("ul", { class: "es-run-list", testid: "run-list", attrs: { "aria-label": "Runs" } });
    this.body = h("div", { class: "es-runs-body" }, this.list);
    this.element = h("nav", { class: "es-runs", attrs: { "aria-label": "Projection runs" } }, h("header", { class: "es-runs-header" }, h("h2", {}, "Runs"), refresh, newRun), this.body);
    let last: [AppState["runs"], AppState["progress"], string | null] | null = null;
    const render = (s: AppState) => {
      const key: [AppState["runs"], AppState["progress"], string | null] = [s.runs, s.progress, viewRunId(s)];
      if (last && key.every((v, i) => v === last![i])) return;
      last = key;
      this.render(s);
    };
    this.unsubscribe = store.subscribe(render);
    render(store.state);
  }

  dispose(): void {
    this.unsubscribe();
  }

  private render(state: AppState): void {
    const runs = state.runs;
    const status = this.body.querySelector(".es-runs-status");
    status?.remove();
    if (runs.kind !== "data") {
      this.list.hidden = true;
      const message =
        runs.kind === "loading"
          ? h("p", { class: "es-runs-status es-muted" }, "Loading runs…")
          : h("div", { class: "es-runs-status es-error-box", attrs: { role: "alert" } }, h("p", {}, `Could not list runs: ${runs.message}`), this.retryButton());
      this.body.prepend(message);
      return;
    }
    this.list.hidden = false;
    if (runs.value.length === 0) {
      const demo = h("button", { class: "es-button es-button-primary", attrs: { type: "button" } }, "Project the demo with UMAP");
      demo.addEventListener("click", () => void this.controller.startRun({ source: { kind: "demo" }, reducer: "umap", colorBy: "source_dir", label: "demo · UMAP" }).catch((err) => this.controller.notify("error", String(err instanceof Error ? err.message : err))));
      this.body.prepend(h("div", { class: "es-runs-status es-empty" }, h("p", {}, "No runs yet."), demo));
    }
    const now = new Date();
    const active = viewRunId(state);
    const seen = new Set<string>();
    const ordered: HTMLElement[] = [];
    for (const run of runs.value) {
      seen.add(run.id);
      let row = this.rows.get(run.id);
      if (!row) {
        row = new RunRow(run, this.controller, this.callbacks, this.dialogParent);
        this.rows.set(run.id, row);
      }
      row.update(run, state.progress[run.id], run.id === active, now);
      ordered.push(row.element);
    }
    for (const [id, row] of this.rows) {
      if (!seen.has(id)) {
        row.element.remove();
        this.rows.delete(id);
      }
    }
    // Re-order only when needed: moving a focused element would drop focus.
    const current = [...this.list.children];
    if (current.length !== ordered.length || current.some((el, i) => el !== ordered[i])) replaceChildren(this.list, ...ordered);
  }

  private retryButton(): HTMLButtonElement {
    const retry = h("button", { class: "es-button es-button-small", attrs: { type: "button" } }, "Retry");
    retry.addEventListener("click", () => void this.controller.refreshRuns());
    return retry;
  }
}
