import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { pairsFor, parseArgs, planDatasets, rotated, UsageError } from "../../../bench/plan";

describe("parseArgs", () => {
  it("defaults: every method and reference, 3 repeats, every core", () => {
    expect(parseArgs([])).toMatchObject({ mode: "default", only: ["umap", "tsne", "pca"], repeats: 3, refs: ["umap-learn", "uwot", "sklearn", "Rtsne"], threads: availableParallelism() });
    expect(parseArgs(["--quick"]).repeats).toBe(1);
  });

  it("reads --only, --repeats, --refs (case-insensitive, or none) and --timeout", () => {
    const o = parseArgs(["--full", "--only", "pca,umap", "--repeats", "5", "--refs", "rtsne,UMAP-learn", "--timeout", "60"]);
    expect(o).toMatchObject({ mode: "full", only: ["umap", "pca"], repeats: 5, refs: ["Rtsne", "umap-learn"], timeoutS: 60 });
    expect(parseArgs(["--refs", "none"]).refs).toEqual([]);
  });

  it("refuses unknown flags, methods, references and bad numbers", () => {
    expect(() => parseArgs(["--fast"])).toThrow(UsageError);
    expect(() => parseArgs(["--only", "lda"])).toThrow(/--only/);
    expect(() => parseArgs(["--refs", "openTSNE"])).toThrow(/unknown reference/);
    expect(() => parseArgs(["--repeats", "0"])).toThrow(/positive integer/);
    expect(() => parseArgs(["--repeats"])).toThrow(/needs a value/);
    expect(() => parseArgs(["--quick", "--full"])).toThrow(/exclude/);
  });
});

describe("planDatasets", () => {
  const ids = (o: Parameters<typeof planDatasets>[0]) => planDatasets(o).map((d) => `${d.spec.kind === "synthetic" ? `${d.spec.n}x${d.spec.dims}` : "fmnist"}:${d.methods.join("+")}`);
  const all = ["umap", "tsne", "pca"] as const;

  it("quick: small synthetic for all; default: 10k for all + 50k UMAP/PCA; full adds FMNIST and 200k", () => {
    expect(ids({ mode: "quick", only: [...all], dataSeed: 7 })).toEqual(["2000x64:umap+tsne+pca"]);
    expect(ids({ mode: "default", only: [...all], dataSeed: 7 })).toEqual(["10000x384:umap+tsne+pca", "50000x384:umap+pca"]);
    expect(ids({ mode: "full", only: [...all], dataSeed: 7 })).toEqual(["10000x384:umap+tsne+pca", "50000x384:umap+tsne+pca", "fmnist:umap", "200000x384:tsne+pca"]);
  });

  it("--only drops the other methods and datasets left empty", () => {
    expect(ids({ mode: "full", only: ["tsne"], dataSeed: 7 })).toEqual(["10000x384:tsne", "50000x384:tsne", "200000x384:tsne"]);
  });

  it("--datasets keeps only the named datasets of the mode's plan", () => {
    const options = parseArgs(["--full", "--datasets", "50k,FMNIST"]);
    expect(options.datasets).toEqual(["50k", "fmnist"]);
    expect(ids(options)).toEqual(["50000x384:umap+tsne+pca", "fmnist:umap"]);
    expect(() => parseArgs(["--datasets", "big"])).toThrow(/--datasets takes names like 10k,50k,fmnist/);
  });
});

describe("pairsFor / rotated", () => {
  it("lists ours then the selected references of each method", () => {
    expect(pairsFor(["umap", "pca"], ["sklearn", "uwot"]).map((p) => `${p.method}:${p.impl}`)).toEqual(["umap:embedscope", "umap:uwot", "pca:embedscope", "pca:sklearn"]);
  });

  it("rotates the run order by the repeat so that every pair takes each slot", () => {
    expect(rotated([1, 2, 3], 0)).toEqual([1, 2, 3]);
    expect(rotated([1, 2, 3], 1)).toEqual([2, 3, 1]);
    expect(rotated([1, 2, 3], 4)).toEqual([2, 3, 1]);
    expect(rotated([], 2)).toEqual([]);
  });
});
