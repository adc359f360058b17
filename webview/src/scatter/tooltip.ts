/** The hover card: document and text preview of the point under the pointer. Text nodes only. */
import type { ChunkRow } from "../../../shared/src/types";
import { h, setText } from "../dom";
import { truncate } from "../format";

export class Tooltip {
  readonly element: HTMLDivElement;
  private readonly doc: HTMLElement;
  private readonly text: HTMLElement;
  private readonly meta: HTMLElement;
  private token = 0;

  constructor(private readonly container: HTMLElement) {
    this.doc = h("div", { class: "es-tooltip-doc" });
    this.text = h("div", { class: "es-tooltip-text" });
    this.meta = h("div", { class: "es-tooltip-meta" });
    this.element = h("div", { class: "es-tooltip", testid: "tooltip", attrs: { role: "tooltip", hidden: true } }, this.doc, this.text, this.meta);
  }

  /** Shows the card for `row` once its preview arrives (unless the pointer moved on). */
  show(row: number, clientX: number, clientY: number, load: (row: number) => Promise<ChunkRow | null>, categoryLabel: string | null): void {
    const token = ++this.token;
    void load(row).then((chunk) => {
      if (token !== this.token) return;
      setText(this.doc, chunk?.document_id ?? chunk?.point_id ?? `row ${row}`);
      setText(this.text, truncate((chunk?.text_preview ?? "").replace(/\s+/g, " ").trim(), 220) || "(no text)");
      const bits = [categoryLabel, chunk?.chunk_index !== null && chunk?.chunk_index !== undefined ? `chunk ${chunk.chunk_index}` : null, chunk?.file_name ?? null];
      setText(this.meta, bits.filter(Boolean).join(" · "));
      this.element.hidden = false;
      this.place(clientX, clientY);
    });
  }

  hide(): void {
    this.token++;
    this.element.hidden = true;
  }

  private place(clientX: number, clientY: number): void {
    const box = this.container.getBoundingClientRect();
    const card = this.element.getBoundingClientRect();
    let left = clientX - box.left + 14;
    let top = clientY - box.top + 14;
    if (left + card.width > box.width - 4) left = Math.max(4, clientX - box.left - card.width - 14);
    if (top + card.height > box.height - 4) top = Math.max(4, clientY - box.top - card.height - 14);
    this.element.style.transform = `translate(${Math.round(left)}px, ${Math.round(top)}px)`;
  }
}
