// `npm run test:kernel`: installs the kernelspec into a temporary Jupyter data folder and runs the
// Python suites (jupyter_kernel_test conformance, console, run) against it with Debian's python3.
// Writes test-results/kernel.json for the CI summary.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..", "..");
const python = "/usr/bin/python3";

if (!existsSync(path.join(root, "dist", "kernel.js"))) execFileSync(process.execPath, [path.join(root, "esbuild.config.mjs")], { cwd: root, stdio: "inherit" });
const probe = spawnSync(python, ["-c", "import jupyter_kernel_test, jupyter_client, jupyter_console"], { encoding: "utf8" });
if (probe.status !== 0) {
  console.error("test:kernel needs Debian's Jupyter packages: apt-get install jupyter-client jupyter-console python3-ipykernel python3-jupyter-kernel-test");
  process.exit(1);
}

const tmp = mkdtempSync(path.join(os.tmpdir(), "embedscope-kernel-test-"));
try {
  const prefix = path.join(tmp, "prefix");
  execFileSync(process.execPath, [path.join(root, "shared", "bin", "embedscope.cjs"), "jupyter", "install", "--prefix", prefix], { stdio: "inherit" });
  const dataDir = path.join(prefix, "share", "jupyter");
  const env = {
    ...process.env,
    JUPYTER_PATH: dataDir,
    JUPYTER_DATA_DIR: path.join(tmp, "data"),
    JUPYTER_CONFIG_DIR: path.join(tmp, "config"),
    JUPYTER_RUNTIME_DIR: path.join(tmp, "runtime"),
    EMBEDSCOPE_DB: path.join(tmp, "kernel-tests.duckdb"),
    PYTHONDONTWRITEBYTECODE: "1",
  };
  const result = spawnSync(python, [path.join(here, "run_suite.py"), "--json", path.join(root, "test-results", "kernel.json")], { stdio: "inherit", env, cwd: tmp });
  process.exitCode = result.status ?? 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
