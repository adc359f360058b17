/** The CLI contract, run as other tools will run it: a real process, a real DuckDB file. */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../../shared/src/cli/main";
import { Db } from "../../../shared/src/store/duckdb";
import { CLI, tempDir } from "../../helpers/tmp";

let dir: string;
let db: string;
let cleanup: () => void;

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: { ...process.env, ...env }, timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Resolves when the child's stderr prints a line matching `pattern` (non-TTY progress lines). */
function waitForLine(child: ChildProcess, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) resolve();
    });
    child.once("exit", (code) => reject(new Error(`exited (${code}) before ${pattern}: ${seen}`)));
  });
}

/** The same entry point in this process (fast), capturing output. */
async function inProcess(args: string[]) {
  let out = "";
  let err = "";
  const code = await main(args, { out: (t) => (out += t + "\n"), err: (t) => (err += t + "\n") });
  return { code, out, err };
}

beforeAll(() => {
  const t = tempDir();
  dir = t.dir;
  cleanup = t.cleanup;
  db = path.join(dir, "cli.duckdb");
});
afterAll(() => cleanup());

describe("embedscope CLI", () => {
  let runId: string;

  it("projects the demo with --json", () => {
    const r = cli(["project", "demo", "--reducer", "pca", "--color-by", "filetype", "--db", db, "--json"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out);
    expect(summary).toMatchObject({ status: "completed", reducer: "pca", point_count: 778, total_count: 778, sampled: false });
    runId = summary.id;
  });

  it("samples uniformly when --sample is below the count", () => {
    const r = cli(["project", "demo", "--reducer", "pca", "--sample", "100", "--seed", "7", "--db", db, "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ point_count: 100, total_count: 778, sampled: true });
  });

  it("lists, shows (by prefix) and exports runs", async () => {
    const list = JSON.parse(cli(["runs", "--db", db, "--json"]).out);
    expect(list.map((r: { id: string }) => r.id)).toContain(runId);
    const table = cli(["runs", "--db", db]).out;
    expect(table).toMatch(/^ID\s+STATUS\s+REDUCER/);
    const show = cli(["show", runId.slice(0, 8), "--db", db]);
    expect(show.code).toBe(0);
    expect(show.out).toContain(runId);
    expect(show.out).toMatch(/explained var/);
    expect(show.out).toMatch(/params\s+\{.*"method":"/);
    expect(show.out).not.toMatch(/components|"mean"/); // the fitted model (D numbers per axis) stays out of the summary
    // Layout quality of the run (778 demo points: small enough for PCA to score every row exactly).
    expect(show.out).toMatch(/trustworthiness\s+0\.\d{4} \(k=15, euclidean, every row\)/);
    expect(show.out).toMatch(/neighbours kept\s+\d+\.\d % \(k=15, every point, exact\)/);
    const out = path.join(dir, "points.csv");
    const exp = cli(["export", runId, "--format", "csv", "--out", out, "--db", db]);
    expect(exp.code).toBe(0);
    expect(readFileSync(out, "utf8").split("\n")[0].split(",").slice(0, 4)).toEqual(["point_id", "x", "y", "category"]);
    const reader = await Db.open(":memory:");
    try {
      const rows = await reader.all<{ n: bigint; cats: bigint }>(`SELECT count(*) AS n, count(DISTINCT category) AS cats FROM read_csv_auto('${out}')`);
      expect(rows[0]).toEqual({ n: 778n, cats: 1n });
    } finally {
      reader.close();
    }
  });

  it("exits 2 with a helpful message on bad usage and bad input", async () => {
    const cases: [string[], RegExp][] = [
      [["frobnicate"], /unknown command 'frobnicate'/],
      [["project"], /Usage: embedscope project <source>/],
      [["project", "demo", "--reducer", "umap", "--n-neighbors", "1", "--db", db], /n_neighbors must be >= 2/],
      [["project", "demo", "--bogus", "--db", db], /Unknown option '--bogus'/],
      [["project", path.join(dir, "missing.parquet"), "--db", db], /missing\.parquet/],
      [["project", "http://127.0.0.1:6333", "--db", db], /--collection/],
      [["show", "ffffffff", "--db", db], /not found/],
      [["export", runId, "--db", db], /--out/],
    ];
    for (const [args, message] of cases) {
      const r = await inProcess(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err, args.join(" ")).toMatch(message);
    }
    // And as a real process: the exit status is what scripts see.
    const spawned = cli(["project", "demo", "--reducer", "lda", "--db", db]);
    expect(spawned.code).toBe(2);
    expect(spawned.err).toMatch(/reducer 'lda' is not supported/);
  });

  it("prints help for every command", async () => {
    for (const c of ["project", "runs", "show", "delete", "export", "demo", "serve"]) {
      const r = await inProcess([c, "--help"]);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(new RegExp(`Usage: embedscope ${c}`));
    }
    expect((await inProcess(["--help"])).out).toMatch(/Commands:/);
  });

  it("never stores the Qdrant API key", () => {
    const r = cli(["project", "http://127.0.0.1:9", "--collection", "docs", "--db", db], { QDRANT_API_KEY: "sekret-key-123" });
    expect(r.code).not.toBe(0);
    expect(r.err).not.toContain("sekret-key-123");
    expect(readFileSync(db).includes("sekret-key-123")).toBe(false);
  });

  it("deletes a run", () => {
    const r = cli(["delete", runId, "--db", db, "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ deleted: runId });
    expect(cli(["show", runId, "--db", db]).code).toBe(2);
  });

  it("marks a run left running by a killed process as failed (interrupted)", async () => {
    const crashDb = path.join(dir, "crash.duckdb");
    const child = spawn(process.execPath, [CLI, "project", "demo", "--reducer", "tsne", "--iterations", "100000", "--db", crashDb], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    // Wait until the layout is under way (the run row exists), then kill without warning.
    await waitForLine(child, /: layout/);
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const list = JSON.parse(cli(["runs", "--db", crashDb, "--json"]).out);
    expect(list).toHaveLength(1);
    expect(list[0].status).toBe("failed");
    expect(list[0].error).toMatch(/interrupted/);
  });

  it("gives a clear error when another process holds the database", async () => {
    const holder = spawn(process.execPath, [CLI, "project", "demo", "--reducer", "tsne", "--iterations", "100000", "--db", db], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    try {
      await waitForLine(holder, /: layout/);
      const r = cli(["runs", "--db", db]);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/in use by another process/);
    } finally {
      holder.kill("SIGINT");
      await new Promise((r) => holder.once("exit", r));
    }
    // Ctrl-C cancelled the run and recorded it.
    const list = JSON.parse(cli(["runs", "--db", db, "--json"]).out);
    expect(list[0].status).toBe("cancelled");
  });
});

describe("demo data file sanity", () => {
  it("ships real vectors", () => {
    const pkg = require.resolve("@sap-ux/fiori-docs-embeddings/package.json");
    const bin = path.join(path.dirname(pkg), "data", "embeddings", "embeddings.bin");
    expect(existsSync(bin)).toBe(true);
    expect(readFileSync(bin).length).toBe(778 * 384 * 4);
    writeFileSync(path.join(dir, "touch"), "");
  });
});
