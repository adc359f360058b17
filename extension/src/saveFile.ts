/**
 * Saving what the viewer would have downloaded (webviews cannot download): a save dialog in the
 * first workspace folder, then the bytes written through VS Code's file system. The file name comes
 * from the webview, so only its base name is used.
 */
import * as vscode from "vscode";
import { safeFileName, type SaveRequest } from "./saveRequest";

export async function saveDownloadedFile(request: SaveRequest): Promise<vscode.Uri | undefined> {
  const fileName = safeFileName(request.fileName);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const ext = fileName.includes(".") ? fileName.split(".").pop()!.toLowerCase() : "";
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, fileName) : undefined,
    filters: ext ? { [ext.toUpperCase()]: [ext] } : undefined,
    title: `Save ${fileName}`,
  });
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, request.data);
  void vscode.window.showInformationMessage(`Embedscope: saved ${vscode.workspace.asRelativePath(target)}.`, "Reveal").then((choice) => {
    if (choice) void vscode.commands.executeCommand("revealInExplorer", target);
  });
  return target;
}
