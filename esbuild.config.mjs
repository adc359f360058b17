// Builds every bundle of Embedscope into dist/. Run by `npm ci` (prepare), `npm run build`, `npm test`.
// One table: an entry whose source file does not exist yet is skipped, so hosts land independently.
import * as esbuild from "esbuild";
import { existsSync } from "node:fs";

const watch = process.argv.includes("--watch");
const production = process.argv.includes("--production");

/** Native or heavy modules stay external: resolved from node_modules at run time. */
const nodeExternals = ["@duckdb/node-api", "@duckdb/node-bindings", "usearch", "zeromq", "@resvg/resvg-js", "vscode"];

const node = { platform: "node", format: "cjs", target: "node20", external: nodeExternals };
const browser = { platform: "browser", format: "iife", target: "es2022", external: [] };
const browserModule = { platform: "browser", format: "esm", target: "es2022", external: [] };

/** [output name, entry file, platform settings] */
const entries = [
  ["cli", "shared/src/cli/main.ts", node],
  ["reduce-worker", "shared/src/reduce/worker.ts", node],
  // The viewer for the plain browser page (embedscope serve).
  ["viewer", "webview/src/main.ts", browser],
  // VS Code: extension host, the panel's webview, the notebook renderer (renderers are ES modules).
  ["extension", "extension/src/extension.ts", node],
  ["vscode-webview", "webview/src/hosts/vscode.ts", browser],
  ["vscode-renderer", "webview/src/hosts/vscodeRenderer.ts", browserModule],
  // Jupyter: the Node.js kernel.
  ["kernel", "jupyter-ext/kernel/src/main.ts", node],
  // Benchmarks.
  ["bench", "bench/bench.ts", node],
  ["bench-child", "bench/child.ts", node],
  ["bench-browser", "bench/browser.ts", node],
];

const builds = entries
  .filter(([, file]) => existsSync(file))
  .map(([name, file, target]) => ({
    entryPoints: { [name]: file },
    outdir: "dist",
    bundle: true,
    sourcemap: true,
    logLevel: "warning",
    minify: production,
    legalComments: "none",
    loader: { ".css": "text" },
    ...target,
  }));

if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
