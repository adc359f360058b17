/**
 * The map: regl-scatterplot behind a small set of verbs. Host state (selection, colours, focus) is
 * applied with `preventEvent` so it never echoes back as a user action; user actions (lasso, box,
 * click, hover) come out through the callbacks.
 */
import createScatterplot from "regl-scatterplot";
import { h } from "../dom";
import type { Coloring, InteractionMode, RunPoints } from "../state";
import { normalizeCoords, pointsInRect, type NormalizedCoords } from "./normalize";
import { focusOpacities, paletteForLegend, type Rgba } from "./palette";
import { pointStyleFor } from "./pointStyle";
import { readPlotColors, type PlotColors } from "./themeColors";
import { pixelToPlot } from "./viewMath";

type Scatterplot = ReturnType<typeof createScatterplot>;

export interface ScatterCallbacks {
  onSelect(rows: Uint32Array, origin: "lasso" | "box" | "click"): void;
  onDeselect(): void;
  /** `row` null when the pointer left a point. Client coordinates of the pointer. */
  onHover(row: number | null, clientX: number, clientY: number): void;
}

export interface ScatterOptions {
  /** regl-scatterplot builds the spatial index of ≥ 1M points in a blob: worker; hosts whose CSP forbids it say false. */
  spatialIndexWorker?: boolean;
}

/** Smallest drag (px) that counts as a box rather than a click. */
const MIN_BOX_PX = 4;

export class ScatterView {
  readonly element: HTMLDivElement;
  readonly canvas: HTMLCanvasElement;
  private readonly boxOverlay: HTMLDivElement;
  private readonly boxRect: HTMLDivElement;
  private plot: Scatterplot | null = null;
  private coords: NormalizedCoords | null = null;
  private codes: Uint8Array | null = null;
  private palette: Rgba[] = [];
  private colors: PlotColors | null = null;
  private spatialIndex: ArrayBuffer | undefined;
  private drawing: Promise<void> = Promise.resolve();
  private lassoing = false;
  /** Set when a lasso ends; the click that the same mouseup produces must not count as a click. */
  private swallowNextClick = false;
  private lastPointer: [number, number] = [0, 0];
  private mode: InteractionMode = "pan";
  private readonly resizeObserver: ResizeObserver;
  private readonly cleanups: (() => void)[] = [];
  private destroyed = false;
  private drawnCount = 0;
  private reservedRight = 0;
  /** Until the user pans or zooms, layout changes (table shown, sidebar folded) re-frame the points. */
  private autoFit = true;

  constructor(
    private readonly callbacks: ScatterCallbacks,
    private readonly options: ScatterOptions = {},
  ) {
    this.canvas = h("canvas", {
      class: "es-canvas",
      testid: "scatter",
      attrs: { role: "img", "aria-label": "Scatterplot of the projected points. Drag to pan, scroll to zoom, shift+drag to lasso." },
    });
    this.boxRect = h("div", { class: "es-box-rect", attrs: { hidden: true } });
    this.boxOverlay = h("div", { class: "es-box-overlay", attrs: { hidden: true } }, this.boxRect);
    this.element = h("div", { class: "es-plot-surface" }, this.canvas, this.boxOverlay);
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(this.element);
    this.installBoxSelection();
    const track = (e: PointerEvent) => {
      this.lastPointer = [e.clientX, e.clientY];
    };
    this.canvas.addEventListener("pointermove", track);
    // A lasso closed where it started ends with a click on the same spot, which the plot would
    // take as "select the point under the pointer" and replace the lasso's selection: swallow it.
    const swallowClickAfterLasso = (e: MouseEvent) => {
      if (e.target === this.canvas && this.swallowNextClick) e.stopPropagation();
      this.swallowNextClick = false;
    };
    const newGesture = () => {
      this.swallowNextClick = false;
    };
    this.element.addEventListener("click", swallowClickAfterLasso, true);
    this.element.addEventListener("pointerdown", newGesture, true);
    const userMovesCamera = (e: Event) => {
      if (e.type === "wheel" || (this.mode === "pan" && !(e as PointerEvent).shiftKey)) this.autoFit = false;
    };
    this.canvas.addEventListener("wheel", userMovesCamera, { passive: true });
    this.canvas.addEventListener("pointerdown", userMovesCamera);
    this.cleanups.push(() => {
      this.canvas.removeEventListener("pointermove", track);
      this.element.removeEventListener("click", swallowClickAfterLasso, true);
      this.element.removeEventListener("pointerdown", newGesture, true);
      this.canvas.removeEventListener("wheel", userMovesCamera);
      this.canvas.removeEventListener("pointerdown", userMovesCamera);
    });
  }

