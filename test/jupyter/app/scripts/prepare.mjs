// Makes the test frontend ready to serve: node_modules installed and build/ current.
//
// In CI (or wherever EMBEDSCOPE_CI_CACHE / /var/cache/embedscope-ci is writable) both live in
//   <cache>/jupyterlab-app-<hash of package-lock.json>/{node_modules,build}
// and test/jupyter/app/{node_modules,build} become symlinks to them, so a later CI run reuses the
// 2-minute install and the 1-minute webpack build. build/ carries a stamp of everything it is made
// from and is rebuilt when that changes. A developer's own node_modules folder is used in place.
//
// Usage: node test/jupyter/app/scripts/prepare.mjs   (prints what it did; exits non-zero on failure)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const BUILD_INPUTS = ['package.json', 'package-lock.json', 'webpack.config.js', 'index.js', 'bootstrap.js'];

function sha(files) {
  const hash = createHash('sha256');
  for (const f of files) hash.update(f).update('\0').update(readFileSync(path.join(appDir, f))).update('\0');
  return hash.digest('hex').slice(0, 16);
}

function writable(dir) {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function isRealDir(p) {
  return existsSync(p) && lstatSync(p).isDirectory() && !lstatSync(p).isSymbolicLink();
}

function link(target, linkPath) {
  if (existsSync(linkPath) || isSymlink(linkPath)) rmSync(linkPath, { recursive: true, force: true });
  symlinkSync(target, linkPath, 'dir');
}

function isSymlink(p) {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function run(cmd, args, cwd) {
  const started = Date.now();
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  return ((Date.now() - started) / 1000).toFixed(0);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const lockHash = sha(['package-lock.json']);
const buildHash = sha(BUILD_INPUTS);
const cacheRoot = process.env.EMBEDSCOPE_CI_CACHE || '/var/cache/embedscope-ci';
const modulesHere = path.join(appDir, 'node_modules');
const buildHere = path.join(appDir, 'build');

let modulesDir = modulesHere;
let buildDir = buildHere;
if (!isRealDir(modulesHere) && writable(cacheRoot)) {
  const cacheDir = path.join(cacheRoot, `jupyterlab-app-${lockHash}`);
  modulesDir = path.join(cacheDir, 'node_modules');
  buildDir = path.join(cacheDir, 'build');
  if (!existsSync(path.join(cacheDir, 'installed.stamp'))) {
    // Install into a scratch copy, then move: an interrupted install never looks complete.
    rmSync(cacheDir, { recursive: true, force: true });
    const scratch = `${cacheDir}.partial`;
    rmSync(scratch, { recursive: true, force: true });
    mkdirSync(scratch, { recursive: true });
    for (const f of ['package.json', 'package-lock.json']) copyFileSync(path.join(appDir, f), path.join(scratch, f));
    const secs = run(npm, ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], scratch);
    writeFileSync(path.join(scratch, 'installed.stamp'), `${lockHash}\n`);
    renameSync(scratch, cacheDir);
    console.log(`test app: npm ci into ${cacheDir} (${secs} s)`);
  } else {
    console.log(`test app: node_modules from cache ${cacheDir}`);
  }
  link(modulesDir, modulesHere);
  mkdirSync(buildDir, { recursive: true });
  if (!isSymlink(buildHere)) rmSync(buildHere, { recursive: true, force: true });
  link(buildDir, buildHere);
} else if (!existsSync(modulesHere)) {
  const secs = run(npm, ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], appDir);
  console.log(`test app: npm ci in place (${secs} s)`);
}

const stampFile = path.join(buildDir, 'build.stamp');
const current = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : '';
if (current === buildHash && existsSync(path.join(buildDir, 'bundle.js'))) {
  console.log('test app: build/ is current');
} else {
  // webpack empties nothing itself; a stale build dir keeps old chunks, harmless but confusing.
  for (const entry of existsSync(buildDir) ? ['bundle.js', 'build.stamp'] : []) rmSync(path.join(buildDir, entry), { force: true });
  const secs = run(process.execPath, [path.join(modulesHere, 'webpack-cli', 'bin', 'cli.js'), '--no-stats'], appDir);
  writeFileSync(stampFile, `${buildHash}\n`);
  console.log(`test app: webpack build (${secs} s)`);
}
