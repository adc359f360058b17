import { execFileSync } from "node:child_process";
import path from "node:path";

/** The reducer worker and CLI run from the esbuild bundles; make sure they exist and are current. */
export default function setup(): void {
  const root = path.resolve(__dirname, "..");
  if (process.env.EMBEDSCOPE_SKIP_BUILD === "1") return;
  execFileSync(process.execPath, [path.join(root, "esbuild.config.mjs")], { cwd: root, stdio: "inherit" });
}
