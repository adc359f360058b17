// Packages the VS Code extension as a per-platform .vsix (default linux-x64), installable offline.
//
// npm workspaces and vsce do not mix (vsce would walk the hoisted root node_modules), so this stages
// a folder — dist/vsix-stage/ — with the manifest, the bundles and a minimal node_modules holding
// only what the bundle loads at run time (native modules and the demo data), then runs
// `vsce package --target <target>` there. The staged manifest lists exactly those packages as
// dependencies, so vsce's `npm list --production` sees the staged tree and nothing else
// (`--no-dependencies` would leave node_modules out altogether).
//
// Usage: node scripts/package-vscode.mjs [--skip-build] [--target linux-x64] [--out dist/embedscope-linux-x64.vsix]
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const target = option("--target", "linux-x64");
const out = path.resolve(root, option("--out", `dist/embedscope-${target}.vsix`));
const stage = path.join(root, "dist", "vsix-stage");
const rootModules = path.join(root, "node_modules");

/** Packages the bundle resolves at run time (esbuild externals + data located by path). */
const RUNTIME_ROOTS = ["@duckdb/node-api", "usearch", "@resvg/resvg-js", "@sap-ux/fiori-docs-embeddings"];
/** Build-time only: headers for compiling native code. */
const SKIP = new Set(["node-addon-api"]);
/** Per-package trimming: keep only these paths (relative to the package folder). */
const KEEP_ONLY = {
  usearch: ["package.json", "LICENSE", "javascript/dist", `prebuilds/${target}`],
  "@sap-ux/fiori-docs-embeddings": ["package.json", "LICENSE", "README.md", "data/embeddings"],
};

const [platform, arch] = target.split("-");
/** Optional platform packages (`@duckdb/node-bindings-linux-x64`, `@resvg/resvg-js-linux-x64-gnu`) for other targets are left out. */
function isForOtherPlatform(name) {
  const m = /-(darwin|linux|win32|android|freebsd)-([a-z0-9]+)(?:-(gnu|musl|msvc|gnueabihf|eabi))?$/.exec(name);
  if (!m) return false;
  if (m[1] !== platform || m[2] !== arch) return true;
  return m[3] === "musl"; // VS Code's Linux builds are glibc.
}

function log(message) {
  console.log(`package-vscode: ${message}`);
}

function readJson(file) {
  return JSON.parse(readFileSync(file, "utf8"));
}

/** The runtime closure of RUNTIME_ROOTS through dependencies and (present, same-platform) optionalDependencies. */
function runtimeClosure() {
  const seen = new Map(); // name -> package dir
  const queue = RUNTIME_ROOTS.map((name) => ({ name, from: root }));
  while (queue.length) {
    const { name, from } = queue.shift();
    if (seen.has(name) || SKIP.has(name)) continue;
    let manifest;
    try {
      manifest = createRequire(path.join(from, "noop.js")).resolve(`${name}/package.json`);
    } catch {
      const direct = path.join(rootModules, name, "package.json");
      if (!existsSync(direct)) throw new Error(`${name} is needed at run time but not installed (run npm ci)`);
      manifest = direct;
    }
    const dir = path.dirname(manifest);
    seen.set(name, dir);
    const pkg = readJson(manifest);
    for (const dep of Object.keys(pkg.dependencies ?? {})) queue.push({ name: dep, from: dir });
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) {
      if (isForOtherPlatform(dep)) continue;
      if (existsSync(path.join(rootModules, dep, "package.json")) || existsSync(path.join(dir, "node_modules", dep, "package.json"))) queue.push({ name: dep, from: dir });
    }
  }
  return seen;
}

function copyPackage(name, dir) {
  const dest = path.join(stage, "node_modules", name);
  mkdirSync(dest, { recursive: true });
  const keep = KEEP_ONLY[name];
  if (!keep) {
    // Nested node_modules of a package would be a second copy; the closure flattens everything.
    cpSync(dir, dest, { recursive: true, filter: (src) => !src.slice(dir.length).split(path.sep).includes("node_modules") });
    return;
  }
  for (const rel of keep) {
    const src = path.join(dir, rel);
    if (!existsSync(src)) throw new Error(`${name}: ${rel} is missing (wrong --target, or the package changed layout)`);
    cpSync(src, path.join(dest, rel), { recursive: true });
  }
  // Left-out build-time dependencies must not be declared, or `npm list` (in vsce) calls the tree broken.
  const pkgFile = path.join(dest, "package.json");
  const pkg = readJson(pkgFile);
  if (pkg.dependencies && Object.keys(pkg.dependencies).some((d) => SKIP.has(d))) {
    for (const d of SKIP) delete pkg.dependencies[d];
    delete pkg.scripts;
    writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
  }
}

