// `npm run test:kernel`: installs the kernelspec into a temporary Jupyter data folder and runs the
// Python suites (jupyter_kernel_test conformance, console, run) against it with Debian's python3.
// Writes test-results/kernel.json for the CI summary (a failure to run at all counts as a failure).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..", "..");
const python = "/usr/bin/python3";
const report = path.join(root, "test-results", "kernel.json");

function fail(message) {
  console.error(`test:kernel: ${message}`);
  mkdirSync(path.dirname(report), { recursive: true });
  writeFileSync(report, JSON.stringify({ numPassedTests: 0, numFailedTests: 1, numPendingTests: 0, success: false }));
  process.exit(1);
}

rmSync(report, { force: true });
if (!existsSync(path.join(root, "dist", "kernel.js"))) execFileSync(process.execPath, [path.join(root, "esbuild.config.mjs")], { cwd: root, stdio: "inherit" });
const probe = spawnSync(python, ["-c", "import jupyter_kernel_test, jupyter_client, jupyter_console"], { encoding: "utf8" });
if (probe.status !== 0) {
  fail("needs Debian's Jupyter packages: apt-get install jupyter-client jupyter-console python3-ipykernel python3-jupyter-kernel-test");
}

const tmp = mkdtempSync(path.join(os.tmpdir(), "embedscope-kernel-test-"));
try {
  const prefix = path.join(tmp, "prefix");
  execFileSync(process.execPath, [path.join(root, "shared", "bin", "embedscope.cjs"), "jupyter", "install", "--prefix", prefix], { stdio: "inherit" });
  const env = {
    ...process.env,
    JUPYTER_PATH: path.join(prefix, "share", "jupyter"),
    JUPYTER_DATA_DIR: path.join(tmp, "data"),
    JUPYTER_CONFIG_DIR: path.join(tmp, "config"),
    JUPYTER_RUNTIME_DIR: path.join(tmp, "runtime"),
    EMBEDSCOPE_DB: path.join(tmp, "kernel-tests.duckdb"),
    PYTHONDONTWRITEBYTECODE: "1",
  };
  const result = spawnSync(python, [path.join(here, "run_suite.py"), "--json", report], { stdio: "inherit", env, cwd: tmp });
  if (!existsSync(report)) fail(`the Python suite ended without a report (exit ${result.status ?? result.signal})`);
  process.exitCode = result.status ?? 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
