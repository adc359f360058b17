import { describe, expect, it } from "vitest";
import { aggregate, checkTargets, formatTable, formatTargets, median, type RunRecord } from "../../../bench/report";

const base = { dataset: "synth-10000x384", n: 10_000, dims: 384 };
function run(method: RunRecord["method"], impl: string, repeat: number, fields: Partial<RunRecord>): RunRecord {
  return { ...base, method, impl, repeat, status: "ok", ...fields };
}
const INPUT = { "synth-10000x384": 15.36 };

describe("median", () => {
  it("takes the middle value, the mean of the two middle ones for an even count, NaN for none", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([10, 1, 4, 2])).toBe(3);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });
});

describe("aggregate", () => {
  const records = [
    run("umap", "umap-learn", 0, { fitS: 30, rssMB: 300, trust: 0.95, agreement: 0.99, jitS: 15 }),
    run("umap", "embedscope", 0, { fitS: 12, rssMB: 100, trust: 0.96, agreement: 0.98 }),
    run("umap", "embedscope", 1, { fitS: 10, rssMB: 140, trust: 0.94, agreement: 0.97 }),
    run("umap", "embedscope", 2, { fitS: 20, rssMB: 120, trust: 0.95, agreement: 1 }),
    run("umap", "umap-learn", 1, { fitS: 40, rssMB: 310, trust: 0.97, agreement: 0.99, jitS: 17 }),
    run("umap", "umap-learn", 2, { status: "timeout", error: "no result after 60 s" }),
    { ...run("umap", "uwot", 0, {}), status: "not installed", error: "no uwot" },
    run("pca", "embedscope", 0, { fitS: 1, rssMB: 50, trust: 0.7, agreement: 0.3 }),
  ] satisfies RunRecord[];
  const rows = aggregate(records, INPUT);

  it("gives medians of wall time and quality, the largest RSS, ours first, and the ratio to each reference", () => {
    expect(rows.map((r) => `${r.method}/${r.impl}`)).toEqual(["umap/embedscope", "umap/umap-learn", "umap/uwot", "pca/embedscope"]);
    const ours = rows[0];
    expect(ours).toMatchObject({ fitS: 12, rssMB: 140, trust: 0.95, agreement: 0.98, runs: 3, status: "ok", inputMB: 15.36 });
    expect(ours.fitAllS).toEqual([12, 10, 20]);
    // umap-learn: two good runs (median 35) and a timeout, which the row reports.
    expect(rows[1]).toMatchObject({ fitS: 35, runs: 2, status: "timeout", error: "no result after 60 s", jitS: 16, trust: 0.96 });
    expect(ours.ratios["umap-learn"]).toBeCloseTo(12 / 35, 12);
    expect(ours.ratios.uwot).toBeNull();
    expect(rows[2]).toMatchObject({ status: "not installed", runs: 0, fitS: null });
    expect(rows[3].ratios).toEqual({});
  });

  it("prints one line per row with the ratios and the failures", () => {
    const table = formatTable(rows).split("\n");
    expect(table).toHaveLength(2 + rows.length);
    expect(table[0]).toMatch(/^method\s+impl\s+dataset\s+N\s+D\s+input MB\s+fit s \(median\)/);
    expect(table[2]).toContain("umap-learn 0.34, uwot —");
    expect(table[2]).toContain("12.00");
    expect(table[3]).toContain("timeout: no result after 60 s");
    expect(table[3]).toContain("incl. 16.0 s numba JIT");
    expect(table[4]).toContain("not installed");
  });
});

