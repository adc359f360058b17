/** Names shared by the extension's plugins and by the contract with the Embedscope kernel. */

/** The lab extension's package name: every plugin id is namespaced under it. */
export const EXTENSION_NAME = "@embedscope/jupyterlab";

export const PluginIDs = {
  /** Settings (its id names the schema file: schema/plugin.json). */
  settings: `${EXTENSION_NAME}:plugin`,
  renderer: `${EXTENSION_NAME}:renderer`,
  widget: `${EXTENSION_NAME}:widget`,
} as const;

export const CommandIDs = {
  /** Opens the Embedscope viewer in the main area. */
  open: "embedscope:open",
} as const;

/** The kernelspec `embedscope jupyter install` writes. */
export const KERNEL_NAME = "embedscope";

/** The frontend opens this comm; the kernel serves the engine's protocol over it. */
export const COMM_TARGET = "embedscope";

/** Session type of the viewer's background kernel (lets the widget find its own sessions). */
export const SESSION_TYPE = "embedscope-viewer";
