/** Transient messages (export done, errors of background actions) and the connection banner. */
import { h, replaceChildren } from "../dom";
import type { AppState } from "../state";
import type { ViewerStore } from "../store";

export class Notices {
  readonly element: HTMLElement;
  readonly banner: HTMLElement;
  private readonly unsubscribe: () => void;

  constructor(private readonly store: ViewerStore) {
    this.element = h("div", { class: "es-notices", attrs: { "aria-live": "polite" } });
    this.banner = h("div", { class: "es-banner", attrs: { role: "alert", hidden: true } });
    let last: [AppState["notices"], AppState["connection"]] | null = null;
    const render = (s: AppState) => {
      if (last && last[0] === s.notices && last[1] === s.connection) return;
      last = [s.notices, s.connection];
      this.render(s);
    };
    this.unsubscribe = store.subscribe(render);
    render(store.state);
  }

  dispose(): void {
    this.unsubscribe();
  }

  private render(state: AppState): void {
    const lost = state.connection.kind === "lost";
    this.banner.hidden = !lost;
    if (state.connection.kind === "lost") {
      replaceChildren(this.banner, `Disconnected from Embedscope: ${state.connection.message}. Reload to reconnect.`);
    }
    replaceChildren(
      this.element,
      ...state.notices.map((n) => {
        const close = h("button", { class: "es-icon-button", attrs: { type: "button", "aria-label": "Dismiss" } }, "×");
        close.addEventListener("click", () => this.store.dispatch({ type: "notice-dismissed", id: n.id }));
        return h("div", { class: `es-toast es-toast-${n.level}`, attrs: { role: n.level === "error" ? "alert" : "status" } }, h("span", {}, n.text), close);
      }),
    );
  }
}
