/**
 * From run records to the bench's table and its targets check (issue 6): medians over repeats,
 * ours/ref ratios, and met / NOT met lines. Pure functions, unit-tested in test/unit/bench/.
 */
import { OURS, REFS, type Method } from "./settings";

export type RunStatus = "ok" | "error" | "timeout" | "not installed";

/** One (method, impl, dataset, repeat) run, or one "not installed" record per (method, impl, dataset). */
export interface RunRecord {
  method: Method;
  impl: string;
  dataset: string;
  n: number;
  dims: number;
  repeat: number;
  status: RunStatus;
  /** Wall seconds of the fit call alone (the child measures it). */
  fitS?: number;
  /** 1-minute load average when the run started (the machine is shared: timings are noisy). */
  load1?: number;
  /** Wall seconds of the whole child process (interpreter, imports, data load, fit, write). */
  processS?: number;
  /** Peak resident set of the child process in MB (10⁶ bytes). */
  rssMB?: number;
  /** umap-learn: seconds of the fit spent compiling numba functions. */
  jitS?: number;
  trust?: number;
  agreement?: number;
  version?: string;
  error?: string;
  meta?: Record<string, unknown>;
}

export interface Row {
  method: Method;
  impl: string;
  dataset: string;
  n: number;
  dims: number;
  inputMB: number;
  /** Our rows: peak RSS of our child with the input loaded and nothing run (runtime + input), if measured. */
  baselineMB?: number;
  /** "ok" when every run succeeded, else the first failure's status. */
  status: RunStatus;
  error?: string;
  /** Successful runs. */
  runs: number;
  fitS: number | null;
  fitAllS: number[];
  /** Largest peak RSS over the runs. */
  rssMB: number | null;
  trust: number | null;
  agreement: number | null;
  jitS: number | null;
  version?: string;
  /** Our rows: our median fit time / the reference's, per reference of the method (null: no figure). */
  ratios: Record<string, number | null>;
}

/** Median (mean of the two middle values for an even count); NaN for none. */
export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function medianOrNull(values: Array<number | undefined>): number | null {
  const v = values.filter((x): x is number => typeof x === "number" && Number.isFinite(x));
  return v.length === 0 ? null : median(v);
}

const METHOD_ORDER: Method[] = ["umap", "tsne", "pca"];
function implOrder(method: Method, impl: string): number {
  if (impl === OURS) return 0;
  const i = REFS[method].indexOf(impl);
  return i < 0 ? 99 : i + 1;
}

