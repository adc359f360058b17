/** Registers the interactive run output renderer, with access to the kernel of the output's notebook. */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from "@jupyterlab/application";
import { IRenderMimeRegistry } from "@jupyterlab/rendermime";
import { PluginIDs } from "./ids";
import { runOutputFactory } from "./runOutput";
import { sessionFinder } from "./sessionLookup";

export const rendererPlugin: JupyterFrontEndPlugin<void> = {
  id: PluginIDs.renderer,
  description: "Renders Embedscope run outputs as the interactive viewer, connected to the notebook's kernel.",
  autoStart: true,
  requires: [IRenderMimeRegistry],
  activate: (app: JupyterFrontEnd, rendermime: IRenderMimeRegistry): void => {
    const factory = runOutputFactory(sessionFinder(app.shell));
    rendermime.addFactory(factory, factory.defaultRank);
  },
};
