/**
 * How a failed cell reads: a command the parser rejected shows the line with a caret under the
 * offending word (`CellError.pretty()`); other user errors show their message; nothing shows a
 * JavaScript stack trace or a secret. VS Code's error renderer prints `stack` verbatim in a
 * monospace block (and only `name: message` without one), so the caret picture goes in `stack`.
 */
import { CellError } from "../../../shared/src/magic/parse";
import { InputError, isCancel, redactSecrets } from "../../../shared/src/errors";

export interface CellErrorOutput {
  name: string;
  message: string;
  /** Pre-formatted text shown instead of `name: message` (the caret picture). */
  stack?: string;
}

export function cellErrorOutput(err: unknown): CellErrorOutput {
  if (err instanceof CellError) return { name: "Embedscope command error", message: redactSecrets(err.message), stack: redactSecrets(err.pretty()) };
  if (isCancel(err)) return { name: "Cancelled", message: "The cell was interrupted." };
  if (err instanceof InputError) {
    const hint = err.hint ? `\n${err.hint}` : "";
    return { name: "Embedscope", message: redactSecrets(`${err.message}${hint}`) };
  }
  if (err instanceof Error) return { name: err.name || "Error", message: redactSecrets(err.message) };
  return { name: "Error", message: redactSecrets(String(err)) };
}