/** One row per (dataset, method, impl), datasets in first-seen order, ours first. */
export function aggregate(records: RunRecord[], inputMB: Record<string, number>, baselineMB: Record<string, number> = {}): Row[] {
  const groups = new Map<string, RunRecord[]>();
  const datasets: string[] = [];
  for (const r of records) {
    if (!datasets.includes(r.dataset)) datasets.push(r.dataset);
    const key = `${r.dataset}\u0000${r.method}\u0000${r.impl}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  const rows: Row[] = [];
  for (const runs of groups.values()) {
    const first = runs[0];
    const ok = runs.filter((r) => r.status === "ok");
    const failed = runs.find((r) => r.status !== "ok");
    const rss = ok.map((r) => r.rssMB).filter((x): x is number => typeof x === "number");
    rows.push({
      method: first.method,
      impl: first.impl,
      dataset: first.dataset,
      n: first.n,
      dims: first.dims,
      inputMB: inputMB[first.dataset] ?? (first.n * first.dims * 4) / 1e6,
      ...(first.impl === OURS && baselineMB[first.dataset] !== undefined ? { baselineMB: baselineMB[first.dataset] } : {}),
      status: failed ? failed.status : "ok",
      error: failed?.error,
      runs: ok.length,
      fitS: medianOrNull(ok.map((r) => r.fitS)),
      fitAllS: ok.map((r) => r.fitS).filter((x): x is number => typeof x === "number"),
      rssMB: rss.length > 0 ? Math.max(...rss) : null,
      trust: medianOrNull(ok.map((r) => r.trust)),
      agreement: medianOrNull(ok.map((r) => r.agreement)),
      jitS: medianOrNull(ok.map((r) => r.jitS)),
      version: ok[0]?.version ?? first.version,
      ratios: {},
    });
  }
  for (const row of rows) {
    if (row.impl !== OURS) continue;
    for (const ref of REFS[row.method]) {
      const other = rows.find((r) => r.dataset === row.dataset && r.method === row.method && r.impl === ref);
      if (!other) continue;
      row.ratios[ref] = row.fitS !== null && other.fitS !== null && other.fitS > 0 ? row.fitS / other.fitS : null;
    }
  }
  rows.sort(
    (a, b) =>
      datasets.indexOf(a.dataset) - datasets.indexOf(b.dataset) ||
      METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method) ||
      implOrder(a.method, a.impl) - implOrder(b.method, b.impl),
  );
  return rows;
}

export type CheckStatus = "met" | "NOT met" | "not checked";

export interface TargetCheck {
  method: Method;
  dataset: string;
  /** "speed", "quality vs <ref>", "memory". */
  kind: string;
  status: CheckStatus;
  detail: string;
}

/** Speed targets of issue 6: ours ≤ factor × the reference (the fastest of several). */
export const SPEED_TARGETS: Record<Method, { refs: string[]; factor: number }> = {
  umap: { refs: ["umap-learn"], factor: 0.5 },
  tsne: { refs: ["sklearn", "Rtsne"], factor: 0.25 },
  pca: { refs: ["sklearn"], factor: 2 },
};
export const TRUST_TOLERANCE = 0.01;
export const AGREEMENT_TOLERANCE = 0.02;
export const RSS_FACTOR = 2;

const s = (x: number) => `${x.toFixed(x < 10 ? 2 : 1)} s`;

function why(row: Row | undefined, impl: string): string {
  if (!row) return `${impl} not run`;
  if (row.status === "not installed") return `${impl} not installed`;
  if (row.runs === 0) return `${impl} ${row.status}`;
  return `${impl} has no figure`;
}

/**
 * The targets, per (dataset, method) with a row of ours: speed against the method's reference(s),
 * quality (trustworthiness ≥ ref − 0.01, label agreement ≥ ref − 0.02) against every reference of
 * the method, and our peak RSS ≤ 2 × the input's size.
 */
export function checkTargets(rows: Row[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const ours of rows.filter((r) => r.impl === OURS)) {
    const { method, dataset } = ours;
    const find = (impl: string) => rows.find((r) => r.dataset === dataset && r.method === method && r.impl === impl);
    const add = (kind: string, status: CheckStatus, detail: string) => checks.push({ method, dataset, kind, status, detail });

    // Speed.
    const target = SPEED_TARGETS[method];
    const limitText = target.refs.length > 1 ? `${target.factor} × min(${target.refs.join(", ")})` : `${target.factor} × ${target.refs[0]}`;
    const refRows = target.refs.map((impl) => ({ impl, row: find(impl) }));
    const timed = refRows.filter((r) => r.row && r.row.fitS !== null && r.row.runs > 0 && r.row.status === "ok") as Array<{ impl: string; row: Row }>;
    if (ours.fitS === null) add("speed", "not checked", `ours ≤ ${limitText}: ${OURS} ${ours.status}`);
    else if (timed.length === 0) add("speed", "not checked", `ours ≤ ${limitText}: ${refRows.map((r) => why(r.row, r.impl)).join(", ")}`);
    else {
      const fastest = timed.reduce((a, b) => (b.row.fitS! < a.row.fitS! ? b : a));
      const ratio = ours.fitS / fastest.row.fitS!;
      let detail = `ours ≤ ${limitText}: ${s(ours.fitS)} / ${fastest.impl} ${s(fastest.row.fitS!)} = ${ratio.toFixed(2)} (target ≤ ${target.factor})`;
      const missing = refRows.filter((r) => !timed.includes(r as { impl: string; row: Row }));
      if (missing.length > 0) detail += `; ${missing.map((r) => why(r.row, r.impl)).join(", ")}`;
      const jit = fastest.row.jitS;
      if (jit !== null && jit > 0 && fastest.row.fitS! - jit > 0) {
        detail += `; ${fastest.impl} without its ${s(jit)} of numba JIT: ${(ours.fitS / (fastest.row.fitS! - jit)).toFixed(2)}`;
      }
      add("speed", ratio <= target.factor ? "met" : "NOT met", detail);
    }

    // Quality, against every reference of the method that ran.
    for (const impl of REFS[method]) {
      const ref = find(impl);
      if (!ref) continue;
      const kind = `quality vs ${impl}`;
      if (ours.trust === null || ours.agreement === null) {
        add(kind, "not checked", `${OURS} ${ours.status}`);
        continue;
      }
      if (ref.trust === null || ref.agreement === null) {
        add(kind, "not checked", why(ref, impl));
        continue;
      }
      const trustOk = ours.trust >= ref.trust - TRUST_TOLERANCE;
      const agreeOk = ours.agreement >= ref.agreement - AGREEMENT_TOLERANCE;
      add(
        kind,
        trustOk && agreeOk ? "met" : "NOT met",
        `trustworthiness ${ours.trust.toFixed(4)} vs ${ref.trust.toFixed(4)} (≥ ref − ${TRUST_TOLERANCE}: ${trustOk ? "yes" : "no"}); ` +
          `label agreement ${ours.agreement.toFixed(4)} vs ${ref.agreement.toFixed(4)} (≥ ref − ${AGREEMENT_TOLERANCE}: ${agreeOk ? "yes" : "no"})`,
      );
    }

    // Memory.
    if (ours.rssMB === null) add("memory", "not checked", `peak RSS unknown (${ours.status})`);
    else {
      const limit = RSS_FACTOR * ours.inputMB;
      let detail = `peak RSS ${ours.rssMB.toFixed(0)} MB ≤ ${RSS_FACTOR} × input ${ours.inputMB.toFixed(1)} MB = ${limit.toFixed(0)} MB`;
      if (ours.baselineMB !== undefined) {
        detail += `; Node with the input loaded, nothing run: ${ours.baselineMB.toFixed(0)} MB, so the reducer adds ${Math.max(0, ours.rssMB - ours.baselineMB).toFixed(0)} MB`;
      }
      add("memory", ours.rssMB <= limit ? "met" : "NOT met", detail);
    }
  }
  return checks;
}

function fmt(x: number | null, digits: number): string {
  return x === null ? "—" : x.toFixed(digits);
}

/** The table: one line per row, columns padded; our rows carry the ratio to each reference. */
export function formatTable(rows: Row[]): string {
  const header = ["method", "impl", "dataset", "N", "D", "input MB", "fit s (median)", "runs", "peak RSS MB", "trust@15", "10-NN agree", "ours / ref", "note"];
  const body = rows.map((r) => {
    const ratios = Object.entries(r.ratios)
      .map(([ref, v]) => `${ref} ${v === null ? "—" : v.toFixed(2)}`)
      .join(", ");
    const notes: string[] = [];
    if (r.status !== "ok") notes.push(r.status === "not installed" ? "not installed" : `${r.status}: ${oneLine(r.error ?? "")}`);
    if (r.jitS !== null && r.jitS > 0) notes.push(`incl. ${r.jitS.toFixed(1)} s numba JIT`);
    if (r.fitAllS.length > 1) notes.push(`runs ${r.fitAllS.map((x) => x.toFixed(1)).join("/")} s`);
    return [
      r.method,
      r.impl,
      r.dataset,
      String(r.n),
      String(r.dims),
      r.inputMB.toFixed(1),
      fmt(r.fitS, 2),
      String(r.runs),
      fmt(r.rssMB, 0),
      fmt(r.trust, 4),
      fmt(r.agreement, 4),
      ratios,
      notes.join("; "),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const numeric = new Set([3, 4, 5, 6, 7, 8, 9, 10]);
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

export function formatTargets(checks: TargetCheck[]): string {
  return checks.map((c) => `${c.status === "met" ? "met    " : c.status === "NOT met" ? "NOT met" : "n/a    "}  ${c.method} ${c.dataset} ${c.kind}: ${c.detail}`).join("\n");
}

function oneLine(text: string): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length > 120 ? `${t.slice(0, 117)}…` : t;
}