function size(p) {
  const s = statSync(p);
  if (!s.isDirectory()) return s.size;
  return execFileSync("du", ["-sb", p], { encoding: "utf8" }).split("\t")[0] * 1;
}

// ── build ────────────────────────────────────────────────────────────────────
if (!args.includes("--skip-build")) {
  log("building bundles (node esbuild.config.mjs)");
  execFileSync(process.execPath, ["esbuild.config.mjs"], { cwd: root, stdio: "inherit" });
}
const bundles = {
  "dist/extension.js": "dist/extension.js",
  "dist/reduce-worker.js": "dist/reduce-worker.js",
  "dist/vscode-webview.js": "media/vscode-webview.js",
  "dist/vscode-renderer.js": "media/vscode-renderer.js",
};
for (const src of Object.keys(bundles)) {
  if (!existsSync(path.join(root, src))) throw new Error(`${src} is missing: the build did not produce it`);
}

// ── stage ────────────────────────────────────────────────────────────────────
rmSync(stage, { recursive: true, force: true });
mkdirSync(path.join(stage, "dist"), { recursive: true });
mkdirSync(path.join(stage, "media"), { recursive: true });
for (const [src, dest] of Object.entries(bundles)) cpSync(path.join(root, src), path.join(stage, dest));
cpSync(path.join(root, "extension", "media", "icon.svg"), path.join(stage, "media", "icon.svg"));

// The marketplace icon must be a PNG: render the SVG with resvg (already a runtime dependency).
const { Resvg } = createRequire(import.meta.url)("@resvg/resvg-js");
const png = new Resvg(readFileSync(path.join(root, "extension", "media", "icon.svg"), "utf8").replaceAll("currentColor", "#2f6fe4"), {
  fitTo: { mode: "width", value: 128 },
  background: "#ffffff",
}).render().asPng();
writeFileSync(path.join(stage, "media", "icon.png"), png);

const manifest = readJson(path.join(root, "extension", "package.json"));
// The workspace package is scoped (@embedscope/extension); a VS Code extension name may not be.
manifest.name = "embedscope";
delete manifest.private;
delete manifest.devDependencies;
delete manifest.scripts;
const closure = runtimeClosure();
manifest.dependencies = Object.fromEntries(RUNTIME_ROOTS.map((name) => [name, readJson(path.join(closure.get(name), "package.json")).version]));
writeFileSync(path.join(stage, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);

const readme = path.join(root, "docs", "vscode.md");
// Relative images (docs/screenshots) are not in the package; vsce refuses README links it cannot resolve.
const readmeText = existsSync(readme) ? readFileSync(readme, "utf8") : "# Embedscope\n";
writeFileSync(path.join(stage, "README.md"), readmeText.replace(/^!\[[^\]]*\]\((?!https?:)[^)]*\)\n\n?/gm, ""));
writeFileSync(path.join(stage, "CHANGELOG.md"), `# Changelog\n\n## ${manifest.version}\n\nFirst release.\n`);
writeFileSync(path.join(stage, "LICENSE"), licenseText());
writeFileSync(path.join(stage, ".vscodeignore"), ["**/*.map", "**/*.d.ts", "**/*.md.map", "!README.md"].join("\n") + "\n");

for (const [name, dir] of closure) copyPackage(name, dir);
log(`node_modules: ${[...closure.keys()].sort().join(", ")}`);

// ── package ──────────────────────────────────────────────────────────────────
mkdirSync(path.dirname(out), { recursive: true });
rmSync(out, { force: true });
const vsce = path.join(rootModules, "@vscode", "vsce", "vsce");
execFileSync(process.execPath, [vsce, "package", "--target", target, "--out", out, "--allow-missing-repository", "--skip-license"], {
  cwd: stage,
  stdio: "inherit",
});
log(`${path.relative(root, out)}: ${(size(out) / 1e6).toFixed(1)} MB (staged ${(size(stage) / 1e6).toFixed(1)} MB)`);

function licenseText() {
  const own = path.join(root, "LICENSE");
  if (existsSync(own)) return readFileSync(own, "utf8");
  return "Embedscope is licensed under the Apache License, Version 2.0: https://www.apache.org/licenses/LICENSE-2.0\n";
}
