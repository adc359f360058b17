/** Loads the extension's settings (schema/plugin.json) and provides them to the other plugins. */
import type { JupyterFrontEnd, JupyterFrontEndPlugin } from "@jupyterlab/application";
import { ISettingRegistry } from "@jupyterlab/settingregistry";
import { PluginIDs } from "./ids";
import { IEmbedscopeSettings, SettingsModel } from "./settings";

export const settingsPlugin: JupyterFrontEndPlugin<IEmbedscopeSettings> = {
  id: PluginIDs.settings,
  description: "Embedscope settings: default source URL and sample limit.",
  autoStart: true,
  provides: IEmbedscopeSettings,
  optional: [ISettingRegistry],
  activate: async (_app: JupyterFrontEnd, registry: ISettingRegistry | null): Promise<IEmbedscopeSettings> => {
    const model = new SettingsModel();
    if (!registry) return model;
    try {
      const settings = await registry.load(PluginIDs.settings);
      model.update(settings.composite as Record<string, unknown>);
      settings.changed.connect(() => model.update(settings.composite as Record<string, unknown>));
    } catch (err) {
      // Without the schema (a broken install) the defaults still give a working viewer.
      console.warn(`Embedscope: settings unavailable, using defaults (${(err as Error).message})`);
    }
    return model;
  },
};
