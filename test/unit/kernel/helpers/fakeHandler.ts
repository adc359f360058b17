/** A KernelHandler that needs no engine, for tests of the wire: its "language" is a few words. */
import type { CommEndpoint, CommSession, ExecuteIo, ExecuteOutcome, KernelHandler, KernelInfo } from "../../../../jupyter-ext/kernel/src/handler";
import type { JsonObject } from "../../../../jupyter-ext/kernel/src/jupyterMessage";

export class FakeHandler implements KernelHandler {
  readonly commTargets = ["echo"];
  readonly executed: string[] = [];
  readonly closedComms: string[] = [];
  shutdowns = 0;
  /** Resolves when a `wait` cell starts. */
  waiting: Promise<void>;
  private markWaiting!: () => void;

  constructor() {
    this.waiting = new Promise((resolve) => (this.markWaiting = resolve));
  }

  kernelInfo(): KernelInfo {
    return {
      implementation: "fake",
      implementation_version: "1.0",
      language_info: { name: "fake", version: "1", mimetype: "text/plain", file_extension: ".fake" },
      banner: "fake kernel",
      help_links: [],
    };
  }

  /** `print X` streams X; `show X` displays X; `fail` errors; `wait` runs until interrupted; `throw` throws. */
  async execute(request: { code: string }, io: ExecuteIo): Promise<ExecuteOutcome> {
    const [word, ...rest] = request.code.split(" ");
    this.executed.push(request.code);
    switch (word) {
      case "print":
        io.stream("stdout", rest.join(" "));
        return { status: "ok" };
      case "show":
        io.display({ "text/plain": rest.join(" ") }, { displayId: "d1" });
        io.updateDisplay("d1", { "text/plain": "updated" });
        io.result({ "text/plain": `count ${io.executionCount}` });
        return { status: "ok" };
      case "fail":
        return { status: "error", ename: "FakeError", evalue: "asked to fail", traceback: ["FakeError: asked to fail"] };
      case "throw":
        throw new TypeError("unexpected");
      case "wait":
        this.markWaiting();
        await new Promise<void>((resolve) => io.signal.addEventListener("abort", () => resolve(), { once: true }));
        return { status: "error", ename: "Interrupted", evalue: "interrupted", traceback: ["Interrupted"] };
      default:
        return { status: "ok" };
    }
  }

  async complete(code: string, cursor: number) {
    // Completes the word before the cursor to "🙂done".
    const start = code.lastIndexOf(" ", cursor - 1) + 1;
    return { matches: ["🙂done"], cursorStart: start, cursorEnd: cursor };
  }

  async inspect(code: string, cursor: number) {
    return { found: true, data: { "text/plain": `cursor ${cursor} of ${code.length}` } };
  }

  isComplete(code: string) {
    return code.endsWith("\\") ? { status: "incomplete" as const, indent: "" } : { status: "complete" as const };
  }

  openComm(endpoint: CommEndpoint, data: JsonObject): CommSession {
    endpoint.send({ opened: data });
    return {
      onMessage: (payload, buffers) => {
        if (payload.close) return endpoint.close({ bye: true });
        endpoint.send({ echo: payload, sizes: buffers.map((b) => b.byteLength) }, buffers);
      },
      onClose: () => this.closedComms.push(endpoint.commId),
    };
  }

  async shutdown(): Promise<void> {
    this.shutdowns++;
  }
}
