/**
 * The VS Code suite's setup: code-server 4.100.3 installed once and cached
 * (scripts/install-code-server.sh), and the extension packaged as the .vsix users install
 * (scripts/package-vscode.mjs). Set EMBEDSCOPE_VSIX to test an existing package instead.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    codeServerRoot: string;
    vsix: string;
  }
}

const root = path.resolve(__dirname, "..", "..");

export default function setup(project: TestProject): void {
  const started = Date.now();
  const installed = execFileSync("bash", [path.join(root, "scripts", "install-code-server.sh")], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const codeServerRoot = installed.trim().split("\n").pop() ?? "";
  if (!existsSync(path.join(codeServerRoot, "node_modules", ".bin", "code-server"))) throw new Error(`code-server is not installed in '${codeServerRoot}'`);
  console.log(`code-server ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${codeServerRoot})`);

  let vsix = process.env.EMBEDSCOPE_VSIX;
  if (!vsix) {
    const packaged = Date.now();
    const args = [path.join(root, "scripts", "package-vscode.mjs")];
    if (process.env.EMBEDSCOPE_SKIP_BUILD === "1" && existsSync(path.join(root, "dist", "extension.js"))) args.push("--skip-build");
    execFileSync(process.execPath, args, { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
    vsix = path.join(root, "dist", "embedscope-linux-x64.vsix");
    console.log(`packaged ${path.relative(root, vsix)} in ${((Date.now() - packaged) / 1000).toFixed(1)} s`);
  }
  project.provide("codeServerRoot", codeServerRoot);
  project.provide("vsix", path.resolve(vsix));
}
