/**
 * The side panel: a chunk's full text and payload ("open document" where the host cannot open
 * files), or the neighbours found by "find similar" with their scores. All payload data is text.
 */
import type { PointDetail } from "../../../shared/src/protocol/messages";
import type { ChunkRow } from "../../../shared/src/types";
import type { ViewerController } from "../controller";
import { h, icon, replaceChildren, setText } from "../dom";
import { truncate } from "../format";
import { ICONS } from "../icons";
import type { AppState, Panel, SimilarResult } from "../state";
import type { ViewerStore } from "../store";

export class SidePanel {
  readonly element: HTMLElement;
  private readonly title: HTMLElement;
  private readonly body: HTMLElement;
  private readonly closeButton: HTMLButtonElement;
  private readonly unsubscribe: () => void;
  private renderToken = 0;

  constructor(
    store: ViewerStore,
    private readonly controller: ViewerController,
  ) {
    this.title = h("h2", { class: "es-panel-title", attrs: { tabindex: -1 } });
    this.closeButton = h("button", { class: "es-icon-button", attrs: { type: "button", "aria-label": "Close panel", title: "Close (Esc)" } }, icon(ICONS.close));
    this.closeButton.addEventListener("click", () => this.controller.closePanel());
    this.body = h("div", { class: "es-panel-body" });
    this.element = h(
      "aside",
      { class: "es-panel", testid: "side-panel", attrs: { "aria-label": "Details", hidden: true } },
      h("header", { class: "es-panel-header" }, this.title, this.closeButton),
      this.body,
    );
    this.element.addEventListener("keydown", (e) => {
      if (e.key === "Escape") {
        e.stopPropagation();
        this.controller.closePanel();
      }
    });
    this.unsubscribe = store.watch(
      (s: AppState) => s.panel,
      (panel, prev) => this.render(panel, prev),
    );
  }

  dispose(): void {
    this.unsubscribe();
  }

  private render(panel: Panel, prev: Panel | undefined): void {
    this.renderToken++;
    const wasOpen = prev !== undefined && prev.kind !== "closed";
    this.element.hidden = panel.kind === "closed";
    if (panel.kind === "closed") {
      replaceChildren(this.body);
      return;
    }
    if (panel.kind === "detail") this.renderDetail(panel);
    else this.renderSimilar(panel);
    // Move focus in when the panel opens, so keyboard users land on it (and Escape closes it).
    const samePoint = prev !== undefined && prev.kind === panel.kind && prev.row === panel.row;
    if (!wasOpen || !samePoint) this.title.focus({ preventScroll: true });
  }

  private renderDetail(panel: Extract<Panel, { kind: "detail" }>): void {
    setText(this.title, `Chunk · row ${panel.row}`);
    const p = panel.point;
    if (p.kind === "loading") return replaceChildren(this.body, h("p", { class: "es-muted" }, "Loading the chunk…"));
    if (p.kind === "error") return replaceChildren(this.body, h("p", { class: "es-error-text", attrs: { role: "alert" } }, p.message));
    const point: PointDetail = p.value;
    const similar = h("button", { class: "es-button es-button-small", attrs: { type: "button" } }, icon(ICONS.similar), "Find similar");
    similar.addEventListener("click", () => void this.controller.findSimilar(point.row));
    const dl = h("dl", { class: "es-detail-meta" });
    const add = (k: string, v: string | number | null) => {
      if (v === null || v === "") return;
      dl.append(h("dt", {}, k), h("dd", {}, String(v)));
    };
    add("Point id", point.point_id);
    add("Document", point.document_id);
    add("Chunk", point.chunk_index);
    add("Path", point.path ?? point.source_path);
    add("Type", point.mime_type);
    replaceChildren(
      this.body,
      h("div", { class: "es-panel-actions" }, similar),
      dl,
      h("h3", {}, "Text"),
      h("pre", { class: "es-detail-text", testid: "detail-text" }, point.text ?? "(no text in the payload)"),
      h("details", { class: "es-more" }, h("summary", {}, "Payload"), h("pre", { class: "es-detail-json" }, prettyJson(point.payload_json))),
    );
  }

  private renderSimilar(panel: Extract<Panel, { kind: "similar" }>): void {
    setText(this.title, `Similar to row ${panel.row}`);
    const r = panel.result;
    if (r.kind === "loading") return replaceChildren(this.body, h("p", { class: "es-muted" }, "Finding neighbours…"));
    if (r.kind === "error") return replaceChildren(this.body, h("p", { class: "es-error-text", attrs: { role: "alert" } }, r.message));
    const result: SimilarResult = r.value;
    const token = this.renderToken;
    const list = h("ol", { class: "es-similar-list", testid: "similar-list" });
    const items = result.hits.map((hit) => {
      const text = h("span", { class: "es-similar-text" }, hit.row === null ? "(not in this run's sample)" : "…");
      const open = h(
        "button",
        { class: "es-similar-open", attrs: { type: "button", disabled: hit.row === null } },
        h("span", { class: "es-score" }, hit.score.toFixed(3)),
        text,
      );
      if (hit.row !== null) {
        const row = hit.row;
        open.addEventListener("click", () => void this.controller.showPoint(row));
      }
      list.append(h("li", { testid: "similar-item" }, open));
      return { hit, text };
    });
    replaceChildren(
      this.body,
      h("p", { class: "es-muted" }, `${result.hits.length} nearest by cosine, ${result.via === "source" ? "from the source" : "over the stored vectors"}; highlighted in the plot.`),
      list,
    );
    const rows = Uint32Array.from(items.flatMap(({ hit }) => (hit.row === null ? [] : [hit.row])));
    if (rows.length === 0) return;
    void this.controller.fetchRows(rows).then(
      (res) => {
        if (token !== this.renderToken) return;
        const byRow = new Map<number, ChunkRow>(res.rows.map((c) => [c.row, c]));
        for (const { hit, text } of items) {
          if (hit.row === null) continue;
          const c = byRow.get(hit.row);
          setText(text, c ? `${c.document_id ?? c.point_id} — ${truncate((c.text_preview ?? "").replace(/\s+/g, " "), 140)}` : hit.point_id);
        }
      },
      () => undefined,
    );
  }
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