  /** Creates the WebGL plot lazily: the element must be in the document with a size first. */
  private ensurePlot(): Scatterplot {
    if (this.plot) return this.plot;
    const { width, height } = this.size();
    this.colors = readPlotColors(this.element);
    const plot = createScatterplot({
      canvas: this.canvas,
      width,
      height,
      backgroundColor: this.colors.background,
      pointColorActive: this.colors.accent,
      pointColorHover: this.colors.hover,
      lassoColor: this.colors.lasso,
      lassoOnLongPress: true,
      lassoInitiator: false,
      lassoMinDelay: 8,
      lassoMinDist: 2,
      deselectOnDblClick: true,
      // Escape is handled by the viewer: it closes the innermost thing (a dialog, the panel) first.
      deselectOnEscape: false,
      opacityInactiveScale: 0.35,
      pointOutlineWidth: 1,
      mouseMode: this.mode === "lasso" ? "lasso" : "panZoom",
      colorBy: "valueA",
      spatialIndexUseWorker: this.options.spatialIndexWorker === false ? false : undefined,
      // Events in the same task as the gesture: async ones queue behind frames and add latency.
      syncEvents: true,
    });
    plot.subscribe("lassoStart", () => {
      this.lassoing = true;
    });
    plot.subscribe("lassoEnd", () => {
      this.lassoing = false;
      this.swallowNextClick = true;
    });
    plot.subscribe("select", ({ points }) => {
      // `select` fires inside the lasso's end, before `lassoEnd`.
      this.callbacks.onSelect(Uint32Array.from(points), this.lassoing ? "lasso" : "click");
    });
    plot.subscribe("deselect", () => this.callbacks.onDeselect());
    plot.subscribe("pointOver", (row) => this.callbacks.onHover(row, this.lastPointer[0], this.lastPointer[1]));
    plot.subscribe("pointOut", () => this.callbacks.onHover(null, 0, 0));
    plot.subscribe("view", () => this.callbacks.onHover(null, 0, 0));
    this.plot = plot;
    return plot;
  }

  get pointCount(): number {
    return this.drawnCount;
  }

  /** Points the plot itself shows as selected (what the user sees highlighted). */
  selectedCount(): number {
    return this.plot ? (this.plot.get("selectedPoints") as number[]).length : 0;
  }

  /** Draws a run: new coordinates, colours, a fresh camera. Resolves once the frame is drawn. */
  setData(points: RunPoints, coloring: Coloring, focused: readonly number[], selection: Uint32Array | null): Promise<void> {
    return this.enqueue(async () => {
      const plot = this.ensurePlot();
      this.coords = normalizeCoords(points.x, points.y);
      this.codes = coloring.codes;
      this.palette = paletteForLegend(coloring.legend);
      const style = pointStyleFor(points.count);
      this.baseOpacity = style.opacity;
      await plot.set({
        pointSize: style.size,
        pointSizeSelected: 2,
        pointColor: this.palette,
        colorBy: "valueA",
        ...this.opacityFor(focused),
      });
      this.spatialIndex = undefined;
      await plot.draw({ x: this.coords.x, y: this.coords.y, z: this.codes }, { zDataType: "categorical", select: selection ? Array.from(selection) : undefined });
      this.spatialIndex = plot.get("spatialIndex");
      this.drawnCount = points.count;
      this.canvas.dataset.colorBy = String(coloring.colorBy);
      // A new run starts from the whole picture, not from where the previous one was zoomed.
      await this.fitNow(false);
    });
  }

  /** New colour-by: same points and camera, new category per point (no new spatial index). */
  setColoring(coloring: Coloring, focused: readonly number[], selection: Uint32Array | null): Promise<void> {
    return this.enqueue(async () => {
      const plot = this.plot;
      if (!plot || !this.coords || coloring.codes.length !== this.coords.x.length) return;
      this.codes = coloring.codes;
      this.palette = paletteForLegend(coloring.legend);
      await plot.set({ pointColor: this.palette, ...this.opacityFor(focused) });
      await plot.draw(
        { x: this.coords.x, y: this.coords.y, z: this.codes },
        { zDataType: "categorical", preventFilterReset: true, spatialIndex: this.spatialIndex, select: selection ? Array.from(selection) : undefined },
      );
    });
  }

