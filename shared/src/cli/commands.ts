/** The embedscope commands: project, runs, show, delete, export, demo. */
import { Engine } from "../engine";
import { InputError } from "../errors";
import { parseSourceArgument } from "../sources/resolve";
import type { ExportFormat, ReducerName, RunRecord, StartRunRequest } from "../types";
import { DB_HELP, DB_OPTION, JSON_OPTION, type CliIo, type Command, type ParsedCommand } from "./command";
import { formatRunDetail, formatRunTable, runSummaryJson, shortId } from "./format";
import { ProgressBar } from "./progress";

export function openEngine(args: ParsedCommand): Promise<Engine> {
  return Engine.open({ dbPath: (args.values.db as string | undefined) ?? undefined });
}

async function withEngine<T>(args: ParsedCommand, fn: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await openEngine(args);
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

/** Runs one projection with a progress bar; Ctrl-C cancels it (the run is recorded as cancelled). */
export async function projectWithProgress(engine: Engine, request: StartRunRequest, io: CliIo, quiet: boolean): Promise<RunRecord> {
  const bar = new ProgressBar(process.stderr, quiet ? "quiet" : process.stderr.isTTY ? "bar" : "lines");
  const off = engine.on("progress", (p) => bar.update(p));
  try {
    return await engine.project(request, io.signal);
  } finally {
    off();
    bar.done();
  }
}

const REDUCER_PARAM_OPTIONS = {
  "n-neighbors": "n_neighbors",
  "min-dist": "min_dist",
  metric: "metric",
  "n-epochs": "n_epochs",
  perplexity: "perplexity",
  "learning-rate": "learning_rate",
  iterations: "iterations",
  init: "init",
} as const;

const project: Command = {
  name: "project",
  summary: "project a source to 2-D and store the run",
  usage: "embedscope project <source> [options]",
  details: [
    "<source> is `demo`, a file (.parquet .jsonl .json .csv .tsv .npy, or an embeddings.bin + records.jsonl folder),",
    "or a Qdrant URL (http(s)://host:port) with --collection; the API key comes from QDRANT_API_KEY.",
    "Examples:",
    "  embedscope project demo --reducer umap --color-by source_dir",
    "  embedscope project vectors.parquet --vector-column embedding --reducer tsne --perplexity 50",
    "  QDRANT_API_KEY=… embedscope project http://localhost:6333 --collection docs --sample 50000",
  ].join("\n"),
  minPositionals: 1,
  maxPositionals: 1,
  options: {
    ...DB_OPTION,
    ...JSON_OPTION,
    collection: { type: "string" },
    vector: { type: "string" },
    "vector-column": { type: "string" },
    "id-column": { type: "string" },
    payload: { type: "string" },
    reducer: { type: "string" },
    "color-by": { type: "string" },
    "n-neighbors": { type: "string" },
    "min-dist": { type: "string" },
    metric: { type: "string" },
    "n-epochs": { type: "string" },
    perplexity: { type: "string" },
    "learning-rate": { type: "string" },
    iterations: { type: "string" },
    init: { type: "string" },
    sample: { type: "string" },
    "fit-sample": { type: "string" },
    seed: { type: "string" },
    label: { type: "string" },
  },
  optionHelp: {
    collection: "Qdrant collection name",
    vector: "Qdrant named vector (default: the only/first dense one)",
    "vector-column": "file column holding the vectors (default: auto-detect)",
    "id-column": "file column holding point ids (default: id, point_id, chunk_id or the row number)",
    payload: "payload sidecar (.jsonl/.csv) for a .npy file",
    reducer: "pca | umap | tsne (default umap)",
    "color-by": "document_id | source_dir | filetype | age_bucket | any payload field (default document_id)",
    "n-neighbors": "UMAP neighbours, >= 2 (default 15)",
    "min-dist": "UMAP minimum distance in [0, 1] (default 0.1)",
    metric: "cosine | euclidean | manhattan | dot (default cosine)",
    "n-epochs": "UMAP epochs (default: by point count)",
    perplexity: "t-SNE perplexity > 0 (default 30, clamped to what N allows)",
    "learning-rate": "t-SNE learning rate > 0 or auto (default auto)",
    iterations: "t-SNE iterations >= 250 (default 1000)",
    init: "t-SNE initialisation: pca | random (default pca)",
    sample: "at most this many points, sampled uniformly (default 200000)",
    "fit-sample": "fit the reducer on this many of them (seeded) and place the rest into its layout",
    seed: "random seed (default 42)",
    label: "a name for the run",
    json: "print one JSON object instead of text",
    ...DB_HELP,
  },
  async run(args, io) {
    const v = args.values as Record<string, string | undefined>;
    const source = parseSourceArgument(args.positionals[0], {
      collection: v.collection,
      vector: v.vector,
      vectorColumn: v["vector-column"],
      idColumn: v["id-column"],
      payloadPath: v.payload,
    });
    const params: Record<string, unknown> = {};
    for (const [flag, name] of Object.entries(REDUCER_PARAM_OPTIONS)) if (v[flag] !== undefined) params[name] = v[flag];
    const reducer = (v.reducer ?? "umap") as ReducerName;
    const request: StartRunRequest = {
      source,
      reducer,
      params,
      colorBy: v["color-by"],
      sample: v.sample === undefined ? undefined : numberArg(v.sample, "--sample"),
      fitSample: v["fit-sample"] === undefined ? undefined : numberArg(v["fit-sample"], "--fit-sample"),
      seed: v.seed === undefined ? undefined : numberArg(v.seed, "--seed"),
      label: v.label,
    };
    return withEngine(args, async (engine) => {
      const run = await projectWithProgress(engine, request, io, Boolean(args.values.json));
      if (args.values.json) io.out(JSON.stringify(runSummaryJson(run)));
      else io.out(formatRunDetail(run));
      return run.status === "completed" ? 0 : 1;
    });
  },
};

const runs: Command = {
  name: "runs",
  summary: "list stored runs",
  usage: "embedscope runs [--json]",
  maxPositionals: 0,
  options: { ...DB_OPTION, ...JSON_OPTION },
  optionHelp: { json: "print a JSON array", ...DB_HELP },
  run: (args, io) =>
    withEngine(args, async (engine) => {
      const list = await engine.listRuns();
      io.out(args.values.json ? JSON.stringify(list.map(runSummaryJson)) : formatRunTable(list));
      return 0;
    }),
};

const show: Command = {
  name: "show",
  summary: "show one run (id or unique prefix)",
  usage: "embedscope show <run> [--json]",
  minPositionals: 1,
  maxPositionals: 1,
  options: { ...DB_OPTION, ...JSON_OPTION },
  optionHelp: { json: "print the run as JSON", ...DB_HELP },
  run: (args, io) =>
    withEngine(args, async (engine) => {
      const run = await engine.getRun(args.positionals[0]);
      io.out(args.values.json ? JSON.stringify(runSummaryJson(run)) : formatRunDetail(run));
      return 0;
    }),
};

const del: Command = {
  name: "delete",
  summary: "delete a run and its points",
  usage: "embedscope delete <run> [--json]",
  minPositionals: 1,
  maxPositionals: 1,
  options: { ...DB_OPTION, ...JSON_OPTION },
  optionHelp: { json: "print {deleted: id}", ...DB_HELP },
  run: (args, io) =>
    withEngine(args, async (engine) => {
      const id = await engine.deleteRun(args.positionals[0]);
      io.out(args.values.json ? JSON.stringify({ deleted: id }) : `deleted run ${id}`);
      return 0;
    }),
};

const exportCmd: Command = {
  name: "export",
  summary: "write a run's points (x, y, colour category, payload columns) to a file",
  usage: "embedscope export <run> --format csv|json|parquet --out PATH [--color-by FIELD]",
  minPositionals: 1,
  maxPositionals: 1,
  options: { ...DB_OPTION, ...JSON_OPTION, format: { type: "string" }, out: { type: "string" }, "color-by": { type: "string" } },
  optionHelp: {
    format: "csv | json | parquet (default: from the --out extension)",
    out: "output file (required)",
    "color-by": "the category column's field (default: the run's colour-by)",
    json: "print {path, count}",
    ...DB_HELP,
  },
  run: (args, io) => {
    const out = args.values.out as string | undefined;
    if (!out) throw new InputError("export needs --out PATH (e.g. --out points.parquet)", "out");
    const format = ((args.values.format as string | undefined) ?? out.split(".").pop() ?? "").toLowerCase();
    if (!["csv", "json", "parquet"].includes(format)) {
      throw new InputError(`--format must be csv, json or parquet (got '${format}')`, "format");
    }
    return withEngine(args, async (engine) => {
      const written = await engine.exportRun(args.positionals[0], { format: format as ExportFormat, out, colorBy: args.values["color-by"] as string | undefined });
      io.out(args.values.json ? JSON.stringify(written) : `wrote ${written.count} points to ${written.path}`);
      return 0;
    });
  },
};

/** The demo's three projections; `npm start` runs this. Reuses completed runs with the same settings. */
export const DEMO_RUNS: StartRunRequest[] = [
  { source: { kind: "demo" }, reducer: "pca", colorBy: "document_id", label: "demo · PCA" },
  { source: { kind: "demo" }, reducer: "umap", colorBy: "document_id", label: "demo · UMAP" },
  { source: { kind: "demo" }, reducer: "tsne", colorBy: "document_id", label: "demo · t-SNE" },
];

export async function ensureDemoRuns(engine: Engine, io: CliIo, fresh: boolean, quiet: boolean): Promise<RunRecord[]> {
  const existing = fresh ? [] : await engine.listRuns();
  const out: RunRecord[] = [];
  for (const request of DEMO_RUNS) {
    const found = existing.find((r) => r.status === "completed" && r.source_kind === "demo" && r.label === request.label);
    if (found) {
      out.push(found);
      continue;
    }
    if (!quiet) io.err(`projecting the demo (${request.reducer})…`);
    out.push(await projectWithProgress(engine, request, io, quiet));
  }
  return out;
}

const demo: Command = {
  name: "demo",
  summary: "project the bundled demo (778 SAP Fiori doc chunks, 384-d) with PCA, UMAP and t-SNE",
  usage: "embedscope demo [--fresh] [--json]",
  maxPositionals: 0,
  options: { ...DB_OPTION, ...JSON_OPTION, fresh: { type: "boolean" } },
  optionHelp: { fresh: "compute new runs even if demo runs exist", json: "print a JSON array of the runs", ...DB_HELP },
  run: (args, io) =>
    withEngine(args, async (engine) => {
      const runs = await ensureDemoRuns(engine, io, Boolean(args.values.fresh), Boolean(args.values.json));
      if (args.values.json) {
        io.out(JSON.stringify(runs.map(runSummaryJson)));
      } else {
        io.out(formatRunTable(runs));
        io.out(`\nDatabase: ${engine.dbPath}\nInspect a run: npx embedscope show ${shortId(runs[0].id)}`);
      }
      return runs.every((r) => r.status === "completed") ? 0 : 1;
    }),
};

function numberArg(value: string, flag: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n)) throw new InputError(`${flag} must be a number (got '${value}')`, flag);
  return n;
}

export const COMMANDS: Command[] = [project, runs, show, del, exportCmd, demo];
