/** An ExecuteIo that records what a cell published, for tests of the executor without ZMQ. */
import type { ExecuteIo } from "../../../../jupyter-ext/kernel/src/handler";
import type { JsonObject, MimeBundle } from "../../../../jupyter-ext/kernel/src/jupyterMessage";

export type Published =
  | { type: "display"; data: MimeBundle; displayId?: string; metadata?: JsonObject }
  | { type: "update"; displayId: string; data: MimeBundle }
  | { type: "result"; data: MimeBundle }
  | { type: "stream"; name: string; text: string };

export class StubIo implements ExecuteIo {
  readonly published: Published[] = [];
  readonly controller = new AbortController();
  readonly signal = this.controller.signal;
  readonly executionCount = 1;
  /** Called after each published message (e.g. to interrupt at a chosen moment). */
  onPublish: (p: Published) => void = () => undefined;

  display(data: MimeBundle, options: { metadata?: JsonObject; displayId?: string } = {}): void {
    this.push({ type: "display", data, displayId: options.displayId, metadata: options.metadata });
  }
  updateDisplay(displayId: string, data: MimeBundle): void {
    this.push({ type: "update", displayId, data });
  }
  result(data: MimeBundle): void {
    this.push({ type: "result", data });
  }
  stream(name: "stdout" | "stderr", text: string): void {
    this.push({ type: "stream", name, text });
  }

  private push(p: Published): void {
    this.published.push(p);
    this.onPublish(p);
  }
}

/** The text/plain of a published output. */
export function plainText(p: Published | undefined): string {
  if (!p) return "";
  return p.type === "stream" ? p.text : String(p.data["text/plain"] ?? "");
}