  private baseOpacity = 1;

  /** Uniform opacity, or per category (through the category value) while legend entries are highlighted. */
  private opacityFor(focused: readonly number[]): { opacity: number | number[]; opacityBy: "valueA" | null } {
    const perCategory = focusOpacities(this.baseOpacity, focused);
    return perCategory ? { opacity: perCategory, opacityBy: "valueA" } : { opacity: this.baseOpacity, opacityBy: null };
  }

  /** Highlights legend categories by dimming the others (an encoding change, no redraw of data). */
  setFocus(focused: readonly number[]): Promise<void> {
    return this.enqueue(async () => {
      if (!this.plot || this.palette.length === 0) return;
      await this.plot.set(this.opacityFor(focused));
    });
  }

  setSelection(rows: Uint32Array | null): Promise<void> {
    return this.enqueue(async () => {
      if (!this.plot || !this.coords) return;
      if (!rows || rows.length === 0) this.plot.deselect({ preventEvent: true });
      else this.plot.select(Array.from(rows), { preventEvent: true });
    });
  }

  setMode(mode: InteractionMode): void {
    this.mode = mode;
    this.boxOverlay.hidden = mode !== "box";
    this.element.dataset.mode = mode;
    void this.plot?.set({ mouseMode: mode === "lasso" ? "lasso" : "panZoom" });
  }

  /** Marks a point as hovered (from the table) without emitting an event. */
  highlight(row: number | null): void {
    if (!this.plot || !this.coords) return;
    this.plot.hover(row ?? -1, { showReticleOnce: row !== null, preventEvent: true });
  }

  /** Zooms to the given rows (e.g. the selection), or back to everything. */
  zoomTo(rows: Uint32Array | null): Promise<void> {
    return this.enqueue(async () => {
      if (!this.plot || !this.coords) return;
      if (rows && rows.length > 0) await this.plot.zoomToPoints(Array.from(rows), { padding: 0.3, transition: true, transitionDuration: 400 });
      else await this.fitNow(true);
    });
  }

  /** Pixels on the right that overlays (the legend) cover; the fitted view keeps points clear of them. */
  setReservedRight(px: number): void {
    this.reservedRight = px;
  }

  /** Frames all points in the visible area. */
  fit(transition = true): Promise<void> {
    return this.enqueue(() => this.fitNow(transition));
  }

  private async fitNow(transition: boolean): Promise<void> {
    if (!this.plot || !this.coords) return;
    this.autoFit = true;
    const [x0, y0, x1, y1] = this.coords.bounds;
    const { width } = this.size();
    const reserve = width - this.reservedRight >= 320 ? this.reservedRight : 0;
    const pad = 0.06 * Math.max(x1 - x0, y1 - y0, 1e-6);
    let w = x1 - x0 + 2 * pad;
    const h = y1 - y0 + 2 * pad;
    // Widen the framed area to the right so the points end where the overlay begins.
    w = (w * width) / (width - reserve);
    await this.plot.zoomToArea({ x: x0 - pad, y: y0 - pad, width: w, height: h }, transition ? { transition: true, transitionDuration: 350 } : {});
  }

  /** Re-reads the theme (VS Code/Jupyter theme switch, prefers-color-scheme change). */
  refreshTheme(): void {
    if (!this.plot) return;
    this.colors = readPlotColors(this.element);
    void this.plot.set({
      backgroundColor: this.colors.background,
      pointColorActive: this.colors.accent,
      pointColorHover: this.colors.hover,
      lassoColor: this.colors.lasso,
    });
  }

