/** The bench's command line and what it runs: datasets × methods × implementations × repeats, interleaved. */
import { availableParallelism } from "node:os";
import type { DatasetSpec } from "./data";
import { ALL_REFS, METHODS, OURS, REFS, type Method } from "./settings";

export type Mode = "quick" | "default" | "full";

export interface BenchOptions {
  mode: Mode;
  /** Methods to run (--only). */
  only: Method[];
  /** Repeats of every (method, impl, dataset) (--repeats; default 3, quick 1). */
  repeats: number;
  /** References to run (--refs; default all of them, "none" for ours only). */
  refs: string[];
  /** Per-run timeout in seconds (--timeout). */
  timeoutS: number;
  /** Rows scored by trustworthiness / label agreement when N is larger (--quality-sample). */
  qualitySample: number;
  /** Threads every implementation gets (--threads; default every core). */
  threads: number;
  /** Seed of the synthetic data (--data-seed). */
  dataSeed: number;
  /** Only these datasets of the mode's plan, by name: 2k, 10k, 50k, 200k, fmnist (--datasets; default all). */
  datasets: string[] | null;
}

const USAGE = `usage: npm run bench -- [--quick | --full] [--only umap,tsne,pca] [--repeats N] [--refs ${ALL_REFS.join(",")}|none]
                         [--timeout SECONDS] [--quality-sample ROWS] [--threads N] [--data-seed S]
                         [--datasets 10k,50k,200k,fmnist]`;

export class UsageError extends Error {
  constructor(message: string) {
    super(`${message}\n${USAGE}`);
  }
}

function list(value: string): string[] {
  return value.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
}

function positiveInt(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} needs a positive integer (got '${value ?? ""}')`);
  return n;
}

export function parseArgs(argv: string[]): BenchOptions {
  let mode: Mode = "default";
  let only: Method[] = [...METHODS];
  let repeats: number | undefined;
  let refs = [...ALL_REFS];
  let timeoutS: number | undefined;
  let qualitySample = 1000;
  let threads = availableParallelism();
  let dataSeed = 7;
  let datasets: string[] | null = null;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new UsageError(`${flag} needs a value`);
      return argv[++i];
    };
    switch (flag) {
      case "--quick":
      case "--full": {
        const m = flag.slice(2) as Mode;
        if (mode !== "default" && mode !== m) throw new UsageError("--quick and --full exclude each other");
        mode = m;
        break;
      }
      case "--only": {
        const names = list(next()).map((s) => s.toLowerCase());
        const bad = names.filter((s) => !(METHODS as string[]).includes(s));
        if (bad.length > 0 || names.length === 0) throw new UsageError(`--only takes ${METHODS.join(",")} (got '${bad.join(",")}')`);
        only = METHODS.filter((m) => names.includes(m));
        break;
      }
      case "--repeats":
        repeats = positiveInt(flag, next());
        break;
      case "--refs": {
        const names = list(next());
        if (names.length === 1 && names[0].toLowerCase() === "none") {
          refs = [];
          break;
        }
        refs = names.map((name) => {
          const found = ALL_REFS.find((r) => r.toLowerCase() === name.toLowerCase());
          if (!found) throw new UsageError(`unknown reference '${name}' (known: ${ALL_REFS.join(", ")}, or none)`);
          return found;
        });
        break;
      }
      case "--timeout":
        timeoutS = positiveInt(flag, next());
        break;
      case "--quality-sample":
        qualitySample = positiveInt(flag, next());
        break;
      case "--threads":
        threads = positiveInt(flag, next());
        break;
      case "--data-seed":
        dataSeed = positiveInt(flag, next());
        break;
      case "--datasets": {
        const names = list(next()).map((d) => d.toLowerCase());
        const bad = names.filter((d) => !/^(\d+k|fmnist)$/.test(d));
        if (bad.length > 0 || names.length === 0) throw new UsageError(`--datasets takes names like 10k,50k,fmnist (got '${bad.join(",")}')`);
        datasets = names;
        break;
      }
      case "--help":
      case "-h":
        throw new UsageError("");
      default:
        throw new UsageError(`unknown flag '${flag}'`);
    }
  }
  return {
    mode,
    only,
    repeats: repeats ?? (mode === "quick" ? 1 : 3),
    refs,
    timeoutS: timeoutS ?? (mode === "quick" ? 900 : 7200),
    qualitySample,
    threads,
    dataSeed,
    datasets,
  };
}

export interface DatasetPlan {
  spec: DatasetSpec;
  methods: Method[];
}

/**
 * quick: 2,000 × 64 synthetic for every method. default: 10,000 × 384 for every method, 50,000 × 384
 * for UMAP and PCA. full: 10k and 50k × 384 for every method, Fashion-MNIST 70,000 × 784 for UMAP,
 * 200,000 × 384 for PCA and t-SNE. Datasets left without a selected method are dropped.
 */
export function planDatasets(options: Pick<BenchOptions, "mode" | "only" | "dataSeed"> & { datasets?: string[] | null }): DatasetPlan[] {
  const synth = (n: number, dims: number): DatasetSpec => ({ kind: "synthetic", n, dims, seed: options.dataSeed });
  const all: Method[] = [...METHODS];
  const table: DatasetPlan[] =
    options.mode === "quick"
      ? [{ spec: synth(2000, 64), methods: all }]
      : options.mode === "default"
        ? [
            { spec: synth(10_000, 384), methods: all },
            { spec: synth(50_000, 384), methods: ["umap", "pca"] },
          ]
        : [
            { spec: synth(10_000, 384), methods: all },
            { spec: synth(50_000, 384), methods: all },
            { spec: { kind: "fmnist" }, methods: ["umap"] },
            { spec: synth(200_000, 384), methods: ["tsne", "pca"] },
          ];
  return table
    .map((d) => ({ spec: d.spec, methods: d.methods.filter((m) => options.only.includes(m)) }))
    .filter((d) => d.methods.length > 0 && (!options.datasets || options.datasets.includes(datasetName(d.spec))));
}

/** The name --datasets selects a dataset by: "10k" for 10,000 synthetic rows, "fmnist". */
export function datasetName(spec: DatasetSpec): string {
  return spec.kind === "fmnist" ? "fmnist" : `${Math.round(spec.n / 1000)}k`;
}

export interface Pair {
  method: Method;
  impl: string;
}

/** Ours and the selected references of each method, in table order. */
export function pairsFor(methods: Method[], refs: string[]): Pair[] {
  const out: Pair[] = [];
  for (const method of methods) {
    out.push({ method, impl: OURS });
    for (const impl of REFS[method]) if (refs.includes(impl)) out.push({ method, impl });
  }
  return out;
}

/** The order of repeat `repeat`: the pairs rotated left by `repeat`, so no implementation always goes first. */
export function rotated<T>(items: T[], repeat: number): T[] {
  if (items.length === 0) return [];
  const k = repeat % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}
