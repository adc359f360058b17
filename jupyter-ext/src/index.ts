/**
 * The Embedscope JupyterLab extension: one plugin per feature (STYLE.md habit 10).
 * - settings: schema/plugin.json → IEmbedscopeSettings
 * - renderer: interactive `application/vnd.embedscope.run+json` outputs over the notebook's kernel
 * - widget: the "Embedscope" main-area panel over a background Embedscope kernel
 */
import type { JupyterFrontEndPlugin } from "@jupyterlab/application";
import { rendererPlugin } from "./rendererPlugin";
import { settingsPlugin } from "./settingsPlugin";
import { widgetPlugin } from "./widgetPlugin";

export { CommandIDs, PluginIDs } from "./ids";
export { IEmbedscopeSettings } from "./settings";

const plugins: JupyterFrontEndPlugin<unknown>[] = [settingsPlugin, rendererPlugin, widgetPlugin];

export default plugins;
