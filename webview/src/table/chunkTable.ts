/**
 * The chunk table of the selection, virtualised: a fixed pool of row elements is repositioned as
 * the list scrolls and rows are fetched lazily a page at a time, so 100,000 selected points cost
 * what 30 do. Keyboard: ↑/↓/PgUp/PgDn/Home/End move, Enter opens the document, Shift+Enter finds
 * similar chunks. Every cell is text.
 */
import type { ChunkRow } from "../../../shared/src/types";
import type { ViewerController } from "../controller";
import { h, icon, setText, uid } from "../dom";
import { formatCount } from "../format";
import { ICONS } from "../icons";
import type { AppState, Selection } from "../state";
import type { ViewerStore } from "../store";
import { RowPager } from "./rowPager";

const ROW_HEIGHT = 30;
/** Browsers cap element heights (~33M px in Chromium); past this the scrollbar maps proportionally. */
const MAX_SCROLL_HEIGHT = 6_000_000;

const ORIGIN_LABEL: Record<Selection["origin"], string> = {
  lasso: "lasso",
  box: "box",
  click: "click",
  search: "search",
  similar: "similar to",
  legend: "legend",
};

interface PooledRow {
  element: HTMLDivElement;
  cells: { id: HTMLElement; doc: HTMLElement; chunk: HTMLElement; text: HTMLElement; file: HTMLElement; mime: HTMLElement };
  open: HTMLButtonElement;
  similar: HTMLButtonElement;
  position: number;
}

export interface ChunkTableCallbacks {
  /** Pointer over a table row: highlight its point in the plot (null = none). */
  onHoverRow(row: number | null): void;
  onZoomToSelection(): void;
}

export class ChunkTable {
  readonly element: HTMLElement;
  private readonly header: HTMLElement;
  private readonly title: HTMLElement;
  private readonly scroll: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private readonly empty: HTMLElement;
  private readonly headerActions: HTMLElement;
  private readonly pool: PooledRow[] = [];
  private pager: RowPager | null = null;
  private offPager: (() => void) | null = null;
  private selection: Selection | null = null;
  private active = -1;
  private readonly idPrefix = uid("es-row");
  private frame = 0;
  private readonly unsubscribe: () => void;
  private readonly resizeObserver: ResizeObserver;

  constructor(
    store: ViewerStore,
    private readonly controller: ViewerController,
    private readonly callbacks: ChunkTableCallbacks,
  ) {
    this.title = h("h2", { class: "es-table-title" }, "Selection");
    const zoom = h("button", { class: "es-icon-button", attrs: { type: "button", "aria-label": "Zoom to the selection", title: "Zoom to the selection" } }, icon(ICONS.zoomFit));
    zoom.addEventListener("click", () => this.callbacks.onZoomToSelection());
    const clear = h("button", { class: "es-icon-button", attrs: { type: "button", "aria-label": "Clear the selection", title: "Clear the selection" } }, icon(ICONS.close));
    clear.addEventListener("click", () => this.controller.clearSelection());
    this.headerActions = h("div", { class: "es-table-actions" }, zoom, clear);
    this.header = h("header", { class: "es-table-header" }, this.title, this.headerActions);
    const columns = h(
      "div",
      { class: "es-row es-row-head", attrs: { role: "row", "aria-rowindex": 1 } },
      ...["ID", "Document", "#", "Text", "File", "Type", ""].map((label, i) =>
        h("div", { class: `es-cell es-col-${["id", "doc", "chunk", "text", "file", "mime", "actions"][i]}`, attrs: { role: "columnheader" } }, label),
      ),
    );
    this.spacer = h("div", { class: "es-table-spacer" });
    this.scroll = h(
      "div",
      {
        class: "es-table-scroll",
        attrs: { role: "grid", tabindex: 0, "aria-label": "Chunks of the selected points", "aria-rowcount": 1, "aria-colcount": 7 },
      },
      columns,
      this.spacer,
    );
    this.empty = h(
      "div",
      { class: "es-empty es-table-empty" },
      h("p", {}, "No points selected."),
      h("p", { class: "es-muted" }, "Lasso (Shift+drag, or the lasso tool), draw a box, search, or pick a legend entry to list chunks here."),
    );
    this.element = h("section", { class: "es-table", testid: "chunk-table", attrs: { "aria-label": "Selected chunks" } }, this.header, this.scroll, this.empty);

    this.scroll.addEventListener("scroll", () => this.schedule());
    this.scroll.addEventListener("keydown", (e) => this.onKey(e));
    this.scroll.addEventListener("pointerleave", () => this.callbacks.onHoverRow(null));
    this.resizeObserver = new ResizeObserver(() => this.schedule());
    this.resizeObserver.observe(this.scroll);
    this.unsubscribe = store.watch(
      (s: AppState) => s.selection,
      (selection) => this.setSelection(selection),
    );
  }

