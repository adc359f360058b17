/**
 * `embedscope jupyter install [--user | --prefix DIR]` / `uninstall`: writes the `embedscope`
 * kernelspec (node + the built dist/kernel.js) and copies the prebuilt JupyterLab extension into a
 * Jupyter data folder, so `jupyter kernelspec list` and JupyterLab find both.
 */
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { COMM_TARGET, KERNEL_DISPLAY_NAME, KERNEL_NAME } from "../../../jupyter-ext/kernel/src/kernelInfo";
import { logoPng, logoSvg } from "../../../jupyter-ext/kernel/src/logo";
import { InputError } from "../errors";
import type { Command } from "./command";

/** Where the JupyterLab extension goes inside a data folder (its npm package name). */
export const LAB_EXTENSION_NAME = "@embedscope/jupyterlab";

/** The user's Jupyter data folder, as `jupyter --data-dir` computes it on Linux and macOS. */
export function userJupyterDataDir(env: NodeJS.ProcessEnv = process.env, home = os.homedir(), platform = process.platform): string {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  if (platform === "darwin") return path.join(home, "Library", "Jupyter");
  if (platform === "win32") return path.join(env.APPDATA || path.join(home, "AppData", "Roaming"), "jupyter");
  const xdg = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(home, ".local", "share");
  return path.join(xdg, "jupyter");
}

/** dist/kernel.js next to the running bundle, or in the repository's dist/ (running from source). */
export function findKernelScript(from = __dirname): string {
  const candidates = [path.join(from, "kernel.js")];
  for (let dir = from, i = 0; i < 6; i++, dir = path.dirname(dir)) candidates.push(path.join(dir, "dist", "kernel.js"));
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new InputError("the kernel bundle dist/kernel.js is not built", undefined, "Run `npm run build` in the repository root first.");
  return path.resolve(found);
}

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode: "message";
  metadata: Record<string, unknown>;
}

export function kernelSpec(nodePath: string, kernelScript: string): KernelSpec {
  return {
    argv: [nodePath, kernelScript, "{connection_file}"],
    display_name: KERNEL_DISPLAY_NAME,
    language: "embedscope",
    // Interrupts arrive as interrupt_request on the control channel, which cancels the running projection.
    interrupt_mode: "message",
    metadata: { debugger: false, embedscope: { comm_target: COMM_TARGET } },
  };
}

export interface InstallOptions {
  dataDir: string;
  kernelScript: string;
  nodePath?: string;
  /** The built lab extension (jupyter-ext/labextension); skipped with a warning when absent. */
  labExtensionDir?: string;
}

export interface InstallReport {
  written: string[];
  warnings: string[];
}

export function installJupyter(options: InstallOptions): InstallReport {
  const written: string[] = [];
  const warnings: string[] = [];
  const kernelDir = path.join(options.dataDir, "kernels", KERNEL_NAME);
  rmSync(kernelDir, { recursive: true, force: true });
  mkdirSync(kernelDir, { recursive: true });
  const spec = kernelSpec(options.nodePath ?? process.execPath, options.kernelScript);
  const files: [string, string | Buffer][] = [
    ["kernel.json", JSON.stringify(spec, null, 2) + "\n"],
    ["logo-svg.svg", logoSvg()],
    ["logo-32x32.png", logoPng(32)],
    ["logo-64x64.png", logoPng(64)],
  ];
  for (const [name, content] of files) {
    writeFileSync(path.join(kernelDir, name), content);
    written.push(path.join(kernelDir, name));
  }

  const labSource = options.labExtensionDir;
  const labTarget = labExtensionTarget(options.dataDir);
  if (labSource && existsSync(path.join(labSource, "package.json"))) {
    rmSync(labTarget, { recursive: true, force: true });
    mkdirSync(path.dirname(labTarget), { recursive: true });
    cpSync(labSource, labTarget, { recursive: true });
    written.push(labTarget + path.sep);
  } else {
    warnings.push(`the JupyterLab extension is not built (${labSource ?? "no folder given"} has no package.json); installed the kernel only`);
  }
  return { written, warnings };
}

export function uninstallJupyter(dataDir: string): string[] {
  const removed: string[] = [];
  for (const target of [path.join(dataDir, "kernels", KERNEL_NAME), labExtensionTarget(dataDir)]) {
    if (!existsSync(target)) continue;
    rmSync(target, { recursive: true, force: true });
    removed.push(target);
  }
  return removed;
}

function labExtensionTarget(dataDir: string): string {
  return path.join(dataDir, "labextensions", ...LAB_EXTENSION_NAME.split("/"));
}

export const jupyterCommand: Command = {
  name: "jupyter",
  summary: "install or remove the Embedscope Jupyter kernel and JupyterLab extension",
  usage: "embedscope jupyter <install|uninstall> [--user | --prefix DIR]",
  details: [
    "install writes kernels/embedscope/ (kernel.json runs this node with dist/kernel.js) and copies",
    "jupyter-ext/labextension/ to labextensions/@embedscope/jupyterlab/ in the chosen data folder:",
    "  --user        your Jupyter data folder ($JUPYTER_DATA_DIR or ~/.local/share/jupyter; the default)",
    "  --prefix DIR  DIR/share/jupyter (for a virtualenv or a test; add it to JUPYTER_PATH if not standard)",
    "The kernel stores runs in $EMBEDSCOPE_DB or your data directory, as the CLI does.",
  ].join("\n"),
  minPositionals: 1,
  maxPositionals: 1,
  options: { user: { type: "boolean" }, prefix: { type: "string" } },
  optionHelp: { user: "install for this user (default)", prefix: "install under DIR/share/jupyter" },
  async run(args, io) {
    const action = args.positionals[0];
    if (action !== "install" && action !== "uninstall") throw new InputError(`unknown action '${action}'; use install or uninstall`);
    const prefix = args.values.prefix as string | undefined;
    if (prefix !== undefined && args.values.user) throw new InputError("give either --user or --prefix DIR, not both");
    if (prefix === "") throw new InputError("--prefix needs a folder");
    const dataDir = prefix !== undefined ? path.join(path.resolve(prefix), "share", "jupyter") : userJupyterDataDir();

    if (action === "uninstall") {
      const removed = uninstallJupyter(dataDir);
      if (removed.length === 0) io.out(`nothing to remove in ${dataDir}`);
      for (const r of removed) io.out(`removed ${r}`);
      return 0;
    }
    const kernelScript = findKernelScript();
    const labExtensionDir = path.resolve(path.dirname(kernelScript), "..", "jupyter-ext", "labextension");
    const report = installJupyter({ dataDir, kernelScript, labExtensionDir });
    for (const w of report.written) io.out(`wrote ${w}`);
    for (const w of report.warnings) io.err(`warning: ${w}`);
    io.out(`Installed kernel '${KERNEL_NAME}' (${KERNEL_DISPLAY_NAME}) in ${dataDir}.`);
    if (prefix !== undefined) io.out(`If Jupyter does not look there, set JUPYTER_PATH=${dataDir}`);
    return 0;
  },
};
