/**
 * Exits with the process that started the kernel: `jupyter run` (and a crashed server) never send
 * shutdown_request, and an orphaned kernel would hold the DuckDB file's lock forever.
 */

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface ParentWatchOptions {
  env?: NodeJS.ProcessEnv;
  intervalMs?: number;
  isAlive?: (pid: number) => boolean;
  currentParent?: () => number;
}

/**
 * Polls JPY_PARENT_PID (set by jupyter_client), or else notices being re-parented. Calls `onGone`
 * once; returns a function that stops watching.
 */
export function watchParent(onGone: () => void, options: ParentWatchOptions = {}): () => void {
  const env = options.env ?? process.env;
  const isAlive = options.isAlive ?? isProcessAlive;
  const currentParent = options.currentParent ?? (() => process.ppid);
  const parentPid = Number(env.JPY_PARENT_PID);
  const startParent = currentParent();
  const gone = Number.isInteger(parentPid) && parentPid > 1 ? () => !isAlive(parentPid) : () => currentParent() !== startParent;
  const timer = setInterval(() => {
    if (!gone()) return;
    clearInterval(timer);
    onGone();
  }, options.intervalMs ?? 1000);
  timer.unref();
  return () => clearInterval(timer);
}
