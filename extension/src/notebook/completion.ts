/**
 * Completion and hovers for command cells in notebooks whose kernel is Embedscope: command names,
 * option names, enum values, run ids and Qdrant collections, all from the shared `completeCell`.
 */
import * as vscode from "vscode";
import { completeCell, inspectCell } from "../../../shared/src/magic/complete";
import type { EngineHost } from "../engineHost";
import { classifyMatch, type MatchKind } from "./completionKinds";
import { NOTEBOOK_TYPE } from "./controller";

export interface CompletionDeps {
  engines: EngineHost;
  /** True when the Embedscope kernel is selected for the notebook. */
  isSelectedFor(notebook: vscode.NotebookDocument): boolean;
  qdrant: () => Promise<{ url?: string; apiKey?: string }>;
}

const KINDS: Record<MatchKind, vscode.CompletionItemKind> = {
  command: vscode.CompletionItemKind.Keyword,
  option: vscode.CompletionItemKind.Property,
  value: vscode.CompletionItemKind.EnumMember,
  run: vscode.CompletionItemKind.Reference,
  source: vscode.CompletionItemKind.Module,
};

function notebookOf(document: vscode.TextDocument): vscode.NotebookDocument | undefined {
  if (document.uri.scheme !== "vscode-notebook-cell") return undefined;
  return vscode.workspace.notebookDocuments.find((nb) => nb.getCells().some((c) => c.document === document));
}

export function registerCellLanguageFeatures(deps: CompletionDeps): vscode.Disposable {
  const selector: vscode.DocumentSelector = { notebookType: NOTEBOOK_TYPE };
  const isOurs = (document: vscode.TextDocument) => {
    const nb = notebookOf(document);
    return nb !== undefined && deps.isSelectedFor(nb);
  };

  const completion = vscode.languages.registerCompletionItemProvider(
    selector,
    {
      async provideCompletionItems(document, position) {
        if (!isOurs(document)) return undefined;
        const text = document.getText();
        const cursor = document.offsetAt(position);
        let runIds: string[] = [];
        const result = await completeCell(text, cursor, {
          runIds: async () => {
            const engine = await deps.engines.get();
            runIds = (await engine.listRuns()).map((r) => r.id);
            return runIds;
          },
          collections: async () => {
            const { url, apiKey } = await deps.qdrant();
            if (!url) return [];
            return (await deps.engines.get()).listCollections(url, apiKey);
          },
        });
        const range = new vscode.Range(document.positionAt(result.start), document.positionAt(result.end));
        const known = new Set(runIds);
        return result.matches.map((match, i) => {
          const kind = classifyMatch(match, known);
          const item = new vscode.CompletionItem(match, KINDS[kind]);
          item.range = range;
          item.sortText = String(i).padStart(4, "0");
          if (kind === "option") item.command = { command: "editor.action.triggerSuggest", title: "values" };
          if (kind === "command") {
            const help = inspectCell(match, match.length);
            if (help) item.documentation = new vscode.MarkdownString().appendCodeblock(help, "text");
          }
          return item;
        });
      },
    },
    "%",
    "=",
    " ",
  );

  const hover = vscode.languages.registerHoverProvider(selector, {
    provideHover(document, position) {
      if (!isOurs(document)) return undefined;
      const line = document.lineAt(position.line).text;
      if (!/^\s*%/.test(line)) return undefined;
      const help = inspectCell(document.getText(), document.offsetAt(position));
      return help ? new vscode.Hover(new vscode.MarkdownString().appendCodeblock(help, "text")) : undefined;
    },
  });

  return vscode.Disposable.from(completion, hover);
}