describe("checkTargets", () => {
  function checks(records: RunRecord[], baseline: Record<string, number> = {}) {
    return checkTargets(aggregate(records, INPUT, baseline));
  }
  const find = (list: ReturnType<typeof checks>, method: string, kind: string) => list.find((c) => c.method === method && c.kind === kind);

  it("UMAP speed: met at ≤ 0.5 × umap-learn, NOT met above, with the JIT-free ratio alongside", () => {
    const met = checks([run("umap", "embedscope", 0, { fitS: 10 }), run("umap", "umap-learn", 0, { fitS: 20, jitS: 12 })]);
    expect(find(met, "umap", "speed")?.status).toBe("met");
    expect(find(met, "umap", "speed")?.detail).toContain("= 0.50");
    expect(find(met, "umap", "speed")?.detail).toContain("without its 12.0 s of numba JIT: 1.25");
    const missed = checks([run("umap", "embedscope", 0, { fitS: 10.1 }), run("umap", "umap-learn", 0, { fitS: 20 })]);
    expect(find(missed, "umap", "speed")?.status).toBe("NOT met");
  });

  it("t-SNE speed compares with the faster of sklearn and Rtsne", () => {
    const list = checks([run("tsne", "embedscope", 0, { fitS: 6 }), run("tsne", "sklearn", 0, { fitS: 40 }), run("tsne", "Rtsne", 0, { fitS: 20 })]);
    const speed = find(list, "tsne", "speed")!;
    expect(speed.status).toBe("NOT met");
    expect(speed.detail).toContain("Rtsne 20.0 s = 0.30");
    const onlySklearn = checks([run("tsne", "embedscope", 0, { fitS: 6 }), run("tsne", "sklearn", 0, { fitS: 40 }), { ...run("tsne", "Rtsne", 0, {}), status: "not installed" }]);
    expect(find(onlySklearn, "tsne", "speed")).toMatchObject({ status: "met" });
    expect(find(onlySklearn, "tsne", "speed")!.detail).toContain("Rtsne not installed");
  });

  it("PCA speed allows 2 × sklearn; no reference or a failed run of ours leaves it unchecked", () => {
    expect(find(checks([run("pca", "embedscope", 0, { fitS: 1.4 }), run("pca", "sklearn", 0, { fitS: 0.7 })]), "pca", "speed")?.status).toBe("met");
    expect(find(checks([run("pca", "embedscope", 0, { fitS: 1.5 }), run("pca", "sklearn", 0, { fitS: 0.7 })]), "pca", "speed")?.status).toBe("NOT met");
    expect(find(checks([run("pca", "embedscope", 0, { fitS: 1 }), { ...run("pca", "sklearn", 0, {}), status: "not installed" }]), "pca", "speed")?.status).toBe("not checked");
    expect(find(checks([{ ...run("pca", "embedscope", 0, {}), status: "error", error: "boom" }, run("pca", "sklearn", 0, { fitS: 0.7 })]), "pca", "speed")?.status).toBe("not checked");
  });

  it("quality: trustworthiness within 0.01 and label agreement within 0.02 of each reference", () => {
    const q = (trust: number, agreement: number) =>
      find(checks([run("umap", "embedscope", 0, { fitS: 1, trust, agreement }), run("umap", "umap-learn", 0, { fitS: 2, trust: 0.95, agreement: 0.9 })]), "umap", "quality vs umap-learn")!.status;
    expect(q(0.94, 0.88)).toBe("met");
    expect(q(0.939, 0.9)).toBe("NOT met");
    expect(q(0.95, 0.879)).toBe("NOT met");
    expect(q(0.99, 0.99)).toBe("met");
  });

  it("memory: our peak RSS ≤ 2 × the input, with the loaded-input baseline in the detail", () => {
    const ok = checks([run("pca", "embedscope", 0, { fitS: 1, rssMB: 30 })], { "synth-10000x384": 25 });
    expect(find(ok, "pca", "memory")).toMatchObject({ status: "met" });
    expect(find(ok, "pca", "memory")!.detail).toContain("nothing run: 25 MB, so the reducer adds 5 MB");
    expect(find(checks([run("pca", "embedscope", 0, { fitS: 1, rssMB: 31 })]), "pca", "memory")?.status).toBe("NOT met");
    // References are not held to it.
    expect(checks([run("pca", "sklearn", 0, { fitS: 1, rssMB: 900 })])).toEqual([]);
  });

  it("prints met / NOT met / n/a lines", () => {
    const text = formatTargets(checks([run("pca", "embedscope", 0, { fitS: 3, rssMB: 10, trust: 0.7, agreement: 0.3 }), run("pca", "sklearn", 0, { fitS: 1, trust: 0.7, agreement: 0.3 })]));
    expect(text.split("\n")).toEqual([
      expect.stringMatching(/^NOT met  pca synth-10000x384 speed: ours ≤ 2 × sklearn: 3\.00 s \/ sklearn 1\.00 s = 3\.00/),
      expect.stringMatching(/^met {6}pca synth-10000x384 quality vs sklearn: /),
      expect.stringMatching(/^met {6}pca synth-10000x384 memory: peak RSS 10 MB/),
    ]);
  });
});
