/**
 * The New Projection… and Project File… flows: quick picks for source → collection → reducer →
 * (optional) parameters → colour-by, then a run with a progress notification.
 */
import * as vscode from "vscode";
import { InputError } from "../../shared/src/errors";
import type { ColorBy, ReducerName, SourceSpec, StartRunRequest } from "../../shared/src/types";
import { validateColorBy } from "../../shared/src/params";
import { checkParam, colorByChoices, paramValue, reducerChoices, reducerParamFields } from "./projectionChoices";
import { reportError, startRunAndShow, type Services } from "./services";

export const FILE_FILTERS: Record<string, string[]> = {
  "Embeddings (Parquet, JSON Lines, CSV, NumPy)": ["parquet", "pq", "jsonl", "ndjson", "json", "csv", "tsv", "npy", "gz"],
};

type SourceKind = SourceSpec["kind"];

export async function newProjection(services: Services): Promise<void> {
  const settings = services.settings();
  const items: (vscode.QuickPickItem & { source: SourceKind })[] = [
    { source: "demo", label: "$(book) Demo data", detail: "778 SAP Fiori documentation chunks, all-MiniLM-L6-v2 (384-d), bundled" },
    { source: "file", label: "$(file) File…", detail: "Parquet, JSON Lines, CSV or NumPy .npy with one vector per row" },
    {
      source: "qdrant",
      label: "$(database) Qdrant collection…",
      detail: settings.qdrantUrl ? `Collections at ${settings.qdrantUrl}` : "Connect to a Qdrant server first (URL and API key)",
    },
  ];
  const picked = await vscode.window.showQuickPick(items, { placeHolder: "Where do the vectors come from?", title: "New Projection (1/4): source" });
  if (!picked) return;
  let source: SourceSpec | undefined;
  if (picked.source === "demo") source = { kind: "demo" };
  else if (picked.source === "file") source = await pickFileSource(services, undefined);
  else source = await pickQdrantSource(services);
  if (!source) return;
  await configureAndRun(services, source);
}

export async function projectFile(services: Services, uri: vscode.Uri | undefined): Promise<void> {
  const source = await pickFileSource(services, uri);
  if (source) await configureAndRun(services, source);
}

async function pickFileSource(services: Services, given: vscode.Uri | undefined): Promise<SourceSpec | undefined> {
  let uri = given;
  if (!uri) {
    const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: "Project", filters: FILE_FILTERS, title: "Embedscope: choose a file of embeddings" });
    uri = chosen?.[0];
  }
  if (!uri) return undefined;
  if (uri.scheme !== "file") {
    void vscode.window.showErrorMessage(`Embedscope reads local files only; ${uri.toString(true)} is not on this machine's disk.`);
    return undefined;
  }
  const source: SourceSpec = { kind: "file", path: uri.fsPath };
  // A table with several list columns, or none recognisable: ask which column holds the vectors.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const engine = await services.engines.get();
      await engine.describeSource(source);
      return source;
    } catch (err) {
      if (!(err instanceof InputError) || err.field !== "vectorColumn") {
        reportError(err, services.log, "cannot read the file");
        return undefined;
      }
      const column = await vscode.window.showInputBox({
        title: "Which column holds the vectors?",
        prompt: err.message.replace(/Pass --vector-column NAME[^.]*\./, "").trim(),
        value: source.vectorColumn ?? "",
        ignoreFocusOut: true,
      });
      if (!column) return undefined;
      source.vectorColumn = column.trim();
    }
  }
  return undefined;
}

async function pickQdrantSource(services: Services): Promise<SourceSpec | undefined> {
  let url = services.settings().qdrantUrl;
  if (!url) {
    await vscode.commands.executeCommand("embedscope.connectQdrant");
    url = services.settings().qdrantUrl;
    if (!url) return undefined;
  }
  const apiKey = await services.credentials.get(url);
  let collections: string[];
  try {
    const engine = await services.engines.get();
    collections = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Embedscope: listing collections at ${url}` }, () =>
      engine.listCollections(url, apiKey),
    );
  } catch (err) {
    reportError(err, services.log, `cannot list collections at ${url}`);
    return undefined;
  }
  if (collections.length === 0) {
    void vscode.window.showInformationMessage(`Qdrant at ${url} has no collections.`);
    return undefined;
  }
  const collection = await vscode.window.showQuickPick(collections.sort(), { placeHolder: "Collection to project", title: "New Projection (2/4): collection" });
  if (!collection) return undefined;
  return { kind: "qdrant", url, collection, apiKey };
}

async function configureAndRun(services: Services, source: SourceSpec): Promise<void> {
  const settings = services.settings();
  const reducerItem = await vscode.window.showQuickPick(reducerChoices(settings.defaultReducer), {
    placeHolder: "How to project to 2-D?",
    title: "New Projection (3/4): reducer",
    matchOnDetail: true,
  });
  if (!reducerItem) return;
  const reducer = reducerItem.reducer;
  const params = await pickParams(reducer);
  if (!params) return;
  const colorBy = await pickColorBy();
  if (colorBy === undefined) return;
  const request: StartRunRequest = { source, reducer, params, colorBy, sample: settings.sampleLimit };
  await startRunAndShow(services, request);
}

async function pickParams(reducer: ReducerName): Promise<Record<string, unknown> | undefined> {
  const fields = reducerParamFields(reducer);
  if (fields.length === 0) return {};
  const how = await vscode.window.showQuickPick(
    [
      { label: "$(play) Start with the defaults", edit: false, detail: fields.map((f) => `${f.key} ${f.value}`).join(" · ") },
      { label: "$(settings) Edit parameters…", edit: true, detail: "One box per parameter, checked as you type" },
    ],
    { placeHolder: "Parameters", title: `New Projection: ${reducer} parameters` },
  );
  if (!how) return undefined;
  if (!how.edit) return {};
  const params: Record<string, unknown> = {};
  for (const field of fields) {
    const text = await vscode.window.showInputBox({
      title: `${reducer} parameter ${field.key}`,
      prompt: field.prompt,
      value: field.value,
      ignoreFocusOut: true,
      validateInput: (t) => checkParam(reducer, field.key, t),
    });
    if (text === undefined) return undefined;
    params[field.key] = paramValue(text);
  }
  return params;
}

/** Resolves with the colour-by, or undefined when the user backed out. */
async function pickColorBy(): Promise<ColorBy | undefined> {
  const choice = await vscode.window.showQuickPick(colorByChoices(), { placeHolder: "Colour points by…", title: "New Projection (4/4): colour by", matchOnDetail: true });
  if (!choice) return undefined;
  if (choice.value) return choice.value;
  const field = await vscode.window.showInputBox({
    title: "Colour by a payload field",
    prompt: "Field name or dotted path, e.g. category or metadata.lang",
    ignoreFocusOut: true,
    validateInput: (t) => {
      try {
        validateColorBy(t.trim());
        return t.trim() === "" ? "Type a field name" : undefined;
      } catch (err) {
        return err instanceof Error ? err.message : String(err);
      }
    },
  });
  return field?.trim() || undefined;
}
