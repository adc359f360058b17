/** dist/kernel.js: the Embedscope Jupyter kernel, started as `node kernel.js <connection_file>`. */
import { runKernelProcess } from "./startKernel";

runKernelProcess(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`[embedscope kernel] failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
