/**
 * The legend: one button per category with its colour and count. Clicking highlights the category
 * (others dim; Ctrl/⌘/Shift-click adds more); "Select" turns the highlighted categories into the
 * selection. Labels come from payloads: text only.
 */
import type { ViewerController } from "./controller";
import { h, icon, replaceChildren, setText } from "./dom";
import { formatCount } from "./format";
import { ICONS } from "./icons";
import { paletteForLegend, rgbaToCss } from "./scatter/palette";
import type { AppState, Coloring } from "./state";
import type { ViewerStore } from "./store";

export class LegendView {
  readonly element: HTMLElement;
  private readonly list: HTMLUListElement;
  private readonly title: HTMLElement;
  private readonly count: HTMLElement;
  private readonly actions: HTMLElement;
  private readonly toggle: HTMLButtonElement;
  private coloring: Coloring | null = null;
  private focused: readonly number[] = [];
  private collapsed = false;
  private firstList = true;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: ViewerStore,
    private readonly controller: ViewerController,
  ) {
    this.title = h("span", { class: "es-legend-title" });
    this.count = h("span", { class: "es-badge es-legend-total" });
    this.toggle = h(
      "button",
      { class: "es-icon-button", attrs: { type: "button", "aria-expanded": "true", "aria-label": "Hide legend" } },
      icon(ICONS.sidebar),
    );
    this.toggle.addEventListener("click", () => this.setCollapsed(!this.collapsed));
    this.actions = h("div", { class: "es-legend-actions" });
    this.list = h("ul", { class: "es-legend-list", attrs: { role: "list" } });
    this.element = h(
      "section",
      { class: "es-legend", testid: "legend", attrs: { "aria-label": "Legend" } },
      h("header", { class: "es-legend-header" }, this.title, this.count, this.toggle),
      this.actions,
      this.list,
    );
    this.unsubscribe = store.subscribe((s, prev) => this.maybeRender(s, prev));
    this.maybeRender(store.state, null);
  }

  dispose(): void {
    this.unsubscribe();
  }

  private setCollapsed(collapsed: boolean): void {
    this.collapsed = collapsed;
    this.element.classList.toggle("es-collapsed", collapsed);
    this.toggle.setAttribute("aria-expanded", String(!collapsed));
    this.toggle.setAttribute("aria-label", collapsed ? "Show legend" : "Hide legend");
  }

  private maybeRender(state: AppState, prev: AppState | null): void {
    const coloring = state.view.kind === "data" ? state.view.coloring : null;
    const pending = state.view.kind === "data" ? state.view.pendingColorBy : null;
    const prevPending = prev?.view.kind === "data" ? prev.view.pendingColorBy : null;
    if (coloring === this.coloring && state.focusedCategories === this.focused && pending === prevPending && prev !== null) return;
    const listChanged = coloring !== this.coloring;
    this.coloring = coloring;
    this.focused = state.focusedCategories;
    this.element.hidden = coloring === null;
    this.element.classList.toggle("es-busy", pending !== null);
    if (!coloring) return;
    setText(this.title, pending ? `Colouring by ${pending}…` : String(coloring.colorBy));
    setText(this.count, pending ? "" : String(coloring.legend.length));
    this.count.title = `${coloring.legend.length} ${coloring.legend.length === 1 ? "category" : "categories"}`;
    if (listChanged) {
      // In a small plot (a notebook cell) the legend starts folded so it does not cover the points.
      if (this.firstList && (this.element.parentElement?.clientWidth ?? 1000) < 640) this.setCollapsed(true);
      this.firstList = false;
      this.renderList(coloring);
    }
    this.renderFocus();
  }

  private renderList(coloring: Coloring): void {
    const palette = paletteForLegend(coloring.legend);
    const total = coloring.legend.reduce((s, e) => s + e.count, 0);
    const items = coloring.legend.map((entry) => {
      const swatch = h("span", { class: "es-swatch", attrs: { "aria-hidden": "true" } });
      swatch.style.backgroundColor = rgbaToCss([palette[entry.index][0], palette[entry.index][1], palette[entry.index][2], 1]);
      const share = total > 0 ? ` (${((entry.count / total) * 100).toFixed(1)}%)` : "";
      const button = h(
        "button",
        {
          class: "es-legend-item",
          testid: "legend-item",
          attrs: {
            type: "button",
            "aria-pressed": "false",
            title: `${entry.label}: ${formatCount(entry.count)} points${share}. Click to highlight, Ctrl/⌘-click to add.`,
            "data-index": entry.index,
          },
        },
        swatch,
        h("span", { class: "es-legend-label" }, entry.label),
        h("span", { class: "es-legend-count" }, formatCount(entry.count)),
      );
      button.addEventListener("click", (e) => this.onItemClick(entry.index, e.ctrlKey || e.metaKey || e.shiftKey));
      return h("li", {}, button);
    });
    replaceChildren(this.list, ...items);
  }

  private renderFocus(): void {
    const focused = new Set(this.focused);
    for (const button of this.list.querySelectorAll<HTMLButtonElement>(".es-legend-item")) {
      const on = focused.has(Number(button.dataset.index));
      button.setAttribute("aria-pressed", String(on));
      button.classList.toggle("es-dimmed", focused.size > 0 && !on);
    }
    if (focused.size === 0) {
      replaceChildren(this.actions);
      this.actions.hidden = true;
      return;
    }
    const points = (this.coloring?.legend ?? []).filter((e) => focused.has(e.index)).reduce((n, e) => n + e.count, 0);
    const select = h("button", { class: "es-button es-button-small", attrs: { type: "button" } }, `Select ${formatCount(points)} ${points === 1 ? "point" : "points"}`);
    select.addEventListener("click", () => this.controller.selectCategories([...focused]));
    const clear = h("button", { class: "es-button es-button-small", attrs: { type: "button" } }, "Show all");
    clear.addEventListener("click", () => this.controller.focusCategories([]));
    replaceChildren(this.actions, select, clear);
    this.actions.hidden = false;
  }

  private onItemClick(index: number, additive: boolean): void {
    const current = this.store.state.focusedCategories;
    const on = current.includes(index);
    let next: number[];
    if (additive) next = on ? current.filter((i) => i !== index) : [...current, index];
    else next = on && current.length === 1 ? [] : [index];
    this.controller.focusCategories(next);
  }
}
