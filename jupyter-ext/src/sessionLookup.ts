/**
 * Finds the kernel session behind an output node. A MIME renderer is handed only the output's data,
 * so we look for the main-area widget (notebook, console) whose DOM holds the node and that has a
 * session context — duck-typed, so any document with a kernel works without importing its package.
 */
import type { JupyterFrontEnd } from "@jupyterlab/application";
import type { ISessionContext } from "@jupyterlab/apputils";
import type { Widget } from "@lumino/widgets";

interface WithSessionContext {
  sessionContext: ISessionContext;
}

function sessionContextOf(widget: Widget | null | undefined): ISessionContext | null {
  const candidate = (widget as Partial<WithSessionContext> | null | undefined)?.sessionContext;
  return candidate && typeof candidate === "object" && "session" in candidate ? candidate : null;
}

export type SessionFinder = (node: HTMLElement) => ISessionContext | null;

/** The session context of the widget containing `node`, else of the current widget. */
export function sessionFinder(shell: JupyterFrontEnd.IShell): SessionFinder {
  return (node) => {
    for (const widget of shell.widgets("main")) {
      if (widget.node.contains(node)) {
        const found = sessionContextOf(widget);
        if (found) return found;
      }
    }
    return sessionContextOf(shell.currentWidget);
  };
}
