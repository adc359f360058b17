/** Puts the kernel together: connection file → engine host (lazy) → ZMQ wire → runs until shut down. */
import { readConnectionFile } from "./connection";
import { EmbedscopeKernel } from "./embedscopeKernel";
import { watchParent } from "./parentWatch";
import { KernelWire } from "./wire";

export interface KernelProcess {
  wire: KernelWire;
  kernel: EmbedscopeKernel;
}

function log(line: string): void {
  process.stderr.write(`[embedscope kernel] ${line}\n`);
}

/** Starts serving; resolves once the sockets are bound. */
export async function startKernel(connectionFile: string, env: NodeJS.ProcessEnv = process.env): Promise<KernelProcess> {
  const info = readConnectionFile(connectionFile);
  const kernel = new EmbedscopeKernel({
    // EMBEDSCOPE_DB, else the user's data folder (Store.defaultPath). Loaded on first use: DuckDB
    // takes a second or more to load, and Jupyter waits for kernel_info before anything else.
    openEngine: async () => (await import("../../../shared/src/engine")).Engine.open({ dbPath: env.EMBEDSCOPE_DB || undefined }),
    defaults: { qdrantUrl: env.QDRANT_URL || undefined, qdrantApiKey: env.QDRANT_API_KEY || undefined, cwd: process.cwd() },
    log,
  });
  const wire = await KernelWire.start(info, kernel, { log });
  return { wire, kernel };
}

/** The process entry: exits when the kernel shuts down or its parent goes away. */
export async function runKernelProcess(argv: string[]): Promise<void> {
  const file = argv[0] === "-f" ? argv[1] : argv[0];
  if (!file) {
    process.stderr.write("usage: node kernel.js <connection_file>\n(started by Jupyter through the embedscope kernelspec; see `embedscope jupyter install`)\n");
    process.exit(2);
  }
  const { wire } = await startKernel(file);
  // kernelspec interrupt_mode is "message"; a stray SIGINT (a terminal's Ctrl-C) only interrupts the cell.
  process.on("SIGINT", () => wire.interrupt());
  process.on("SIGTERM", () => void wire.stop());
  process.on("unhandledRejection", (reason) => log(`unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`));
  const stopWatching = watchParent(() => {
    log("the parent process is gone; shutting down");
    void wire.stop();
  });
  await wire.done;
  stopWatching();
  process.exit(0);
}
