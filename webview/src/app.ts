/**
 * Composes the page: runs sidebar, toolbar, run info, the plot with its legend and tooltip, the
 * side panel and the chunk table, and connects the plot to the store (host state in with
 * preventEvent, user gestures out through the controller).
 */
import type { ExportFormat, RunRecord } from "../../shared/src/types";
import { errorMessage, type ViewerController } from "./controller";
import { openDialog } from "./dialog";
import { h, replaceChildren } from "./dom";
import { bytesToBlob, downloadBlob } from "./download";
import { formatCount } from "./format";
import { defaultFormValues, formValuesFromRun, type StartFormValues } from "./forms/formModel";
import { StartForm } from "./forms/startForm";
import { LegendView } from "./legend";
import { Notices } from "./panels/notices";
import { RunInfo } from "./panels/runInfo";
import { SidePanel } from "./panels/sidePanel";
import { RunList } from "./runs/runList";
import { ScatterView } from "./scatter/scatterView";
import { Tooltip } from "./scatter/tooltip";
import type { AppState, Coloring, RunPoints, Selection } from "./state";
import type { ViewerStore } from "./store";
import { ChunkTable } from "./table/chunkTable";
import { Toolbar } from "./toolbar";

const PLOT_ORIGINS = new Set<Selection["origin"]>(["lasso", "box", "click"]);

export interface AppOptions {
  /** Notebook cells: no runs sidebar, a fixed run. */
  compact?: boolean;
  spatialIndexWorker?: boolean;
  /** Host settings for a new run's form (e.g. JupyterLab's default source URL and sample limit); read at each open. */
  formDefaults?: () => Partial<Pick<StartFormValues, "url" | "sample">>;
}

export class ViewerApp {
  readonly element: HTMLElement;
  readonly scatter: ScatterView;
  private readonly disposables: { dispose(): void }[] = [];
  private readonly unsubscribes: (() => void)[] = [];
  private readonly plotOverlay: HTMLElement;
  private readonly plot: HTMLElement;
  private readonly tooltip: Tooltip;

