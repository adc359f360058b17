/**
 * Reducer bench (`npm run bench`, issue 6): our PCA / UMAP / t-SNE against umap-learn, uwot,
 * scikit-learn and Rtsne on the same data, same settings, same cores. Every (method, impl, dataset,
 * repeat) runs in a fresh child process (ours: dist/bench-child.js; references: bench/ref/ref.py
 * and ref.R), interleaved: each repeat runs every (method, impl) of a dataset in a rotated order.
 * Wall time is the fit call's, measured in the child; peak RSS is /usr/bin/time's %M around the
 * child, for every implementation alike. Quality (trustworthiness@15, 10-NN label agreement in 2-D)
 * is computed here from the coords each child writes, on the same seeded rows for every impl.
 * Prints one table and the targets check; writes the same as JSON to bench/results/<timestamp>.json.
 * Exit code 0 unless a child failed or timed out (missed targets are reported, not asserted).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { knnAgreement, trustworthiness } from "../shared/src/reduce/quality";
import { datasetId, ensureDataset, readDataset, type DatasetFiles, type LabelledMatrix } from "./data";
import { pairsFor, parseArgs, planDatasets, rotated, UsageError, type BenchOptions, type Pair } from "./plan";
import { aggregate, checkTargets, formatTable, formatTargets, type RunRecord } from "./report";
import { BENCH_PARAMS, OURS, type Method } from "./settings";

const ROOT = path.resolve(__dirname, "..");
const PYTHON = "/usr/bin/python3";
const TIME = "/usr/bin/time";
const TRUST_K = 15;
const AGREEMENT_K = 10;
/** Seed of the rows scored for quality: the same rows for every impl. */
const QUALITY_SEED = 1;
const HEARTBEAT_MS = 30_000;

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Children alive right now (process-group leaders), killed on Ctrl-C or timeout. */
const live = new Set<ChildProcess>();
/** Where children write their coords; removed at the end, on Ctrl-C and on failure. */
let scratchDir: string | null = null;
/**
 * A private copy of our child bundle and the worker script, taken at the start: other builds of
 * dist/ during a long run must not change the code half-way. Inside dist/ so that the externals
 * (usearch…) still resolve from node_modules. Removed like scratchDir.
 */
let snapshotDir: string | null = null;
let childScript = path.join(__dirname, "bench-child.js");

function snapshotChild(): string {
  snapshotDir = mkdtempSync(path.join(__dirname, ".bench-"));
  for (const file of ["bench-child.js", "reduce-worker.js"]) {
    const from = path.join(__dirname, file);
    if (!existsSync(from)) throw new Error(`dist/${file} missing: run \`node esbuild.config.mjs\` first`);
    copyFileSync(from, path.join(snapshotDir, file));
  }
  childScript = path.join(snapshotDir, "bench-child.js");
  return statSync(path.join(__dirname, "bench-child.js")).mtime.toISOString();
}

function cleanUp(): void {
  for (const child of live) killGroup(child);
  for (const dir of [scratchDir, snapshotDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  scratchDir = null;
  snapshotDir = null;
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
}

interface ChildResult {
  exitCode: number | null;
  timedOut: boolean;
  json: Record<string, unknown> | null;
  stderrTail: string;
  rssMB?: number;
  processS: number;
}

/** Runs one child under /usr/bin/time (peak RSS), in its own process group, with a timeout and a heartbeat. */
function runChild(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutS: number, scratch: string, label: string): Promise<ChildResult> {
  const rssFile = path.join(scratch, "rss.txt");
  rmSync(rssFile, { force: true });
  const useTime = existsSync(TIME);
  const [cmd, argv] = useTime ? [TIME, ["-f", "%M", "-o", rssFile, command, ...args]] : [command, args];
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    live.add(child);
    let stdout = "";
    let stderr = "";
    let lastProgress = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => {
      stderr += d.toString();
      const lines = stderr.split("\n");
      for (const l of lines) if (l.startsWith("progress ")) lastProgress = l.slice(9);
      if (stderr.length > 64_000) stderr = stderr.slice(-32_000);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, timeoutS * 1000);
    const beat = setInterval(() => {
      const secs = Math.round((performance.now() - t0) / 1000);
      log(`    … ${label}: ${secs} s${lastProgress ? ` (${lastProgress})` : ""}`);
    }, HEARTBEAT_MS);
    const finish = (exitCode: number | null) => {
      clearTimeout(timer);
      clearInterval(beat);
      live.delete(child);
      const processS = (performance.now() - t0) / 1000;
      let json: Record<string, unknown> | null = null;
      for (const l of stdout.split("\n").reverse()) {
        const t = l.trim();
        if (!t.startsWith("{")) continue;
        try {
          json = JSON.parse(t) as Record<string, unknown>;
          break;
        } catch {
          // not our line
        }
      }
      let rssMB: number | undefined;
      if (useTime && existsSync(rssFile)) {
        const kb = readFileSync(rssFile, "utf8")
          .split("\n")
          .map((l) => l.trim())
          .filter((l) => /^\d+$/.test(l))
          .pop();
        if (kb) rssMB = (Number(kb) * 1024) / 1e6;
      }
      const tail = stderr
        .split("\n")
        .filter((l) => l.trim() && !l.startsWith("progress ") && !l.startsWith("Command exited with non-zero status"))
        .slice(-6)
        .join("\n");
      resolve({ exitCode, timedOut, json, stderrTail: tail, rssMB, processS });
    };
    child.on("error", (err) => {
      stderr += `\n${err.message}`;
      finish(null);
    });
    child.on("close", (code) => finish(code));
  });
}