  /**
   * The current view as PNG. The plot renders into this 2-D canvas with a transparent background
   * (the page's background shows through), so the image is composed onto the theme's background.
   */
  async toPngBlob(): Promise<Blob> {
    await this.drawing;
    const out = document.createElement("canvas");
    out.width = this.canvas.width;
    out.height = this.canvas.height;
    const ctx = out.getContext("2d");
    if (!ctx) throw new Error("the browser has no 2-D canvas");
    const [r, g, b] = (this.colors ?? readPlotColors(this.element)).background;
    ctx.fillStyle = `rgb(${Math.round(r * 255)}, ${Math.round(g * 255)}, ${Math.round(b * 255)})`;
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(this.canvas, 0, 0);
    return new Promise((resolve, reject) => out.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("the browser could not encode the image"))), "image/png"));
  }

  /** Where a row is drawn, in client coordinates (for tests and for anchoring popups). */
  clientPositionOf(row: number): [number, number] | null {
    const pos = this.plot?.getScreenPosition(row);
    if (!pos) return null;
    const rect = this.canvas.getBoundingClientRect();
    return [rect.left + pos[0], rect.top + pos[1]];
  }

  clear(): Promise<void> {
    return this.enqueue(async () => {
      this.coords = null;
      this.codes = null;
      this.drawnCount = 0;
      if (this.plot) await this.plot.clear();
    });
  }

  destroy(): void {
    this.destroyed = true;
    this.resizeObserver.disconnect();
    for (const c of this.cleanups.splice(0)) c();
    this.plot?.destroy();
    this.plot = null;
  }

  // ── internals ────────────────────────────────────────────────────────────

  /** regl-scatterplot refuses a draw while another is in flight: serialise every call. */
  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.drawing.then(() => (this.destroyed ? undefined : task()));
    this.drawing = next.catch(() => undefined);
    return next;
  }

  private size(): { width: number; height: number } {
    const rect = this.element.getBoundingClientRect();
    return { width: Math.max(50, Math.floor(rect.width)), height: Math.max(50, Math.floor(rect.height)) };
  }

  private resize(): void {
    if (!this.plot) return;
    const { width, height } = this.size();
    void this.plot.set({ width, height }).then(() => {
      if (this.autoFit && this.coords) void this.fit(false);
    });
  }

  private installBoxSelection(): void {
    let start: [number, number] | null = null;
    const local = (e: PointerEvent): [number, number] => {
      const rect = this.boxOverlay.getBoundingClientRect();
      return [e.clientX - rect.left, e.clientY - rect.top];
    };
    const draw = (a: [number, number], b: [number, number]) => {
      const style = this.boxRect.style;
      style.left = `${Math.min(a[0], b[0])}px`;
      style.top = `${Math.min(a[1], b[1])}px`;
      style.width = `${Math.abs(a[0] - b[0])}px`;
      style.height = `${Math.abs(a[1] - b[1])}px`;
    };
    const down = (e: PointerEvent) => {
      if (e.button !== 0) return;
      start = local(e);
      this.boxOverlay.setPointerCapture(e.pointerId);
      draw(start, start);
      this.boxRect.hidden = false;
      e.preventDefault();
    };
    const move = (e: PointerEvent) => {
      if (start) draw(start, local(e));
    };
    const up = (e: PointerEvent) => {
      if (!start) return;
      const end = local(e);
      const from = start;
      start = null;
      this.boxRect.hidden = true;
      if (Math.abs(end[0] - from[0]) < MIN_BOX_PX && Math.abs(end[1] - from[1]) < MIN_BOX_PX) return;
      this.selectBox(from, end, e.shiftKey);
    };
    const cancel = () => {
      start = null;
      this.boxRect.hidden = true;
    };
    this.boxOverlay.addEventListener("pointerdown", down);
    this.boxOverlay.addEventListener("pointermove", move);
    this.boxOverlay.addEventListener("pointerup", up);
    this.boxOverlay.addEventListener("pointercancel", cancel);
    this.cleanups.push(() => {
      this.boxOverlay.removeEventListener("pointerdown", down);
      this.boxOverlay.removeEventListener("pointermove", move);
      this.boxOverlay.removeEventListener("pointerup", up);
      this.boxOverlay.removeEventListener("pointercancel", cancel);
    });
  }

  /** Selects the points inside a screen rectangle (CSS px relative to the plot). */
  selectBox(a: [number, number], b: [number, number], merge = false): Uint32Array {
    if (!this.plot || !this.coords) return new Uint32Array(0);
    const { width, height } = this.size();
    const view = this.plot.get("cameraView") as ArrayLike<number>;
    const p0 = pixelToPlot(a[0], a[1], { width, height, view });
    const p1 = pixelToPlot(b[0], b[1], { width, height, view });
    let rows = pointsInRect(this.coords.x, this.coords.y, p0[0], p0[1], p1[0], p1[1]);
    if (merge) {
      const previous = this.plot.get("selectedPoints") as number[];
      rows = Uint32Array.from(new Set([...previous, ...rows]));
    }
    void this.setSelection(rows);
    this.callbacks.onSelect(rows, "box");
    return rows;
  }
}
