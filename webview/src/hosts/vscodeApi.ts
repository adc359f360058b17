/**
 * The few VS Code APIs the viewer's host entries touch, typed here so nothing else in the viewer
 * knows about VS Code: the webview's `acquireVsCodeApi` and the notebook renderer's context.
 */
export interface VsCodeWebviewApi<State> {
  postMessage(message: unknown): void;
  getState(): State | undefined;
  setState(state: State): void;
}

/** The subset of `vscode-notebook-renderer`'s RendererContext we use. */
export interface RendererContext {
  /** Present when the renderer may talk to the extension (`requiresMessaging`). */
  postMessage?(message: unknown): void;
  onDidReceiveMessage?(listener: (message: unknown) => void): { dispose(): void };
  readonly workspace?: { readonly isTrusted: boolean };
}

export interface OutputItem {
  readonly id: string;
  readonly mime: string;
  json(): unknown;
  text(): string;
}

export interface RendererApi {
  renderOutputItem(item: OutputItem, element: HTMLElement, signal?: AbortSignal): void | Promise<void>;
  disposeOutputItem?(id?: string): void;
}
