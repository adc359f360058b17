// Entry point. Shared modules (JupyterLab, Lumino, React…) are not eager, so the app must first load
// every federated extension's container and join it to the share scope; only then may it import the
// code that uses the shared modules (index.js).

function configData() {
  const el = document.getElementById('jupyter-config-data');
  return el ? JSON.parse(el.textContent || '{}') : {};
}

function loadScript(url) {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.onload = resolve;
    script.onerror = () => reject(new Error(`could not load ${url}`));
    script.async = true;
    script.src = url;
    document.head.appendChild(script);
  });
}

async function joinFederatedExtension(baseUrl, data) {
  await loadScript(`${baseUrl}/${data.name}/${data.load}`);
  // eslint-disable-next-line no-undef
  await __webpack_init_sharing__('default');
  // eslint-disable-next-line no-undef
  await window._JUPYTERLAB[data.name].init(__webpack_share_scopes__.default);
}

void (async function bootstrap() {
  const config = configData();
  const extensions = config.federated_extensions || [];
  const results = await Promise.allSettled(extensions.map(data => joinFederatedExtension(config.fullLabextensionsUrl, data)));
  results.forEach((r, i) => {
    if (r.status === 'rejected') console.error(`Federated extension ${extensions[i].name} failed to load`, r.reason);
  });
  const { main } = await import('./index.js');
  if (document.readyState === 'complete') await main();
  else window.addEventListener('load', () => void main());
})();
