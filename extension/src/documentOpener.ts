/**
 * `document.open` for VS Code: when a chunk's path is a file of the open workspace, open it beside
 * the plot with the chunk selected; otherwise show the chunk's text in a read-only virtual document
 * (`embedscope-chunk:` scheme). Payload paths are untrusted: only files inside a workspace folder
 * are ever opened.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import * as vscode from "vscode";
import { shortId } from "../../shared/src/cli/format";
import { InputError } from "../../shared/src/errors";
import type { PointDetail } from "../../shared/src/protocol/messages";
import type { Handler } from "../../shared/src/protocol/rpc";
import { bestSuffixMatch, chunkPathCandidates, locateChunk } from "./chunkLocate";
import type { EngineHost } from "./engineHost";

export const CHUNK_SCHEME = "embedscope-chunk";

/** `embedscope-chunk:/<run>/<row>/<name>?run=<id>&row=<n>`: the name gives the tab title and language. */
export function chunkUri(runId: string, row: number, point: Pick<PointDetail, "path" | "source_path" | "document_id">): vscode.Uri {
  const from = point.path ?? point.source_path ?? point.document_id ?? `row-${row}`;
  const base = from.split(/[\\/]/).filter(Boolean).pop() ?? `row-${row}`;
  const safe = base.replace(/[^\w.\- ]+/g, "_").slice(0, 80) || `row-${row}`;
  const name = /\.(md|markdown|txt|rst|html?|py|ts|js|json|ya?ml)$/i.test(safe) ? safe : `${safe}.txt`;
  const query = new URLSearchParams({ run: runId, row: String(row) }).toString();
  return vscode.Uri.from({ scheme: CHUNK_SCHEME, path: `/${shortId(runId)}/${row}/${name}`, query });
}

export class ChunkDocumentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly engines: EngineHost) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const params = new URLSearchParams(uri.query);
    const runId = params.get("run");
    const row = Number(params.get("row"));
    if (!runId || !Number.isInteger(row)) return "This Embedscope chunk link is incomplete.";
    try {
      const point = await (await this.engines.get()).point(runId, row);
      return point.text ?? `(point ${point.point_id} has no text in its payload)\n\n${point.payload_json}`;
    } catch (err) {
      return `Cannot show this chunk: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
}

function insideWorkspace(file: string, roots: readonly string[]): boolean {
  return roots.some((root) => {
    const rel = path.relative(root, file);
    return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
  });
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The workspace file a chunk's path names, if any. */
export async function resolveWorkspaceFile(chunkPath: string | null): Promise<vscode.Uri | undefined> {
  if (!chunkPath) return undefined;
  const roots = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === "file").map((f) => f.uri.fsPath);
  if (roots.length === 0) return undefined;
  for (const candidate of chunkPathCandidates(chunkPath, roots)) {
    if (insideWorkspace(candidate, roots) && (await isFile(candidate))) return vscode.Uri.file(candidate);
  }
  // Paths recorded on another machine: look for the file by name and prefer the longest shared tail.
  const name = chunkPath.split(/[\\/]/).filter(Boolean).pop();
  if (!name || /[*?[\]{}]/.test(name)) return undefined;
  const found = await vscode.workspace.findFiles(`**/${name}`, "**/node_modules/**", 50);
  const best = bestSuffixMatch(
    chunkPath,
    found.map((u) => u.fsPath),
  );
  return best ? vscode.Uri.file(best) : undefined;
}

export function createDocumentOpenHandler(engines: EngineHost): Handler<"document.open"> {
  return async ({ runId, row }) => {
    const point = await (await engines.get()).point(runId, row);
    const file = await resolveWorkspaceFile(point.path ?? point.source_path);
    if (file) {
      const doc = await vscode.workspace.openTextDocument(file);
      const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
      const found = point.text ? locateChunk(doc.getText(), point.text) : null;
      if (found) {
        const start = new vscode.Position(found.line, found.character);
        const end = doc.lineAt(Math.min(found.endLine, doc.lineCount - 1)).range.end;
        // Anchor at the end, cursor at the start: the chunk is selected and its first line is in view.
        editor.selection = new vscode.Selection(end, start);
        editor.revealRange(new vscode.Range(start, end), vscode.TextEditorRevealType.AtTop);
      }
      return { opened: true };
    }
    if (point.text === null) throw new InputError(`point ${point.point_id} has no file in this workspace and no text to show`, "row");
    const doc = await vscode.workspace.openTextDocument(chunkUri(runId, row, point));
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
    return { opened: true };
  };
}
