/** The "Embedscope" main-area panel: a command, its palette and launcher entries, layout restore. */
import { ILayoutRestorer, type JupyterFrontEnd, type JupyterFrontEndPlugin } from "@jupyterlab/application";
import { ICommandPalette, WidgetTracker } from "@jupyterlab/apputils";
import { ILauncher } from "@jupyterlab/launcher";
import { BackgroundKernels } from "./backgroundKernel";
import { embedscopeIcon } from "./icon";
import { CommandIDs, PluginIDs } from "./ids";
import { IEmbedscopeSettings } from "./settings";
import { ViewerPanel } from "./viewerPanel";

type RestorableTracker = Parameters<ILayoutRestorer["restore"]>[0];

export const widgetPlugin: JupyterFrontEndPlugin<void> = {
  id: PluginIDs.widget,
  description: "The Embedscope panel: runs, start form, plot and chunk table over a background Embedscope kernel.",
  autoStart: true,
  optional: [ICommandPalette, ILauncher, ILayoutRestorer, IEmbedscopeSettings],
  activate: (
    app: JupyterFrontEnd,
    palette: ICommandPalette | null,
    launcher: ILauncher | null,
    restorer: ILayoutRestorer | null,
    settings: IEmbedscopeSettings | null,
  ): void => {
    const kernels = new BackgroundKernels(app.serviceManager);
    const tracker = new WidgetTracker<ViewerPanel>({ namespace: "embedscope" });

    app.commands.addCommand(CommandIDs.open, {
      label: "Embedscope",
      caption: "Open the Embedscope viewer: project a vector collection and explore it",
      icon: embedscopeIcon,
      execute: () => {
        // One panel: a second would only hold a second comm to the same kernel.
        const existing = tracker.currentWidget;
        if (existing && !existing.isDisposed) {
          app.shell.activateById(existing.id);
          return existing;
        }
        const panel = new ViewerPanel(kernels, settings);
        void tracker.add(panel);
        app.shell.add(panel, "main");
        app.shell.activateById(panel.id);
        return panel;
      },
    });

    palette?.addItem({ command: CommandIDs.open, category: "Embedscope" });
    launcher?.add({ command: CommandIDs.open, category: "Other", rank: 1 });
    // The cast bridges two copies of @jupyterlab/apputils' typings in the root install (4.6.11 next to
    // the 4.7.6 that @jupyterlab/application 4.6 uses); at run time there is one shared singleton.
    if (restorer) void restorer.restore(tracker as unknown as RestorableTracker, { command: CommandIDs.open, name: () => "embedscope" });
  },
};
