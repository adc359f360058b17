/**
 * The plot toolbar: colour-by picker, search, pan / lasso / box mode, export and PNG. Reads the
 * store, acts through the controller.
 */
import type { FieldInfo } from "../../shared/src/protocol/messages";
import { NEIGHBOR_PRESERVATION, QUALITY_COLOR_BY } from "../../shared/src/qualityField";
import { BUILTIN_COLOR_BY, type ColorBy, type ExportFormat } from "../../shared/src/types";
import type { ViewerController } from "./controller";
import { h, icon, replaceChildren, setText } from "./dom";
import { formatCount } from "./format";
import { ICONS } from "./icons";
import type { AppState, InteractionMode } from "./state";
import type { ViewerStore } from "./store";

const BUILTIN_LABEL: Record<string, string> = {
  document_id: "Document",
  source_dir: "Source folder",
  filetype: "File type",
  age_bucket: "Age",
};

const QUALITY_LABEL: Record<string, string> = { [NEIGHBOR_PRESERVATION]: "Neighbours kept (per point)" };

export interface ToolbarCallbacks {
  onExport(format: ExportFormat, scope: "selection" | "run"): void;
  onPng(): void;
  /** Frame all points again. */
  onFit(): void;
  onToggleSidebar?(): void;
}

const SEARCH_DEBOUNCE_MS = 250;

export class Toolbar {
  readonly element: HTMLElement;
  private readonly colorBy: HTMLSelectElement;
  private readonly search: HTMLInputElement;
  private readonly searchStatus: HTMLElement;
  private readonly modeButtons: Record<InteractionMode, HTMLButtonElement>;
  private readonly exportMenu: HTMLDetailsElement;
  private readonly exportSelectionButtons: HTMLButtonElement[] = [];
  private readonly controls: (HTMLButtonElement | HTMLInputElement | HTMLSelectElement)[] = [];
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly unsubscribe: () => void;
  private lastFieldsKey = "";
  private readonly cleanups: (() => void)[] = [];

