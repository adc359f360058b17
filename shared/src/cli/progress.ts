/**
 * Progress for the terminal: a one-line bar on a TTY; elsewhere one line per phase (so logs and
 * CI show where a run is), and nothing at all in quiet mode (--json keeps stderr clean too).
 */
import type { RunProgress } from "../types";

const PHASE_LABEL: Record<RunProgress["phase"], string> = {
  fetch: "fetching",
  knn: "neighbours",
  graph: "graph",
  embed: "layout",
  quality: "quality",
  store: "storing",
};

export type ProgressMode = "bar" | "lines" | "quiet";

export class ProgressBar {
  private lastLine = "";
  private lastPhase = "";
  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly mode: ProgressMode = process.stderr.isTTY ? "bar" : "lines",
  ) {}

  update(p: RunProgress): void {
    if (this.mode === "quiet") return;
    if (this.mode === "lines") {
      if (p.phase !== this.lastPhase) this.stream.write(`run ${p.runId.slice(0, 8)}: ${PHASE_LABEL[p.phase]}\n`);
      this.lastPhase = p.phase;
      return;
    }
    const width = 30;
    const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
    const filled = Math.round(frac * width);
    const line = `${PHASE_LABEL[p.phase].padEnd(10)} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${String(Math.round(frac * 100)).padStart(3)}%  ${p.done}/${p.total}`;
    if (line === this.lastLine) return;
    this.lastLine = line;
    this.stream.write(`\r${line}\x1b[K`);
  }

  done(): void {
    if (this.mode === "bar" && this.lastLine) this.stream.write("\r\x1b[K");
    this.lastLine = "";
    this.lastPhase = "";
  }
}
