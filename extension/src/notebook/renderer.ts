/**
 * The extension end of the notebook renderer: every interactive output opens a channel over
 * renderer messaging (`notebooks.createRendererMessaging`), and each channel gets its own engine
 * server, exactly like the explorer panel. Sessions end when the output goes away or its
 * notebook closes.
 */
import * as vscode from "vscode";
import type { Handlers } from "../../../shared/src/protocol/rpc";
import { serveEngine } from "../../../shared/src/protocol/engineServer";
import { isChannelEnvelope, unwrapMessage, unwrapSave, wrapMessage } from "../../../webview/src/hosts/vscodeChannel";
import { DisposableStore, type DisposableLike } from "../dispose";
import type { EngineHost } from "../engineHost";
import { createHostTransport, isUiMessage, type HostTransport } from "../hostTransport";
import { saveDownloadedFile } from "../saveFile";

/** Must match `contributes.notebookRenderer[].id` in package.json. */
export const RENDERER_ID = "embedscope.runRenderer";

/** A notebook with hundreds of plots is fine; a renderer that never says goodbye is not. */
const MAX_SESSIONS_PER_EDITOR = 200;

interface Session {
  transport: HostTransport;
  dispose(): void;
}

export class RendererBridge implements DisposableLike {
  private readonly disposables = new DisposableStore();
  private readonly sessions = new Map<vscode.NotebookEditor, Map<string, Session>>();
  private readonly messaging: vscode.NotebookRendererMessaging;

  constructor(
    private readonly engines: EngineHost,
    private readonly extraHandlers: Handlers,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.messaging = vscode.notebooks.createRendererMessaging(RENDERER_ID);
    this.disposables.add(this.messaging.onDidReceiveMessage(({ editor, message }) => this.receive(editor, message)));
    this.disposables.add(
      vscode.workspace.onDidCloseNotebookDocument((doc) => {
        for (const editor of [...this.sessions.keys()]) if (editor.notebook === doc) this.closeEditor(editor);
      }),
    );
  }

  dispose(): void {
    for (const editor of [...this.sessions.keys()]) this.closeEditor(editor);
    this.disposables.dispose();
  }

  private receive(editor: vscode.NotebookEditor, raw: unknown): void {
    if (!isChannelEnvelope(raw)) return;
    if (raw.kind === "close") {
      this.closeChannel(editor, raw.channel);
      return;
    }
    if (raw.kind === "save") {
      saveDownloadedFile(unwrapSave(raw)).catch((err: unknown) => void vscode.window.showErrorMessage(`Embedscope: could not save: ${err instanceof Error ? err.message : String(err)}`));
      return;
    }
    let message;
    try {
      message = unwrapMessage(raw);
    } catch (err) {
      this.log.warn(`renderer: dropped a malformed message: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (!isUiMessage(message)) return;
    this.session(editor, raw.channel).transport.receive(message);
  }

  private session(editor: vscode.NotebookEditor, channel: string): Session {
    let channels = this.sessions.get(editor);
    if (!channels) this.sessions.set(editor, (channels = new Map()));
    const existing = channels.get(channel);
    if (existing) return existing;
    if (channels.size >= MAX_SESSIONS_PER_EDITOR) {
      const oldest = channels.keys().next().value;
      if (oldest !== undefined) this.closeChannel(editor, oldest);
    }
    const transport = createHostTransport((message) => void this.messaging.postMessage(wrapMessage(channel, message), editor));
    let served: { dispose(): void } | undefined;
    this.engines.get().then(
      (engine) => {
        if (!transport.isDisposed) served = serveEngine(engine, transport, { host: "vscode", extra: this.extraHandlers });
      },
      (err: unknown) => this.log.error(`renderer: cannot open the engine: ${err instanceof Error ? err.message : String(err)}`),
    );
    const session: Session = {
      transport,
      dispose() {
        served?.dispose();
        transport.dispose();
      },
    };
    channels.set(channel, session);
    return session;
  }

  private closeChannel(editor: vscode.NotebookEditor, channel: string): void {
    const channels = this.sessions.get(editor);
    const session = channels?.get(channel);
    if (!channels || !session) return;
    channels.delete(channel);
    session.dispose();
    if (channels.size === 0) this.sessions.delete(editor);
  }

  private closeEditor(editor: vscode.NotebookEditor): void {
    const channels = this.sessions.get(editor);
    if (!channels) return;
    this.sessions.delete(editor);
    for (const s of channels.values()) s.dispose();
  }
}
