// Writes package.json `resolutions`: the installed version of every package the app shares with
// prebuilt extensions. The lab extension's build reads this file as its --core-path, so after a
// version bump run this (with node_modules installed) and rebuild both.
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const pkgPath = path.join(appDir, 'package.json');
const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
const modules = path.join(appDir, 'node_modules');
if (!existsSync(modules)) throw new Error(`install the app first: (cd ${appDir} && npm ci)`);

const scopes = ['@jupyterlab', '@lumino', '@jupyter', '@codemirror', '@lezer', '@microsoft'];
const single = ['react', 'react-dom', 'yjs'];
const names = [];
for (const scope of scopes) {
  const dir = path.join(modules, scope);
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir)) names.push(`${scope}/${name}`);
}
names.push(...single.filter(n => existsSync(path.join(modules, n))));
// Build tools are not runtime modules.
const runtime = names.filter(n => n !== '@jupyterlab/builder').sort();

const resolutions = {};
for (const name of runtime) {
  const { version } = JSON.parse(readFileSync(path.join(modules, name, 'package.json'), 'utf8'));
  // A patch range: extensions built against this file (builder turns ~ into ^) load on any later
  // patch or minor release of the same package; webpack.config.js checks the installed version fits.
  resolutions[name] = `~${version.replace(/^(\d+\.\d+)\.\d+.*$/, '$1.0')}`;
}
pkg.resolutions = resolutions;
writeFileSync(pkgPath, JSON.stringify(pkg, null, 2) + '\n');
console.log(`wrote ${runtime.length} resolutions to ${pkgPath}`);
