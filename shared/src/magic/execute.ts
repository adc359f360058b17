/**
 * Runs parsed cell commands against the engine and returns host-neutral outputs. The VS Code
 * notebook controller and the Jupyter kernel only turn these into their own output objects.
 */
import path from "node:path";
import type { Engine } from "../engine";
import { InputError } from "../errors";
import { formatRunDetail, formatRunTable, shortId } from "../cli/format";
import { renderPlotPng } from "../render/staticPlot";
import type { ColorBy, ExportFormat, ReducerName, RunProgress, RunRecord, SourceSpec, StartRunRequest } from "../types";
import { parseCell, type ParsedCommand } from "./parse";
import { RUN_MIME, type RunViewPayload } from "./runMime";
import { commandHelp, findCommand, generalHelp } from "./spec";

// Declared in runMime.ts so browser renderers can import them without the engine.
export { RUN_MIME, type RunViewPayload };

export type CellOutput =
  | { kind: "text"; text: string }
  | { kind: "run"; run: RunRecord; view: RunViewPayload; text: string; png: Buffer };

export interface CellDefaults {
  /** Qdrant URL used when `collection=` is given without a source. */
  qdrantUrl?: string;
  qdrantApiKey?: string;
  sampleLimit?: number;
  reducer?: ReducerName;
  /** Folder relative paths (files, export out=) resolve against. */
  cwd?: string;
  dark?: boolean;
}

export interface CellContext {
  signal: AbortSignal;
  /** Called with each progress event of a run this cell started. */
  onProgress?: (p: RunProgress) => void;
  /** Called as soon as a run exists, so hosts can show "running <id>". */
  onRunStarted?: (run: RunRecord) => void;
  defaults?: CellDefaults;
}

export async function executeCell(engine: Engine, source: string, ctx: CellContext): Promise<CellOutput[]> {
  const commands = parseCell(source);
  const outputs: CellOutput[] = [];
  for (const cmd of commands) {
    if (ctx.signal.aborted) break;
    outputs.push(...(await executeCommand(engine, cmd, ctx)));
  }
  return outputs;
}

async function executeCommand(engine: Engine, cmd: ParsedCommand, ctx: CellContext): Promise<CellOutput[]> {
  const o = cmd.options;
  const str = (k: string) => (o[k] === undefined ? undefined : String(o[k].value));
  const pos = (i: number) => cmd.positionals[i]?.value;
  const cwd = ctx.defaults?.cwd ?? process.cwd();
  switch (cmd.def.name) {
    case "help": {
      const name = pos(0)?.replace(/^%/, "");
      const def = name ? findCommand(name) : undefined;
      if (name && !def) throw new InputError(`no command %${name}; %help lists them`);
      return [{ kind: "text", text: def ? commandHelp(def) : generalHelp() }];
    }
    case "runs": {
      const runs = await engine.listRuns();
      return [{ kind: "text", text: runs.length ? formatRunTable(runs) : "No runs yet. Try: %project demo reducer=umap" }];
    }
    case "show": {
      const run = await engine.getRun(pos(0)!);
      if (run.status !== "completed") return [{ kind: "text", text: formatRunDetail(run) }];
      return [await runOutput(engine, run, (str("color_by") as ColorBy) ?? run.meta.color_by, ctx)];
    }
    case "color": {
      const run = await engine.getRun(pos(0)!);
      const by = str("by");
      if (!by) throw new InputError("%color needs by=FIELD (e.g. by=filetype)");
      return [await runOutput(engine, run, by, ctx)];
    }
    case "delete":
      return [{ kind: "text", text: `deleted run ${await engine.deleteRun(pos(0)!)}` }];
    case "export": {
      const out = str("out");
      if (!out) throw new InputError("%export needs out=PATH (e.g. out=points.parquet)");
      const format = (str("format") ?? path.extname(out).slice(1).toLowerCase()) as ExportFormat;
      const written = await engine.exportRun(pos(0)!, { format, out: path.resolve(cwd, out), colorBy: str("color_by") });
      return [{ kind: "text", text: `wrote ${written.count} points to ${written.path}` }];
    }
    case "similar": {
      const run = await engine.getRun(pos(0)!);
      const row = await resolveRow(engine, run, pos(1)!);
      const k = o.k === undefined ? 10 : Number(o.k.value);
      const { hits, via } = await engine.similar(run.id, row, k, ctx.signal);
      const rows = await engine.select(run.id, hits.filter((h) => h.row !== null).map((h) => h.row!));
      const byRow = new Map(rows.rows.map((r) => [r.row, r]));
      const lines = hits.map((h, i) => {
        const r = h.row === null ? undefined : byRow.get(h.row);
        const preview = (r?.text_preview ?? "").replace(/\s+/g, " ").slice(0, 80);
        return `${String(i + 1).padStart(3)}. ${h.score.toFixed(4)}  ${h.point_id}${h.row === null ? " (not in this run)" : ` row ${h.row}`}  ${preview}`;
      });
      return [{ kind: "text", text: [`neighbours of row ${row} (${via === "source" ? "searched in the source" : "exact cosine over stored vectors"}):`, ...lines].join("\n") }];
    }
    case "project": {
      const request = projectRequest(cmd, ctx.defaults ?? {}, cwd);
      const { run: started, done } = await engine.startRun(request);
      ctx.onRunStarted?.(started);
      const off = engine.on("progress", (p) => {
        if (p.runId === started.id) ctx.onProgress?.(p);
      });
      const onAbort = () => void engine.cancelRun(started.id).catch(() => undefined);
      ctx.signal.addEventListener("abort", onAbort, { once: true });
      // An abort that came while the run was being created (or from onRunStarted) fires no event.
      if (ctx.signal.aborted) onAbort();
      try {
        const run = await done;
        if (run.status !== "completed") return [{ kind: "text", text: formatRunDetail(run) }];
        return [await runOutput(engine, run, run.meta.color_by, ctx)];
      } finally {
        off();
        ctx.signal.removeEventListener("abort", onAbort);
      }
    }
    default:
      throw new InputError(`%${cmd.def.name} is not available here`);
  }
}

