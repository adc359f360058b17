// Builds the test frontend into build/. It is a module-federation host like JupyterLab's own
// application: every package in `resolutions` is shared (singletons per `jupyterlab.singletonPackages`),
// so prebuilt extensions built against this package.json (the lab extension's --core-path) plug in.
const fs = require('fs');
const path = require('path');
const webpack = require('webpack');
const { Build } = require('@jupyterlab/builder');
const miniSVGDataURI = require('mini-svg-data-uri');
const data = require('./package.json');

const { extensions, mimeExtensions, singletonPackages } = data.jupyterlab;
const allExtensions = [...extensions, ...mimeExtensions];

// index.js imports the extensions statically (webpack needs literal names): keep it in step with package.json.
const indexSource = fs.readFileSync(path.join(__dirname, 'index.js'), 'utf8');
const imported = [...indexSource.matchAll(/import\('([^']+)'\)/g)].map(m => m[1]);
const missing = allExtensions.filter(name => !imported.includes(name));
const extra = imported.filter(name => !allExtensions.includes(name));
if (missing.length || extra.length) {
  throw new Error(`index.js and package.json disagree: not imported ${missing.join(', ') || '-'}; not listed ${extra.join(', ') || '-'}`);
}

// The shared versions must be the installed ones, or extensions built against `resolutions` would not match.
function installedVersion(name) {
  // Read the file directly: packages with an `exports` map do not export package.json.
  const file = path.join(__dirname, 'node_modules', name, 'package.json');
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')).version : null;
}
/** `~X.Y.0` (what sync-resolutions writes) accepts X.Y.*. */
function fits(version, range) {
  const m = /^~(\d+)\.(\d+)\.0$/.exec(range);
  return !!m && !!version && version.startsWith(`${m[1]}.${m[2]}.`);
}
const stale = Object.entries(data.resolutions).filter(([name, range]) => !fits(installedVersion(name), range));
if (stale.length) {
  throw new Error(`resolutions out of date (${stale.map(([n]) => n).join(', ')}): run node scripts/sync-resolutions.mjs`);
}

const shared = {};
for (const [name, range] of Object.entries(data.resolutions)) {
  shared[name] = { requiredVersion: range, singleton: singletonPackages.includes(name) };
}

const buildDir = path.join(__dirname, 'build');

// Copies schemas and themes of the core extensions into build/ and writes build/style.js.
const assetConfig = Build.ensureAssets({ packageNames: allExtensions, output: buildDir });

module.exports = [
  {
    entry: { bundle: './bootstrap.js' },
    output: { path: buildDir, filename: '[name].js', chunkFilename: '[name].[contenthash].js', publicPath: 'auto' },
    bail: true,
    devtool: false,
    mode: 'production',
    // Minifying 40 MB on two cores costs minutes; a test frontend need not be small.
    optimization: { minimize: false },
    module: {
      rules: [
        // Some packages import files without extensions from ES modules.
        { test: /\.m?js$/, resolve: { fullySpecified: false } },
        { test: /\.css$/, use: ['style-loader', 'css-loader'] },
        { test: /\.html$/, type: 'asset/resource' },
        { test: /\.md$/, type: 'asset/source' },
        { test: /\.(jpg|png|gif)$/, type: 'asset/resource' },
        { test: /\.js.map$/, type: 'asset/resource' },
        { test: /\.(woff2?|ttf)(\?v=\d+\.\d+\.\d+)?$/, type: 'asset' },
        { test: /\.eot(\?v=\d+\.\d+\.\d+)?$/, type: 'asset/resource' },
        {
          test: /\.svg(\?v=\d+\.\d+\.\d+)?$/,
          issuer: /\.css$/,
          type: 'asset/inline',
          generator: { dataUrl: content => miniSVGDataURI(content.toString()) }
        },
        { test: /\.svg(\?v=\d+\.\d+\.\d+)?$/, issuer: /\.js$/, type: 'asset/source' }
      ]
    },
    plugins: [
      new webpack.DefinePlugin({ process: { cwd: () => '/', env: {} } }),
      new webpack.container.ModuleFederationPlugin({
        name: 'CORE_FEDERATION',
        library: { type: 'var', name: ['_JUPYTERLAB', 'CORE_LIBRARY_FEDERATION'] },
        shared
      })
    ]
  }
].concat(assetConfig);
