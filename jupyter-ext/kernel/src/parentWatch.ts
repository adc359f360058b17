/**
 * Exits with the process that started the kernel: `jupyter run` (and a crashed server) never send
 * shutdown_request, and an orphaned kernel would hold the DuckDB file's lock forever.
 */
import { readFileSync } from "node:fs";

/** Alive and not a zombie: a parent that exited but is not yet reaped still answers kill(pid, 0). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S …"; comm may contain spaces or parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true; // no /proc (macOS): kill(pid, 0) is all we know
  }
}

export interface ParentWatchOptions {
  env?: NodeJS.ProcessEnv;
  intervalMs?: number;
  isAlive?: (pid: number) => boolean;
  currentParent?: () => number;
}

/**
 * Polls JPY_PARENT_PID (set by jupyter_client) and notices being re-parented (the parent exited).
 * Calls `onGone` once; returns a function that stops watching.
 */
export function watchParent(onGone: () => void, options: ParentWatchOptions = {}): () => void {
  const env = options.env ?? process.env;
  const isAlive = options.isAlive ?? isProcessAlive;
  const currentParent = options.currentParent ?? (() => process.ppid);
  const parentPid = Number(env.JPY_PARENT_PID);
  const startParent = currentParent();
  const watchPid = Number.isInteger(parentPid) && parentPid > 1;
  const gone = () => currentParent() !== startParent || (watchPid && !isAlive(parentPid));
  const timer = setInterval(() => {
    if (!gone()) return;
    clearInterval(timer);
    onGone();
  }, options.intervalMs ?? 1000);
  timer.unref();
  return () => clearInterval(timer);
}
