#!/usr/bin/env node
// The CLI is bundled by esbuild.config.mjs (run by `npm ci` through `prepare`).
const path = require("node:path");
const fs = require("node:fs");
const bundle = path.join(__dirname, "..", "..", "dist", "cli.js");
if (!fs.existsSync(bundle)) {
  process.stderr.write("embedscope: the CLI is not built yet. Run `npm run build` in the repository root.\n");
  process.exit(1);
}
require(bundle).main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