  constructor(
    private readonly store: ViewerStore,
    private readonly controller: ViewerController,
    private readonly options: AppOptions = {},
  ) {
    this.scatter = new ScatterView(
      {
        onSelect: (rows, origin) => this.controller.select(rows, origin),
        onDeselect: () => this.controller.clearSelection(),
        onHover: (row, x, y) => this.onHover(row, x, y),
      },
      { spatialIndexWorker: options.spatialIndexWorker },
    );
    const legend = new LegendView(store, controller);
    const toolbar = new Toolbar(store, controller, {
      onExport: (format, scope) => void this.exportPoints(format, scope),
      onPng: () => void this.exportPng(),
      onFit: () => void this.scatter.fit(),
      onToggleSidebar: options.compact ? undefined : () => store.dispatch({ type: "sidebar-toggled" }),
    });
    const runInfo = new RunInfo(store, { onRecompute: (run) => this.openStartDialog(run) });
    const panel = new SidePanel(store, controller);
    const table = new ChunkTable(store, controller, {
      onHoverRow: (row) => this.scatter.highlight(row),
      onZoomToSelection: () => void this.scatter.zoomTo(this.store.state.selection?.rows ?? null),
    });
    const notices = new Notices(store);
    this.disposables.push(legend, toolbar, runInfo, panel, table, notices);

    this.plotOverlay = h("div", { class: "es-plot-overlay", attrs: { "aria-live": "polite" } });
    this.plot = h("div", { class: "es-plot", attrs: { tabindex: -1 } }, this.scatter.element, legend.element, this.plotOverlay);
    this.tooltip = new Tooltip(this.plot);
    // Keep fitted views clear of the legend overlay.
    const legendObserver = new ResizeObserver(() => {
      // A folded legend is a small header: only an open one claims the right edge.
      const open = legend.element.offsetWidth > 0 && !legend.element.classList.contains("es-collapsed");
      this.scatter.setReservedRight(open ? legend.element.offsetWidth + 20 : 0);
    });
    legendObserver.observe(legend.element);
    this.unsubscribes.push(() => legendObserver.disconnect());
    this.plot.append(this.tooltip.element);
    this.plot.addEventListener("keydown", (e) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.target instanceof HTMLButtonElement) return;
      if (e.key === "Escape" && this.store.state.selection) {
        this.controller.clearSelection();
        e.preventDefault();
      } else if (toolbar.handleShortcut(e)) e.preventDefault();
    });
    this.plot.addEventListener("pointerleave", () => this.tooltip.hide());

    const main = h(
      "main",
      { class: "es-main" },
      notices.banner,
      toolbar.element,
      runInfo.element,
      h("div", { class: "es-content" }, this.plot, panel.element, table.element),
    );
    let sidebar: HTMLElement | null = null;
    if (!options.compact) {
      const runList = new RunList(store, controller, { onNewRun: () => this.openStartDialog(null), onRecompute: (run) => this.openStartDialog(run) }, () => this.element);
      this.disposables.push(runList);
      sidebar = h("div", { class: "es-sidebar" }, runList.element);
    }
    this.element = h("div", { class: `es-viewer${options.compact ? " es-compact" : ""}` }, sidebar, main, notices.element);

    this.unsubscribes.push(store.subscribe((s, prev) => this.syncPlot(s, prev)));
    this.unsubscribes.push(store.watch((s) => s.sidebarOpen, (open) => this.element.classList.toggle("es-sidebar-closed", !open)));
    this.unsubscribes.push(store.watch((s) => s.mode, (mode) => this.scatter.setMode(mode)));
    this.unsubscribes.push(store.subscribe(() => this.renderOverlay()));
    this.watchTheme();
  }

  /** Call once the element is in the document (the plot needs a size). */
  start(): void {
    this.syncPlot(this.store.state, null);
    this.renderOverlay();
  }

  dispose(): void {
    for (const u of this.unsubscribes.splice(0)) u();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.scatter.destroy();
    this.element.remove();
  }

  // ── plot ↔ store ─────────────────────────────────────────────────────────

  private drawn: { points: RunPoints; coloring: Coloring } | null = null;
  private drawnSelection: Selection | null = null;
  private drawnFocus: readonly number[] = [];
  private drawing = false;

  private syncPlot(state: AppState, _prev: AppState | null): void {
    const view = state.view;
    if (view.kind !== "data") {
      if (this.drawn) {
        this.drawn = null;
        this.drawnSelection = null;
        this.tooltip.hide();
        delete this.scatter.canvas.dataset.points;
        void this.scatter.clear();
      }
      return;
    }
    const selectionRows = state.selection?.rows ?? null;
    if (!this.drawn || this.drawn.points !== view.points) {
      this.drawn = { points: view.points, coloring: view.coloring };
      this.drawnSelection = state.selection;
      this.drawnFocus = state.focusedCategories;
      this.drawing = true;
      this.renderOverlay();
      delete this.scatter.canvas.dataset.points;
      const points = view.points;
      this.scatter
        .setData(points, view.coloring, state.focusedCategories, selectionRows)
        .then(() => {
          if (this.drawn?.points !== points) return;
          this.scatter.canvas.dataset.points = String(points.count);
        })
        .catch((err) => this.controller.notify("error", `Could not draw the points: ${errorMessage(err)}`))
        .finally(() => {
          this.drawing = false;
          this.renderOverlay();
        });
      return;
    }
    if (this.drawn.coloring !== view.coloring) {
      this.drawn.coloring = view.coloring;
      this.drawnSelection = state.selection;
      this.drawnFocus = state.focusedCategories;
      const coloring = view.coloring;
      void this.scatter.setColoring(coloring, state.focusedCategories, selectionRows).then(() => {
        if (this.drawn?.coloring === coloring) this.scatter.canvas.dataset.colorBy = coloring.colorBy;
      });
      return;
    }
    if (this.drawnFocus !== state.focusedCategories) {
      this.drawnFocus = state.focusedCategories;
      void this.scatter.setFocus(state.focusedCategories);
    }
    if (this.drawnSelection !== state.selection) {
      this.drawnSelection = state.selection;
      // Lasso, box and click selections come from the plot, which already shows them: re-applying
      // would redo the plot's selection work (seconds at a million points).
      const fromPlot = state.selection !== null && PLOT_ORIGINS.has(state.selection.origin);
      if (!fromPlot) void this.scatter.setSelection(selectionRows);
    }
  }

  private onHover(row: number | null, clientX: number, clientY: number): void {
    const view = this.store.state.view;
    if (row === null || view.kind !== "data") {
      this.tooltip.hide();
      return;
    }
    const code = view.coloring.codes[row];
    const label = view.coloring.legend.find((e) => e.index === code)?.label ?? null;
    this.tooltip.show(row, clientX, clientY, (r) => this.controller.preview(r), label);
  }

  private renderOverlay(): void {
    const s = this.store.state;
    let content: HTMLElement | null = null;
    if (s.connection.kind === "connecting") content = h("p", { class: "es-spinner-text" }, "Connecting to Embedscope…");
    else if (s.view.kind === "loading") content = h("p", { class: "es-spinner-text" }, "Loading the run…");
    else if (s.view.kind === "error") {
      const runId = s.view.runId;
      const retry = h("button", { class: "es-button es-button-small", attrs: { type: "button" } }, "Retry");
      retry.addEventListener("click", () => void this.controller.openRun(runId));
      content = h("div", { class: "es-error-box", attrs: { role: "alert" } }, h("p", {}, s.view.message), retry);
    } else if (s.view.kind === "empty") {
      const runs = s.runs.kind === "data" ? s.runs.value : [];
      const anyCompleted = runs.some((r) => r.status === "completed");
      const anyLive = runs.some((r) => r.status === "running" || r.status === "pending");
      content = h(
        "div",
        { class: "es-empty" },
        h("p", {}, anyCompleted ? "Pick a run to show its map." : anyLive ? "A run is being computed; it will show here when done." : "No projection yet."),
        !anyCompleted && !anyLive && !this.options.compact ? h("p", { class: "es-muted" }, "Start one with “New run”.") : null,
      );
    } else if (this.drawing) content = h("p", { class: "es-spinner-text" }, `Drawing ${formatCount(s.view.points.count)} points…`);
    this.plotOverlay.hidden = content === null;
    if (content) replaceChildren(this.plotOverlay, content);
  }

  private watchTheme(): void {
    const refresh = () => this.scatter.refreshTheme();
    const media = typeof matchMedia === "function" ? matchMedia("(prefers-color-scheme: dark)") : null;
    media?.addEventListener("change", refresh);
    // VS Code and JupyterLab switch themes by classes/attributes and variables on <html>/<body>.
    const observer = new MutationObserver(refresh);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ["class", "style", "data-theme"] });
    if (document.body) observer.observe(document.body, { attributes: true, attributeFilter: ["class", "data-vscode-theme-kind", "data-jp-theme-light"] });
    this.unsubscribes.push(() => {
      media?.removeEventListener("change", refresh);
      observer.disconnect();
    });
  }

  // ── dialogs and exports ──────────────────────────────────────────────────

  openStartDialog(run: RunRecord | null): void {
    const view = this.store.state.view;
    const values: StartFormValues = run ? formValuesFromRun(run) : { ...defaultFormValues(), ...this.options.formDefaults?.() };
    const fieldNames = view.kind === "data" ? view.fields.map((f) => f.name) : [];
    let handle: ReturnType<typeof openDialog> | null = null;
    const form = new StartForm(this.controller, {
      values,
      fieldNames,
      submitLabel: run ? "Recompute" : "Start run",
      onStarted: (started) => {
        handle?.close();
        this.controller.notify("info", `Started ${started.reducer.toUpperCase()} run ${started.id.slice(0, 8)}; it will open when done.`);
      },
      onCancel: () => handle?.close(),
    });
    handle = openDialog(this.element, { title: run ? "Recompute with other parameters" : "New projection run", body: form.element, wide: true, testid: "start-dialog" });
    form.focus();
  }

  private async exportPoints(format: ExportFormat, scope: "selection" | "run"): Promise<void> {
    try {
      const file = await this.controller.exportData(format, scope);
      downloadBlob(bytesToBlob(file.data, file.mimeType), file.fileName);
      this.controller.notify("info", `Exported ${formatCount(file.count)} points to ${file.fileName}.`);
    } catch (err) {
      this.controller.notify("error", `Export failed: ${errorMessage(err)}`);
    }
  }

  private async exportPng(): Promise<void> {
    const view = this.store.state.view;
    if (view.kind !== "data") return;
    try {
      const blob = await this.scatter.toPngBlob();
      downloadBlob(blob, `embedscope-${view.runId.slice(0, 8)}.png`);
    } catch (err) {
      this.controller.notify("error", `Could not save the image: ${errorMessage(err)}`);
    }
  }
}
