/**
 * Errors of a cell as Jupyter shows them: a short ename, the message as evalue, and a traceback
 * of a few lines — for a syntax error, the line with a caret under the offending word.
 */
import { CellError } from "../../../shared/src/magic/parse";
import { CancelledError, InputError, NotFoundError, SourceError, StoreLockedError, redactSecrets } from "../../../shared/src/errors";
import type { ExecuteOutcome } from "./handler";

export type ErrorOutcome = Extract<ExecuteOutcome, { status: "error" }>;

function errorName(err: unknown): string {
  if (err instanceof CellError) return "CellError";
  if (err instanceof NotFoundError) return "NotFoundError";
  if (err instanceof InputError) return "InputError";
  if (err instanceof CancelledError) return "Cancelled";
  if (err instanceof StoreLockedError) return "StoreLockedError";
  if (err instanceof SourceError) return "SourceError";
  return err instanceof Error && err.name ? err.name : "Error";
}

/** `lineNumber` (1-based) is shown when the cell has several lines. */
export function cellErrorOutcome(err: unknown, lineNumber?: number): ErrorOutcome {
  const ename = errorName(err);
  const evalue = redactSecrets(err instanceof Error ? err.message : String(err));
  const where = lineNumber !== undefined ? [`in line ${lineNumber}:`] : [];
  if (err instanceof CellError) return { status: "error", ename, evalue, traceback: [...where, ...redactSecrets(err.pretty()).split("\n")] };
  const hint = err instanceof InputError && err.hint ? [err.hint] : [];
  return { status: "error", ename, evalue, traceback: [...where, `${ename}: ${evalue}`, ...hint] };
}

export function interruptedOutcome(cancelledRunIds: string[]): ErrorOutcome {
  const what = cancelledRunIds.length ? `; cancelled run ${cancelledRunIds.join(", ")} (kept in %runs as cancelled)` : "";
  const evalue = `the cell was interrupted${what}`;
  return { status: "error", ename: "Interrupted", evalue, traceback: [`Interrupted: ${evalue}`] };
}
