/**
 * The strip above the plot about the shown run: what it is, how many points ("showing N of M" when
 * sampled), quality (explained variance / KL, trustworthiness and neighbours kept), and a notice when it fell back to PCA and why.
 */
import type { RunRecord } from "../../../shared/src/types";
import { h, icon, replaceChildren } from "../dom";
import { layoutQualityDetail, layoutQualityText, paramsText, pointsText, qualityText, reducerText, runTitle, sourceText } from "../format";
import { ICONS } from "../icons";
import { viewRunId, type AppState } from "../state";
import type { ViewerStore } from "../store";

export interface RunInfoCallbacks {
  onRecompute(run: RunRecord): void;
}

export class RunInfo {
  readonly element: HTMLElement;
  private readonly unsubscribe: () => void;
  private last: RunRecord | null | undefined;

  constructor(store: ViewerStore, private readonly callbacks: RunInfoCallbacks) {
    this.element = h("div", { class: "es-run-info", attrs: { "aria-live": "polite" } });
    this.unsubscribe = store.subscribe((s) => this.render(s));
    this.render(store.state);
  }

  dispose(): void {
    this.unsubscribe();
  }

  private render(state: AppState): void {
    const id = viewRunId(state);
    const run = id && state.runs.kind === "data" ? (state.runs.value.find((r) => r.id === id) ?? null) : null;
    if (run === this.last) return;
    this.last = run;
    this.element.hidden = run === null;
    if (!run) return replaceChildren(this.element);
    const badge = (text: string, cls = "", testid?: string) => h("span", { class: `es-badge ${cls}`, testid, attrs: { title: text } }, text);
    const chips = [
      badge(reducerText(run), "es-badge-strong"),
      run.meta.sampled ? badge(pointsText(run), "es-badge-warn", "sampled-badge") : badge(pointsText(run)),
      badge(sourceText(run)),
    ];
    const quality = qualityText(run);
    if (quality) chips.push(badge(quality, "", "quality"));
    const layoutQuality = layoutQualityText(run);
    if (layoutQuality) chips.push(h("span", { class: "es-badge", testid: "layout-quality", attrs: { title: layoutQualityDetail(run) } }, layoutQuality));
    const params = paramsText(run);
    const recompute = h("button", { class: "es-button es-button-small", attrs: { type: "button" } }, icon(ICONS.redo), "Recompute…");
    recompute.addEventListener("click", () => this.callbacks.onRecompute(run));
    const notices = [];
    if (run.meta.fallback_reason) {
      notices.push(
        h(
          "p",
          { class: "es-notice es-notice-warn", testid: "fallback-notice", attrs: { role: "note" } },
          `Shown with PCA: ${run.meta.reducer_requested ? `${run.meta.reducer_requested.toUpperCase()} ` : ""}could not run (${run.meta.fallback_reason}).`,
        ),
      );
    }
    for (const note of run.meta.notes ?? []) notices.push(h("p", { class: "es-notice" }, note));
    replaceChildren(
      this.element,
      h("div", { class: "es-run-info-main" }, h("h1", { class: "es-run-info-title", attrs: { title: run.id } }, runTitle(run)), ...chips, recompute),
      params ? h("p", { class: "es-run-info-params es-muted" }, params) : null,
      ...notices,
    );
  }
}
