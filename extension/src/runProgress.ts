/**
 * A started run as a VS Code progress notification: phase text and one bar across phases, and the
 * notification's Cancel wired to the engine's cancellation (the worker stops between epochs).
 */
import * as vscode from "vscode";
import type { Engine, StartedRun } from "../../shared/src/engine";
import type { RunRecord } from "../../shared/src/types";
import { shortId } from "../../shared/src/cli/format";
import { formatProgress, overallFraction, REDUCER_LABELS, runSourceLabel } from "./progressText";

export function followRunWithProgress(engine: Engine, started: StartedRun): Thenable<RunRecord> {
  const { run } = started;
  const title = `Embedscope: ${REDUCER_LABELS[run.reducer]} of ${runSourceLabel(run)} (run ${shortId(run.id)})`;
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const cancel = token.onCancellationRequested(() => void engine.cancelRun(run.id).catch(() => undefined));
    let reported = 0;
    const off = engine.on("progress", (p) => {
      if (p.runId !== run.id) return;
      const fraction = overallFraction(p);
      const increment = Math.max(0, (fraction - reported) * 100);
      reported = Math.max(reported, fraction);
      progress.report({ message: formatProgress(p), increment });
    });
    try {
      return await started.done;
    } finally {
      off();
      cancel.dispose();
    }
  });
}
