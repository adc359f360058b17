/**
 * One timed run of one of our reducers, in its own process (bundled as dist/bench-child.js; the
 * bench starts a fresh one per run). Loads the raw float32 file straight into a SharedArrayBuffer,
 * calls the reducer through REDUCER_IMPLS with every core, writes the 2-D coords (float32, x0 y0
 * x1 y1 …) to --out and prints one JSON line: the fit's wall time (the reducer call only) and meta.
 * Progress goes to stderr as `progress <phase> <done>/<total>` lines. `--method none` only loads
 * the input (the bench's memory baseline).
 *
 *   node dist/bench-child.js --method umap --input x.f32 --n 10000 --dims 384 --out y.f32 [--seed 42] [--threads 2]
 */
import { closeSync, openSync, readSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import { REDUCER_IMPLS } from "../shared/src/reduce/index";
import type { ReducerName } from "../shared/src/types";
import { BENCH_PARAMS } from "./settings";

function arg(argv: string[], name: string, fallback?: string): string {
  const i = argv.indexOf(`--${name}`);
  if (i >= 0 && i + 1 < argv.length) return argv[i + 1];
  if (fallback !== undefined) return fallback;
  throw new Error(`missing --${name}`);
}

/** The file's bytes in a SharedArrayBuffer, read in place (no second copy of the input). */
function readShared(file: string, count: number): Float32Array {
  const out = new Float32Array(new SharedArrayBuffer(count * 4));
  const bytes = new Uint8Array(out.buffer);
  const fd = openSync(file, "r");
  try {
    let off = 0;
    while (off < bytes.length) {
      const got = readSync(fd, bytes, off, Math.min(1 << 26, bytes.length - off), off);
      if (got === 0) throw new Error(`${file}: ${off} bytes, expected ${bytes.length}`);
      off += got;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const method = arg(argv, "method") as ReducerName | "none";
  const n = Number(arg(argv, "n"));
  const dims = Number(arg(argv, "dims"));
  const seed = Number(arg(argv, "seed", "42"));
  const threads = Number(arg(argv, "threads", String(availableParallelism())));
  const data = readShared(arg(argv, "input"), n * dims);
  if (method === "none") {
    // The baseline: this process with the reducers' bundle and the input loaded, nothing run.
    process.stdout.write(`${JSON.stringify({ ok: true, fit_s: 0, loaded: data.length })}\n`);
    return;
  }
  const reducer = REDUCER_IMPLS[method];
  if (!reducer) throw new Error(`unknown method ${method}`);

  let lastPhase = "";
  let lastReport = 0;
  const onProgress = (p: { phase: string; done: number; total: number }) => {
    const now = performance.now();
    if (p.phase === lastPhase && now - lastReport < 2000 && p.done < p.total) return;
    lastPhase = p.phase;
    lastReport = now;
    process.stderr.write(`progress ${p.phase} ${p.done}/${p.total}\n`);
  };
  const t0 = performance.now();
  const result = await reducer({ data, n, dims }, BENCH_PARAMS[method], { signal: new AbortController().signal, seed, threads, onProgress });
  const fitS = (performance.now() - t0) / 1000;
  const coords = result.coords;
  writeFileSync(arg(argv, "out"), new Uint8Array(coords.buffer, coords.byteOffset, coords.byteLength));
  process.stdout.write(`${JSON.stringify({ ok: true, fit_s: fitS, threads, version: `node ${process.versions.node}`, meta: result.meta })}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