  constructor(
    private readonly store: ViewerStore,
    private readonly controller: ViewerController,
    private readonly callbacks: ToolbarCallbacks,
  ) {
    this.colorBy = h("select", { class: "es-input es-color-by", testid: "color-by", attrs: { "aria-label": "Colour points by" } });
    this.colorBy.addEventListener("change", () => void this.controller.setColorBy(this.colorBy.value as ColorBy));

    this.search = h("input", {
      class: "es-input es-search",
      testid: "search-input",
      attrs: { type: "search", placeholder: "Search text, documents, paths…", "aria-label": "Search chunks", autocomplete: "off", spellcheck: "false" },
    });
    this.search.addEventListener("input", () => {
      clearTimeout(this.searchTimer);
      this.searchTimer = setTimeout(() => void this.controller.search(this.search.value), SEARCH_DEBOUNCE_MS);
    });
    this.search.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        clearTimeout(this.searchTimer);
        void this.controller.search(this.search.value);
      } else if (e.key === "Escape" && this.search.value) {
        e.stopPropagation();
        this.search.value = "";
        clearTimeout(this.searchTimer);
        void this.controller.search("");
      }
    });
    this.searchStatus = h("span", { class: "es-search-status es-muted", attrs: { "aria-live": "polite" } });

    const modeButton = (mode: InteractionMode, label: string, paths: readonly string[], shortcut: string) => {
      const b = h("button", { class: "es-icon-button es-mode", attrs: { type: "button", "aria-pressed": "false", "aria-label": label, title: `${label} (${shortcut})`, "data-mode": mode } }, icon(paths));
      b.addEventListener("click", () => this.store.dispatch({ type: "mode-set", mode }));
      return b;
    };
    this.modeButtons = {
      pan: modeButton("pan", "Pan and zoom", ICONS.pan, "P"),
      lasso: modeButton("lasso", "Lasso select", ICONS.lasso, "L; or Shift+drag in any mode"),
      box: modeButton("box", "Box select", ICONS.box, "B"),
    };

    const fit = h("button", { class: "es-icon-button", attrs: { type: "button", "aria-label": "Show all points", title: "Show all points (F)" } }, icon(ICONS.zoomFit));
    fit.addEventListener("click", () => this.callbacks.onFit());

    this.exportMenu = this.buildExportMenu();
    const png = h("button", { class: "es-icon-button", attrs: { type: "button", "aria-label": "Save the view as PNG", title: "Save the view as PNG" }, testid: "export-png" }, icon(ICONS.image));
    png.addEventListener("click", () => this.callbacks.onPng());

    const sidebar = callbacks.onToggleSidebar
      ? h("button", { class: "es-icon-button", attrs: { type: "button", "aria-label": "Toggle the runs sidebar", title: "Toggle the runs sidebar" } }, icon(ICONS.sidebar))
      : null;
    sidebar?.addEventListener("click", () => callbacks.onToggleSidebar?.());

    this.controls.push(this.colorBy, this.search, ...Object.values(this.modeButtons), fit, png);
    this.element = h(
      "div",
      { class: "es-toolbar", attrs: { role: "toolbar", "aria-label": "Plot tools" } },
      sidebar,
      h("label", { class: "es-toolbar-field" }, h("span", { class: "es-toolbar-label" }, "Colour"), this.colorBy),
      h("div", { class: "es-search-box" }, icon(ICONS.search), this.search, this.searchStatus),
      h("div", { class: "es-segmented", attrs: { role: "group", "aria-label": "Pointer mode" } }, ...Object.values(this.modeButtons)),
      fit,
      h("div", { class: "es-toolbar-end" }, this.exportMenu, png),
    );
    this.unsubscribe = store.subscribe((s, prev) => this.render(s, prev));
    this.render(store.state, null);
  }

  dispose(): void {
    clearTimeout(this.searchTimer);
    this.unsubscribe();
    for (const c of this.cleanups.splice(0)) c();
  }

  /** Keyboard shortcuts for the plot area (P / L / B, F to show all). */
  handleShortcut(e: KeyboardEvent): boolean {
    if (e.ctrlKey || e.metaKey || e.altKey) return false;
    if (e.key.toLowerCase() === "f") {
      this.callbacks.onFit();
      return true;
    }
    const mode = ({ p: "pan", l: "lasso", b: "box" } as Record<string, InteractionMode>)[e.key.toLowerCase()];
    if (!mode) return false;
    this.store.dispatch({ type: "mode-set", mode });
    return true;
  }

  private buildExportMenu(): HTMLDetailsElement {
    const item = (label: string, format: ExportFormat, scope: "selection" | "run") => {
      const b = h("button", { class: "es-menu-item", attrs: { type: "button", role: "menuitem" } }, label);
      b.addEventListener("click", () => {
        menu.open = false;
        this.callbacks.onExport(format, scope);
      });
      if (scope === "selection") this.exportSelectionButtons.push(b);
      return b;
    };
    const menu = h(
      "details",
      { class: "es-menu", testid: "export-menu" },
      h("summary", { class: "es-icon-button", attrs: { "aria-label": "Export points", title: "Export points" } }, icon(ICONS.download)),
      h(
        "div",
        { class: "es-menu-panel", attrs: { role: "menu" } },
        h("p", { class: "es-menu-heading" }, "Selection"),
        item("CSV", "csv", "selection"),
        item("JSON", "json", "selection"),
        item("Parquet", "parquet", "selection"),
        h("p", { class: "es-menu-heading" }, "Whole run"),
        item("CSV", "csv", "run"),
        item("JSON", "json", "run"),
        item("Parquet", "parquet", "run"),
      ),
    );
    menu.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && menu.open) {
        e.stopPropagation();
        menu.open = false;
        menu.querySelector("summary")?.focus();
      }
    });
    const outside = (e: PointerEvent) => {
      if (menu.open && !menu.contains(e.target as Node)) menu.open = false;
    };
    document.addEventListener("pointerdown", outside);
    this.cleanups.push(() => document.removeEventListener("pointerdown", outside));
    return menu;
  }

  private render(state: AppState, prev: AppState | null): void {
    const view = state.view;
    const hasData = view.kind === "data";
    for (const c of this.controls) c.disabled = !hasData;
    this.exportMenu.classList.toggle("es-disabled", !hasData);
    if (!hasData && this.exportMenu.open) this.exportMenu.open = false;
    for (const b of this.exportSelectionButtons) b.disabled = !state.selection;

    if (state.mode !== prev?.mode) {
      for (const [mode, b] of Object.entries(this.modeButtons)) b.setAttribute("aria-pressed", String(mode === state.mode));
    }

    if (view.kind === "data") {
      const current = view.pendingColorBy ?? view.coloring.colorBy;
      const key = `${view.runId}|${current}|${view.fields.map((f) => f.name).join(",")}`;
      if (key !== this.lastFieldsKey) {
        this.lastFieldsKey = key;
        this.renderColorOptions(view.fields, current);
      }
    } else if (prev?.view.kind === "data" || prev === null) {
      this.lastFieldsKey = "";
      replaceChildren(this.colorBy);
      this.search.value = "";
    }

    if (state.search !== prev?.search) {
      const s = state.search;
      this.search.setAttribute("aria-busy", String(s.kind === "loading"));
      setText(
        this.searchStatus,
        s.kind === "loading" ? "searching…" : s.kind === "data" ? (s.matches === 0 ? "no matches" : `${formatCount(s.matches)} ${s.matches === 1 ? "match" : "matches"}`) : s.kind === "error" ? s.message : "",
      );
      this.searchStatus.classList.toggle("es-error-text", s.kind === "error");
      if (s.kind === "idle" && prev?.search.kind !== "idle" && state.view.kind !== "data") this.search.value = "";
    }
  }

  private renderColorOptions(fields: FieldInfo[], current: string): void {
    const builtins = h(
      "optgroup",
      { attrs: { label: "Built-in" } },
      ...BUILTIN_COLOR_BY.map((name) => h("option", { attrs: { value: name } }, BUILTIN_LABEL[name] ?? name)),
    );
    const quality = fields.filter((f) => QUALITY_COLOR_BY.includes(f.name));
    const payload = fields.filter((f) => !f.builtin && !(BUILTIN_COLOR_BY as readonly string[]).includes(f.name) && !QUALITY_COLOR_BY.includes(f.name));
    const known = new Set<string>([...BUILTIN_COLOR_BY, ...quality.map((f) => f.name), ...payload.map((f) => f.name)]);
    const qualityGroup = quality.length
      ? h("optgroup", { attrs: { label: "Layout quality" } }, ...quality.map((f) => h("option", { attrs: { value: f.name } }, QUALITY_LABEL[f.name] ?? f.name)))
      : null;
    const extra = known.has(current) ? [] : [current];
    const fieldGroup =
      payload.length + extra.length > 0
        ? h(
            "optgroup",
            { attrs: { label: "Payload fields" } },
            ...extra.map((name) => h("option", { attrs: { value: name } }, name)),
            ...payload.map((f) => h("option", { attrs: { value: f.name } }, `${f.name} (${formatCount(f.distinct)})`)),
          )
        : null;
    replaceChildren(this.colorBy, builtins, qualityGroup, fieldGroup);
    this.colorBy.value = current;
  }
}
