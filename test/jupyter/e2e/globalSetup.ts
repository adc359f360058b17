/**
 * Builds what the JupyterLab suite serves: the kernel bundle (dist/kernel.js), the prebuilt lab
 * extension (jupyter-ext/labextension) and the JupyterLab 4.6 test frontend (cached, see
 * test/jupyter/app/scripts/prepare.mjs). Fails early, with the fix, when Debian's Jupyter is missing.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const root = path.resolve(__dirname, "..", "..", "..");

function node(script: string, args: string[] = []): void {
  execFileSync(process.execPath, [path.join(root, script), ...args], { cwd: root, stdio: "inherit" });
}

export default function setup(): void {
  try {
    execFileSync("/usr/bin/python3", ["-c", "import jupyter_server, jupyterlab_server, jupyter_client"], { stdio: "pipe" });
  } catch {
    throw new Error("Debian's Jupyter is missing: apt-get install -y python3-jupyter-server python3-jupyterlab-server jupyter-client python3-ipykernel");
  }
  if (!(process.env.EMBEDSCOPE_SKIP_BUILD === "1" && existsSync(path.join(root, "dist", "kernel.js")))) node("esbuild.config.mjs");
  // The extension is what these tests are about: always built from the current sources, unless
  // a developer iterating on tests alone says otherwise.
  const labBuilt = existsSync(path.join(root, "jupyter-ext", "labextension", "package.json"));
  if (!(process.env.EMBEDSCOPE_SKIP_LAB_BUILD === "1" && labBuilt)) node("jupyter-ext/scripts/build-labextension.mjs");
  node("test/jupyter/app/scripts/prepare.mjs");
}