  dispose(): void {
    this.unsubscribe();
    this.resizeObserver.disconnect();
    this.offPager?.();
    this.pager?.dispose();
    cancelAnimationFrame(this.frame);
  }

  private setSelection(selection: Selection | null): void {
    this.offPager?.();
    this.pager?.dispose();
    this.pager = null;
    this.selection = selection;
    this.active = -1;
    this.scroll.removeAttribute("aria-activedescendant");
    const n = selection?.rows.length ?? 0;
    this.empty.hidden = n > 0;
    this.scroll.hidden = n === 0;
    this.headerActions.hidden = n === 0;
    this.element.classList.toggle("es-has-rows", n > 0);
    if (!selection || n === 0) {
      setText(this.title, "Selection");
      for (const row of this.pool) row.element.hidden = true;
      return;
    }
    const origin = ORIGIN_LABEL[selection.origin];
    const label = selection.label ? ` “${selection.label}”` : "";
    setText(this.title, `${formatCount(n)} selected · ${origin}${label}`);
    this.pager = new RowPager(selection.rows, (rows, signal) => this.controller.fetchRows(rows, signal));
    this.offPager = this.pager.onChange(() => this.schedule());
    this.scroll.setAttribute("aria-rowcount", String(n + 1));
    this.scroll.scrollTop = 0;
    this.schedule();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private geometry(): { ratio: number; viewport: number; full: number } {
    const n = this.pager?.length ?? 0;
    const full = n * ROW_HEIGHT;
    const height = Math.min(full, MAX_SCROLL_HEIGHT);
    const viewport = Math.max(ROW_HEIGHT, this.scroll.clientHeight - ROW_HEIGHT);
    const ratio = full > height && height > viewport ? (full - viewport) / (height - viewport) : 1;
    return { ratio, viewport, full: height };
  }

  private render(): void {
    const pager = this.pager;
    if (!pager) return;
    const { ratio, viewport, full } = this.geometry();
    this.spacer.style.height = `${full}px`;
    const virtualTop = this.scroll.scrollTop * ratio;
    const first = Math.min(pager.length - 1, Math.max(0, Math.floor(virtualTop / ROW_HEIGHT)));
    const offset = virtualTop - first * ROW_HEIGHT;
    const visible = Math.min(pager.length - first, Math.ceil(viewport / ROW_HEIGHT) + 2);
    pager.ensure(first, first + visible + 20);
    while (this.pool.length < visible) this.pool.push(this.createRow());
    for (let i = 0; i < this.pool.length; i++) {
      const pooled = this.pool[i];
      if (i >= visible) {
        pooled.element.hidden = true;
        continue;
      }
      const position = first + i;
      pooled.element.hidden = false;
      pooled.element.style.transform = `translateY(${this.scroll.scrollTop + i * ROW_HEIGHT - offset}px)`;
      this.fillRow(pooled, position);
    }
  }

  private createRow(): PooledRow {
    const cell = (name: string) => h("div", { class: `es-cell es-col-${name}`, attrs: { role: "gridcell" } });
    const cells = { id: cell("id"), doc: cell("doc"), chunk: cell("chunk"), text: cell("text"), file: cell("file"), mime: cell("mime") };
    const open = h("button", { class: "es-icon-button", attrs: { type: "button", tabindex: -1, "aria-label": "Open document", title: "Open document" } }, icon(ICONS.doc));
    const similar = h("button", { class: "es-icon-button", attrs: { type: "button", tabindex: -1, "aria-label": "Find similar", title: "Find similar chunks" } }, icon(ICONS.similar));
    const actions = h("div", { class: "es-cell es-col-actions", attrs: { role: "gridcell" } }, open, similar);
    const element = h("div", { class: "es-row", testid: "chunk-row", attrs: { role: "row" } }, cells.id, cells.doc, cells.chunk, cells.text, cells.file, cells.mime, actions);
    const pooled: PooledRow = { element, cells, open, similar, position: -1 };
    const rowOf = () => (this.pager ? this.pager.rows[pooled.position] : undefined);
    open.addEventListener("click", (e) => {
      e.stopPropagation();
      const row = rowOf();
      if (row !== undefined) void this.controller.openDocument(row);
    });
    similar.addEventListener("click", (e) => {
      e.stopPropagation();
      const row = rowOf();
      if (row !== undefined) void this.controller.findSimilar(row);
    });
    element.addEventListener("click", () => this.setActive(pooled.position, false));
    element.addEventListener("dblclick", () => {
      const row = rowOf();
      if (row !== undefined) void this.controller.openDocument(row);
    });
    element.addEventListener("pointerenter", () => {
      const row = rowOf();
      this.callbacks.onHoverRow(row ?? null);
    });
    this.spacer.appendChild(element);
    return pooled;
  }

  private fillRow(pooled: PooledRow, position: number): void {
    const pager = this.pager;
    if (!pager) return;
    pooled.position = position;
    const rowIndex = pager.rows[position];
    const state = pager.rowAt(position);
    const el = pooled.element;
    el.id = `${this.idPrefix}-${position}`;
    el.setAttribute("aria-rowindex", String(position + 2));
    el.dataset.row = String(rowIndex);
    el.classList.toggle("es-active", position === this.active);
    el.setAttribute("aria-selected", String(position === this.active));
    const tab = position === this.active ? "0" : "-1";
    pooled.open.setAttribute("tabindex", tab);
    pooled.similar.setAttribute("tabindex", tab);
    const { cells } = pooled;
    el.classList.toggle("es-loading", state.kind === "loading");
    if (state.kind === "data") {
      fillCells(cells, state.row);
    } else {
      setText(cells.id, String(rowIndex));
      for (const c of [cells.doc, cells.chunk, cells.file, cells.mime]) setText(c, "");
      setText(cells.text, state.kind === "loading" ? "…" : state.kind === "missing" ? "(not in this run)" : `could not load: ${state.message}`);
      cells.text.removeAttribute("title");
    }
  }

  private setActive(position: number, scrollIntoView: boolean): void {
    const pager = this.pager;
    if (!pager || pager.length === 0) return;
    this.active = Math.max(0, Math.min(pager.length - 1, position));
    this.scroll.setAttribute("aria-activedescendant", `${this.idPrefix}-${this.active}`);
    if (scrollIntoView) {
      const { ratio, viewport } = this.geometry();
      const top = (this.active * ROW_HEIGHT) / ratio;
      const bottom = ((this.active + 1) * ROW_HEIGHT) / ratio;
      if (top < this.scroll.scrollTop) this.scroll.scrollTop = top;
      else if (bottom > this.scroll.scrollTop + viewport) this.scroll.scrollTop = bottom - viewport;
    }
    this.callbacks.onHoverRow(pager.rows[this.active]);
    this.render();
  }

  private onKey(e: KeyboardEvent): void {
    const pager = this.pager;
    if (!pager || pager.length === 0) return;
    const page = Math.max(1, Math.floor(this.geometry().viewport / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    if (e.key in moves) {
      this.setActive(this.active < 0 ? 0 : this.active + moves[e.key], true);
    } else if (e.key === "Home") {
      this.setActive(0, true);
    } else if (e.key === "End") {
      this.setActive(pager.length - 1, true);
    } else if (e.key === "Enter" && this.active >= 0) {
      const row = pager.rows[this.active];
      void (e.shiftKey ? this.controller.findSimilar(row) : this.controller.openDocument(row));
    } else {
      return;
    }
    e.preventDefault();
  }
}

function fillCells(cells: PooledRow["cells"], row: ChunkRow): void {
  setText(cells.id, row.point_id);
  cells.id.title = row.point_id;
  setText(cells.doc, row.document_id ?? "—");
  cells.doc.title = row.document_id ?? "";
  setText(cells.chunk, row.chunk_index === null ? "—" : String(row.chunk_index));
  const text = row.text_preview ?? "";
  setText(cells.text, text.replace(/\s+/g, " ").trim() || "—");
  cells.text.title = text;
  setText(cells.file, row.file_name ?? "—");
  cells.file.title = row.path ?? row.file_name ?? "";
  setText(cells.mime, row.mime_type ?? "—");
}

