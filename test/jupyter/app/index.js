// The JupyterLab application of the test frontend: core plugins bundled here, plus every prebuilt
// (federated) extension the server lists in page config, loaded the way JupyterLab itself loads them.
import { JupyterLab } from '@jupyterlab/application';
import { PageConfig } from '@jupyterlab/coreutils';

import './build/style.js';

/** Core extensions. Must list the same packages as `jupyterlab.extensions` in package.json (checked by webpack.config.js). */
const coreExtensions = [
  import('@jupyterlab/application-extension'),
  import('@jupyterlab/apputils-extension'),
  import('@jupyterlab/codemirror-extension'),
  import('@jupyterlab/completer-extension'),
  import('@jupyterlab/console-extension'),
  import('@jupyterlab/docmanager-extension'),
  import('@jupyterlab/documentsearch-extension'),
  import('@jupyterlab/filebrowser-extension'),
  // The language-server plugins need a server extension Debian's jupyter_server does not have.
  import('@jupyterlab/fileeditor-extension').then(withoutLanguageServer),
  import('@jupyterlab/help-extension'),
  import('@jupyterlab/imageviewer-extension'),
  import('@jupyterlab/launcher-extension'),
  import('@jupyterlab/mainmenu-extension'),
  import('@jupyterlab/markdownviewer-extension'),
  import('@jupyterlab/markedparser-extension'),
  import('@jupyterlab/metadataform-extension'),
  import('@jupyterlab/notebook-extension').then(withoutLanguageServer),
  import('@jupyterlab/rendermime-extension'),
  import('@jupyterlab/running-extension'),
  import('@jupyterlab/settingeditor-extension'),
  import('@jupyterlab/shortcuts-extension'),
  import('@jupyterlab/statusbar-extension'),
  import('@jupyterlab/theme-dark-extension'),
  import('@jupyterlab/theme-light-extension'),
  import('@jupyterlab/toc-extension'),
  import('@jupyterlab/translation-extension'),
  import('@jupyterlab/ui-components-extension')
];
const coreMimeExtensions = [import('@jupyterlab/json-extension')];

function withoutLanguageServer(module) {
  return { default: pluginsOf(module).filter(({ id }) => !id.includes(':language-server')) };
}

/** An extension module exports one plugin or a list, as ES `default` or as CommonJS. */
function pluginsOf(module) {
  const exported = Object.prototype.hasOwnProperty.call(module, '__esModule') || 'default' in module ? module.default : module;
  return Array.isArray(exported) ? exported : [exported];
}

/** A module exposed by a federated container (its scope was initialised by bootstrap.js). */
async function federatedModule(scope, module) {
  const factory = await window._JUPYTERLAB[scope].get(module);
  return factory();
}

function federatedExtensions() {
  const raw = PageConfig.getOption('federated_extensions');
  return raw ? JSON.parse(raw) : [];
}

export async function main() {
  const plugins = [];
  const mimeExtensions = (await Promise.all(coreMimeExtensions)).map(pluginsOf).flat();
  for (const module of await Promise.all(coreExtensions)) plugins.push(...pluginsOf(module));

  for (const data of federatedExtensions()) {
    try {
      if (data.style) await federatedModule(data.name, data.style);
      if (data.extension) plugins.push(...pluginsOf(await federatedModule(data.name, data.extension)));
      if (data.mimeExtension) mimeExtensions.push(...pluginsOf(await federatedModule(data.name, data.mimeExtension)));
      console.log(`Loaded federated extension ${data.name}`);
    } catch (err) {
      console.error(`Failed to load federated extension ${data.name}`, err);
    }
  }

  const lab = new JupyterLab({ mimeExtensions });
  lab.registerPlugins(plugins);
  // The end-to-end tests drive commands and read state through this handle.
  window.jupyterapp = lab;
  await lab.start();
  await lab.restored;
  document.body.dataset.labRestored = 'true';
  console.log('Test lab restored');
}