interface Impl {
  command: string;
  args(method: Method, data: DatasetFiles, out: string, seed: number, threads: number): string[];
  check?: string[];
}

const refScript = (name: string) => path.join(ROOT, "bench", "ref", name);

const IMPLS: Record<string, Impl> = {
  [OURS]: {
    command: process.execPath,
    args: (method, data, out, seed, threads) => [
      childScript,
      ...["--method", method, "--input", data.vectors, "--n", String(data.n), "--dims", String(data.dims), "--out", out, "--seed", String(seed), "--threads", String(threads)],
    ],
  },
  ...Object.fromEntries(
    ["umap-learn", "sklearn"].map((impl) => [
      impl,
      {
        command: PYTHON,
        args: (method: Method, data: DatasetFiles, out: string, seed: number) => [
          refScript("ref.py"),
          ...["--impl", impl, "--method", method, "--input", data.vectors, "--n", String(data.n), "--dims", String(data.dims), "--out", out, "--seed", String(seed)],
        ],
        check: [refScript("ref.py"), "--impl", impl, "--check"],
      } satisfies Impl,
    ]),
  ),
  ...Object.fromEntries(
    ["uwot", "Rtsne"].map((impl) => [
      impl,
      {
        command: "Rscript",
        args: (method: Method, data: DatasetFiles, out: string, seed: number, threads: number) => [
          refScript("ref.R"),
          ...["--impl", impl, "--method", method, "--input", data.vectors, "--n", String(data.n), "--dims", String(data.dims), "--out", out, "--seed", String(seed), "--threads", String(threads)],
        ],
        check: [refScript("ref.R"), "--impl", impl, "--check"],
      } satisfies Impl,
    ]),
  ),
};

/** The reference's version string, or null when it cannot be started (not installed). */
function checkInstalled(impl: string, env: NodeJS.ProcessEnv): { version: string } | { missing: string } {
  const spec = IMPLS[impl];
  if (!spec.check) return { version: `node ${process.versions.node}` };
  const r = spawnSync(spec.command, spec.check, { env, encoding: "utf8", timeout: 120_000 });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : (r.stderr || "").trim().split("\n").pop() ?? "";
    return { missing: why };
  }
  try {
    return { version: String((JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as { version?: string }).version ?? impl) };
  } catch {
    return { version: impl };
  }
}

function childEnv(threads: number): NodeJS.ProcessEnv {
  const t = String(threads);
  return {
    ...process.env,
    NUMBA_NUM_THREADS: t,
    OMP_NUM_THREADS: t,
    OPENBLAS_NUM_THREADS: t,
    MKL_NUM_THREADS: t,
    PYTHONWARNINGS: "ignore",
  };
}