function projectRequest(cmd: ParsedCommand, defaults: CellDefaults, cwd: string): StartRunRequest {
  const o = cmd.options;
  const str = (k: string) => (o[k] === undefined ? undefined : String(o[k].value));
  const given = cmd.positionals[0]?.value;
  let source: SourceSpec;
  if (!given || /^https?:\/\//i.test(given)) {
    const url = given ?? defaults.qdrantUrl ?? process.env.QDRANT_URL;
    const collection = str("collection");
    if (!url) throw new InputError("%project needs a source: demo, a file path, or a Qdrant URL (or set the Qdrant URL and pass collection=NAME)");
    if (!collection) throw new InputError(`%project ${url} needs collection=NAME`);
    source = { kind: "qdrant", url, collection, vector: str("vector"), apiKey: defaults.qdrantApiKey };
  } else if (given === "demo") {
    source = { kind: "demo" };
  } else {
    source = { kind: "file", path: path.resolve(cwd, given), vectorColumn: str("vector_column"), idColumn: str("id_column"), payloadPath: str("payload") };
  }
  const params: Record<string, unknown> = {};
  for (const k of ["n_neighbors", "min_dist", "metric", "n_epochs", "perplexity", "learning_rate", "iterations", "init"]) {
    if (o[k] !== undefined) params[k] = o[k].value;
  }
  return {
    source,
    reducer: ((str("reducer") ?? defaults.reducer ?? "umap") as ReducerName),
    params,
    colorBy: str("color_by"),
    sample: o.sample === undefined ? defaults.sampleLimit : Number(o.sample.value),
    seed: o.seed === undefined ? undefined : Number(o.seed.value),
    label: str("label"),
  };
}

/** A row number, or a point id of the run. */
async function resolveRow(engine: Engine, run: RunRecord, point: string): Promise<number> {
  if (/^\d+$/.test(point) && Number(point) < run.point_count) return Number(point);
  const rows = await engine.store.rowsForPointIds(run.id, [point]);
  const row = rows.get(point);
  if (row === undefined) throw new InputError(`'${point}' is neither a row (0..${run.point_count - 1}) nor a point id of run ${shortId(run.id)}`);
  return row;
}

async function runOutput(engine: Engine, run: RunRecord, colorBy: ColorBy | undefined, ctx: CellContext): Promise<CellOutput> {
  const [{ x, y }, colors] = await Promise.all([engine.points(run.id), engine.colors(run.id, colorBy)]);
  const title = `${run.label ?? run.reducer.toUpperCase()} · ${run.meta.shown_count ?? run.point_count} points · coloured by ${colors.colorBy}`;
  const subtitle = [
    `run ${shortId(run.id)}`,
    run.source_kind === "qdrant" ? `${run.source_uri} / ${run.collection}` : run.source_uri,
    run.meta.sampled ? `sample of ${run.meta.total_count}` : undefined,
    run.meta.fallback_reason ? `fell back to PCA: ${run.meta.fallback_reason}` : undefined,
  ]
    .filter(Boolean)
    .join(" · ");
  const png = renderPlotPng({ x, y, codes: colors.codes, legend: colors.legend, title, subtitle, dark: ctx.defaults?.dark });
  const detail = formatRunDetail({ ...run, meta: { ...run.meta, color_by: colors.colorBy, legend: colors.legend } });
  return {
    kind: "run",
    run,
    text: detail,
    png,
    view: { version: 1, runId: run.id, colorBy: colors.colorBy, title, pointCount: run.point_count },
  };
}

/** The MIME bundle of an output, as Jupyter and VS Code notebooks store it. */
export function toMimeBundle(output: CellOutput): Record<string, unknown> {
  if (output.kind === "text") return { "text/plain": output.text };
  return { [RUN_MIME]: output.view, "image/png": output.png.toString("base64"), "text/plain": output.text };
}
