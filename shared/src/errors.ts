/**
 * Typed errors shared by every host. The CLI maps them to exit codes (InputError → 2, others → 1);
 * the protocol maps them to reply statuses (CancelledError → "cancelled", others → "error").
 */

/** Bad input the user can fix: a parameter, a file, a run id. `hint` says what to do. */
export class InputError extends Error {
  override readonly name = "InputError";
  constructor(
    message: string,
    readonly field?: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** The run or resource asked for does not exist. Still the user's input, so also exit 2. */
export class NotFoundError extends InputError {
  constructor(what: string, id: string, hint?: string) {
    super(`${what} '${id}' not found`, undefined, hint);
  }
}

/** The operation was cancelled through its AbortSignal. */
export class CancelledError extends Error {
  override readonly name = "CancelledError";
  constructor(message = "cancelled") {
    super(message);
  }
}

/** A source (Qdrant, a file) answered with something we could not use; not the user's typo. */
export class SourceError extends Error {
  override readonly name = "SourceError";
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The database file is held by another process. */
export class StoreLockedError extends Error {
  override readonly name = "StoreLockedError";
}

export function isCancel(err: unknown): boolean {
  return (
    err instanceof CancelledError ||
    (err instanceof Error && (err.name === "AbortError" || err.name === "CancelledError"))
  );
}

/** Throws CancelledError when the signal has been aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

/** Errors crossing a wire or a worker boundary: a plain object that keeps the class. */
export interface SerializedError {
  name: string;
  message: string;
  field?: string;
  hint?: string;
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof InputError) return { name: err instanceof NotFoundError ? "NotFoundError" : "InputError", message: err.message, field: err.field, hint: err.hint };
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: "Error", message: String(err) };
}

export function deserializeError(e: SerializedError): Error {
  switch (e.name) {
    case "InputError":
    case "NotFoundError": {
      const err = new InputError(e.message, e.field, e.hint);
      return err;
    }
    case "CancelledError":
      return new CancelledError(e.message);
    case "SourceError":
      return new SourceError(e.message);
    default: {
      const err = new Error(e.message);
      err.name = e.name;
      return err;
    }
  }
}

/** Removes credentials from anything that may be logged, stored or shown. */
export function redactSecrets(text: string): string {
  return text
    .replace(/(api[-_]?key|authorization|token|password)(["']?\s*[:=]\s*["']?)([^\s"'&,}]+)/gi, "$1$2***")
    .replace(/\/\/([^/@\s:]+):([^/@\s]+)@/g, "//$1:***@");
}