/** Reads a child's coords; null when the file is missing, the wrong size or not all finite. */
function readCoords(file: string, n: number): Float32Array | string {
  if (!existsSync(file)) return "no coords written";
  const bytes = readFileSync(file);
  if (bytes.length !== n * 2 * 4) return `coords file has ${bytes.length} bytes, expected ${n * 8}`;
  const coords = new Float32Array(n * 2);
  new Uint8Array(coords.buffer).set(bytes);
  for (let i = 0; i < coords.length; i++) if (!Number.isFinite(coords[i])) return "coords are not all finite";
  return coords;
}

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      log(err.message.trim());
      return 2;
    }
    throw err;
  }
  const started = new Date();
  const loadStart = loadavg();
  const cacheDir = path.join(ROOT, "bench", ".data");
  const scratch = mkdtempSync(path.join(tmpdir(), "embedscope-bench-"));
  scratchDir = scratch;
  const env = childEnv(options.threads);
  const plan = planDatasets(options);
  log(`reducer bench: mode ${options.mode}, ${options.repeats} repeat(s), ${options.threads} thread(s), ${availableParallelism()} core(s), load ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  const childBuilt = snapshotChild();
  log(`  ${OURS}: dist/bench-child.js built ${childBuilt} (a copy runs, so rebuilds during the bench do not change it)`);

  // Which references can run.
  const wanted = new Set(plan.flatMap((d) => pairsFor(d.methods, options.refs)).map((p) => p.impl));
  const versions: Record<string, string> = {};
  const missing: Record<string, string> = {};
  for (const impl of wanted) {
    if (impl === OURS) continue;
    const r = checkInstalled(impl, env);
    if ("version" in r) versions[impl] = r.version;
    else missing[impl] = r.missing;
    log(`  ${impl}: ${"version" in r ? r.version : `not installed (${r.missing})`}`);
  }

  const records: RunRecord[] = [];
  const inputMB: Record<string, number> = {};
  const baselineMB: Record<string, number> = {};
  const datasets: Array<DatasetFiles & { methods: Method[] }> = [];
  let failures = 0;
  const totalRuns = plan.reduce((s, d) => s + pairsFor(d.methods, options.refs).filter((p) => !missing[p.impl]).length * options.repeats, 0);
  let runNo = 0;
  const benchT0 = performance.now();

  for (const d of plan) {
    const id = datasetId(d.spec);
    const tData = performance.now();
    log(`dataset ${id}: preparing…`);
    const files = ensureDataset(d.spec, cacheDir);
    inputMB[files.id] = files.inputMB;
    datasets.push({ ...files, methods: d.methods });
    const high: LabelledMatrix = readDataset(files);
    log(`dataset ${id}: ${files.n} × ${files.dims}, ${files.inputMB.toFixed(1)} MB (${((performance.now() - tData) / 1000).toFixed(1)} s)`);
    const sampleRows = files.n > options.qualitySample ? options.qualitySample : undefined;
    const base = await runChild(process.execPath, [childScript, "--method", "none", "--input", files.vectors, "--n", String(files.n), "--dims", String(files.dims)], env, 600, scratch, "baseline");
    if (base.exitCode === 0 && base.rssMB !== undefined) {
      baselineMB[id] = base.rssMB;
      log(`dataset ${id}: our child with the input loaded and nothing run peaks at ${base.rssMB.toFixed(0)} MB`);
    }

    const pairs = pairsFor(d.methods, options.refs);
    for (const p of pairs) {
      if (missing[p.impl]) records.push({ method: p.method, impl: p.impl, dataset: id, n: files.n, dims: files.dims, repeat: 0, status: "not installed", error: missing[p.impl] });
    }
    const runnable: Pair[] = pairs.filter((p) => !missing[p.impl]);
    for (let repeat = 0; repeat < options.repeats; repeat++) {
      for (const p of rotated(runnable, repeat)) {
        runNo++;
        const label = `${p.method} · ${p.impl} · ${id} · repeat ${repeat + 1}/${options.repeats}`;
        const elapsed = Math.round((performance.now() - benchT0) / 1000);
        const load1 = loadavg()[0];
        log(`[${runNo}/${totalRuns}, ${elapsed} s, load ${load1.toFixed(1)}] ${label}`);
        const out = path.join(scratch, "coords.f32");
        rmSync(out, { force: true });
        const impl = IMPLS[p.impl];
        const seed = 42 + repeat;
        const res = await runChild(impl.command, impl.args(p.method, files, out, seed, options.threads), env, options.timeoutS, scratch, label);
        const rec: RunRecord = { method: p.method, impl: p.impl, dataset: id, n: files.n, dims: files.dims, repeat, status: "ok", load1, processS: res.processS, rssMB: res.rssMB, version: versions[p.impl] };
        const json = res.json;
        if (res.timedOut) {
          rec.status = "timeout";
          rec.error = `no result after ${options.timeoutS} s`;
        } else if (res.exitCode !== 0 || !json || json.ok !== true || typeof json.fit_s !== "number") {
          rec.status = "error";
          rec.error = `exit ${res.exitCode}: ${res.stderrTail || "no output"}`;
        } else {
          rec.fitS = json.fit_s;
          if (typeof json.jit_s === "number") rec.jitS = json.jit_s;
          if (typeof json.version === "string") rec.version = json.version;
          if (json.meta && typeof json.meta === "object") rec.meta = json.meta as Record<string, unknown>;
          const coords = readCoords(out, files.n);
          if (typeof coords === "string") {
            rec.status = "error";
            rec.error = coords;
          } else {
            const tq = performance.now();
            rec.trust = trustworthiness(high, coords, TRUST_K, sampleRows, { metric: "euclidean", seed: QUALITY_SEED });
            rec.agreement = knnAgreement(high.labels, coords, AGREEMENT_K, sampleRows, QUALITY_SEED);
            log(`    fit ${rec.fitS!.toFixed(2)} s${rec.jitS ? ` (numba JIT ${rec.jitS.toFixed(1)} s)` : ""}, process ${res.processS.toFixed(1)} s, peak RSS ${rec.rssMB?.toFixed(0) ?? "?"} MB; trust ${rec.trust.toFixed(4)}, agreement ${rec.agreement.toFixed(4)} (quality ${((performance.now() - tq) / 1000).toFixed(1)} s)`);
          }
        }
        if (rec.status !== "ok") {
          failures++;
          log(`    ${rec.status.toUpperCase()}: ${rec.error}`);
        }
        records.push(rec);
      }
    }
  }
  cleanUp();

  const rows = aggregate(records, inputMB, baselineMB);
  const targets = checkTargets(rows);
  const finished = new Date();
  const load = loadavg();
  const header =
    `Reducer bench (${options.mode}), ${finished.toISOString()}: ${options.threads} thread(s) for every implementation on ${availableParallelism()} core(s) (${cpus()[0]?.model ?? "?"}), ` +
    `load ${loadStart.map((x) => x.toFixed(2)).join(" ")} at the start, ${load.map((x) => x.toFixed(2)).join(" ")} at the end; median of ${options.repeats} fresh-process run(s); fit call wall time; ` +
    `peak RSS of the whole child process; quality on ${options.qualitySample} seeded rows when N is larger`;
  console.log(header);
  console.log(formatTable(rows));
  console.log("");
  console.log("Targets (issue 6):");
  console.log(formatTargets(targets));
  const outDir = path.join(ROOT, "bench", "results");
  mkdirSync(outDir, { recursive: true });
  const outFile = path.join(outDir, `${started.toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(
    outFile,
    JSON.stringify(
      {
        started: started.toISOString(),
        finished: finished.toISOString(),
        options,
        host: { cores: availableParallelism(), cpu: cpus()[0]?.model, loadavgStart: loadStart, loadavgEnd: load, node: process.versions.node, platform: process.platform },
        settings: { params: BENCH_PARAMS, trustK: TRUST_K, agreementK: AGREEMENT_K, qualitySeed: QUALITY_SEED },
        versions: { ...versions, [OURS]: `dist/bench-child.js built ${childBuilt}, node ${process.versions.node}` },
        datasets: datasets.map((d) => ({ ...d, baselineMB: baselineMB[d.id] })),
        rows,
        targets,
        runs: records,
      },
      null,
      2,
    ),
  );
  console.log(`\nwritten ${path.relative(process.cwd(), outFile)}; ${failures} failed run(s); ${Math.round((performance.now() - benchT0) / 1000)} s in all`);
  return failures > 0 ? 1 : 0;
}

let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    log(`\n${signal}: stopping ${live.size} running child process(es)`);
    cleanUp();
    process.exit(130);
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    cleanUp();
    log(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
