/**
 * The magic-like cell command language, declared once (VS Code notebook kernel and the Jupyter
 * kernel both use it): `%project demo reducer=umap color_by=filetype`, `%runs`, `%show <run>`…
 * Each command: positionals, key=value options with types. The parser, completion and help are
 * all driven by this table.
 */
import { METRICS, REDUCERS } from "../types";

export type OptionType = { kind: "int"; min?: number } | { kind: "number" } | { kind: "string" } | { kind: "enum"; values: readonly string[] };

export interface OptionDef {
  type: OptionType;
  help: string;
}

export interface PositionalDef {
  name: string;
  help: string;
  optional?: boolean;
  /** Completion source for this positional. */
  complete?: "runs" | "sources" | "commands";
}

export interface CommandDef {
  name: string;
  summary: string;
  positionals: PositionalDef[];
  options: Record<string, OptionDef>;
  examples: string[];
}

const FORMATS = ["csv", "json", "parquet"] as const;

export const CELL_COMMANDS: CommandDef[] = [
  {
    name: "project",
    summary: "project a source to 2-D, store the run, show the interactive plot",
    positionals: [{ name: "source", help: "demo, a file path, or a Qdrant URL (default: the configured Qdrant URL when collection= is given)", optional: true, complete: "sources" }],
    options: {
      collection: { type: { kind: "string" }, help: "Qdrant collection" },
      vector: { type: { kind: "string" }, help: "Qdrant named vector" },
      vector_column: { type: { kind: "string" }, help: "file column holding the vectors" },
      id_column: { type: { kind: "string" }, help: "file column holding point ids" },
      payload: { type: { kind: "string" }, help: "payload sidecar for .npy files" },
      reducer: { type: { kind: "enum", values: REDUCERS }, help: "pca | umap | tsne (default umap)" },
      color_by: { type: { kind: "string" }, help: "document_id | source_dir | filetype | age_bucket | any payload field" },
      n_neighbors: { type: { kind: "int", min: 2 }, help: "UMAP neighbours (default 15)" },
      min_dist: { type: { kind: "number" }, help: "UMAP minimum distance in [0, 1] (default 0.1)" },
      metric: { type: { kind: "enum", values: METRICS }, help: "distance (default cosine)" },
      n_epochs: { type: { kind: "int", min: 10 }, help: "UMAP epochs" },
      perplexity: { type: { kind: "number" }, help: "t-SNE perplexity (default 30)" },
      learning_rate: { type: { kind: "string" }, help: "t-SNE learning rate or auto (default auto)" },
      iterations: { type: { kind: "int", min: 250 }, help: "t-SNE iterations (default 1000)" },
      init: { type: { kind: "enum", values: ["pca", "random"] }, help: "t-SNE initialisation (default pca)" },
      sample: { type: { kind: "int", min: 2 }, help: "at most this many points, sampled uniformly (default 200000)" },
      seed: { type: { kind: "int", min: 0 }, help: "random seed (default 42)" },
      label: { type: { kind: "string" }, help: "a name for the run" },
    },
    examples: ["%project demo reducer=umap color_by=filetype", "%project collection=docs reducer=tsne perplexity=50 sample=20000", "%project ./vectors.parquet vector_column=embedding"],
  },
  {
    name: "runs",
    summary: "list stored runs",
    positionals: [],
    options: {},
    examples: ["%runs"],
  },
  {
    name: "show",
    summary: "show a stored run's plot again",
    positionals: [{ name: "run", help: "run id or unique prefix", complete: "runs" }],
    options: { color_by: { type: { kind: "string" }, help: "colour by this field" } },
    examples: ["%show 3f2a"],
  },
  {
    name: "color",
    summary: "recolour a run by a field (no recomputation)",
    positionals: [{ name: "run", help: "run id or unique prefix", complete: "runs" }],
    options: { by: { type: { kind: "string" }, help: "document_id | source_dir | filetype | age_bucket | any payload field" } },
    examples: ["%color 3f2a by=filetype"],
  },
  {
    name: "similar",
    summary: "nearest neighbours of a point (by row number or point id)",
    positionals: [
      { name: "run", help: "run id or unique prefix", complete: "runs" },
      { name: "point", help: "row number in the run, or a point id" },
    ],
    options: { k: { type: { kind: "int", min: 1 }, help: "how many neighbours (default 10)" } },
    examples: ["%similar 3f2a 12 k=10"],
  },
  {
    name: "export",
    summary: "write a run's points to a file",
    positionals: [{ name: "run", help: "run id or unique prefix", complete: "runs" }],
    options: {
      format: { type: { kind: "enum", values: FORMATS }, help: "csv | json | parquet (default from out=)" },
      out: { type: { kind: "string" }, help: "output path (required)" },
      color_by: { type: { kind: "string" }, help: "field for the category column" },
    },
    examples: ["%export 3f2a format=parquet out=points.parquet"],
  },
  {
    name: "delete",
    summary: "delete a run and its points",
    positionals: [{ name: "run", help: "run id or unique prefix", complete: "runs" }],
    options: {},
    examples: ["%delete 3f2a"],
  },
  {
    name: "help",
    summary: "list the commands, or explain one",
    positionals: [{ name: "command", help: "a command name", optional: true, complete: "commands" }],
    options: {},
    examples: ["%help", "%help project"],
  },
];

export function findCommand(name: string): CommandDef | undefined {
  return CELL_COMMANDS.find((c) => c.name === name);
}

export function commandHelp(def: CommandDef): string {
  const pos = def.positionals.map((p) => (p.optional ? `[${p.name}]` : `<${p.name}>`)).join(" ");
  const opts = Object.entries(def.options);
  const width = Math.max(0, ...opts.map(([k]) => k.length + 6));
  return [
    `%${def.name}${pos ? " " + pos : ""}${opts.length ? " [key=value …]" : ""}`,
    `  ${def.summary}`,
    ...def.positionals.map((p) => `  ${(p.optional ? `[${p.name}]` : `<${p.name}>`).padEnd(width)}  ${p.help}`),
    ...opts.map(([k, o]) => `  ${(k + "=…").padEnd(width)}  ${o.help}`),
    ...(def.examples.length ? ["  examples:", ...def.examples.map((e) => `    ${e}`)] : []),
  ].join("\n");
}

export function generalHelp(): string {
  const width = Math.max(...CELL_COMMANDS.map((c) => c.name.length)) + 1;
  return [
    "Embedscope cell commands (one per line; # starts a comment):",
    ...CELL_COMMANDS.map((c) => `  %${c.name.padEnd(width)} ${c.summary}`),
    "Type %help <command> for its options.",
  ].join("\n");
}
