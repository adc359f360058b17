// Builds the prebuilt (federated) JupyterLab extension into jupyter-ext/labextension/:
// 1. esbuild bundles src/ (with the viewer and the protocol) into lib/index.js, leaving every
//    @jupyterlab/* and @lumino/* import to the host application;
// 2. @jupyterlab/builder turns lib/ into a module-federation remote, sharing those packages with
//    the versions of the core package given by --core-path: the test app's package.json
//    (test/jupyter/app), which lists the JupyterLab 4.6 packages it ships in `resolutions`.
// Usage: node jupyter-ext/scripts/build-labextension.mjs [--development]
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const extDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = path.resolve(extDir, "..");
const corePath = path.join(repoRoot, "test", "jupyter", "app");
const development = process.argv.includes("--development");

const started = Date.now();
await esbuild.build({
  entryPoints: [path.join(extDir, "src", "index.ts")],
  outfile: path.join(extDir, "lib", "index.js"),
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  // Provided by the host through module federation: bundling them would break its singletons.
  external: ["@jupyterlab/*", "@lumino/*"],
  loader: { ".css": "text" },
  sourcemap: development ? "inline" : false,
  minify: !development,
  legalComments: "none",
  logLevel: "warning",
});

// Every package lib/index.js imports must be shared by the core, or the extension would bundle a copy.
const core = JSON.parse(readFileSync(path.join(corePath, "package.json"), "utf8"));
const libSource = readFileSync(path.join(extDir, "lib", "index.js"), "utf8");
const imported = new Set([...libSource.matchAll(/from\s*"(@(?:jupyterlab|lumino)\/[^"/]+)"/g)].map((m) => m[1]));
const unshared = [...imported].filter((name) => !(core.resolutions ?? {})[name]);
if (unshared.length > 0) throw new Error(`not shared by the core package (${corePath}): ${unshared.join(", ")}`);

const builder = path.join(repoRoot, "node_modules", "@jupyterlab", "builder", "lib", "build-labextension.js");
if (!existsSync(builder)) throw new Error(`@jupyterlab/builder is missing (${builder}); run npm ci at the repository root`);
execFileSync(process.execPath, [builder, "--core-path", corePath, ...(development ? ["--development"] : []), extDir], {
  cwd: extDir,
  stdio: ["ignore", "inherit", "inherit"],
});
console.log(`lab extension built in ${((Date.now() - started) / 1000).toFixed(1)} s → ${path.join(extDir, "labextension")}`);
