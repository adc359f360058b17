/**
 * Builds the bundles (CLI + viewer) and seeds one demo database (PCA, UMAP, t-SNE over the 778
 * demo chunks) that every test file copies, so the slow projections run once.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    demoDb: string;
  }
}

const root = path.resolve(__dirname, "..", "..");

export default function setup(project: TestProject): () => void {
  if (!(process.env.EMBEDSCOPE_SKIP_BUILD === "1" && existsSync(path.join(root, "dist", "viewer.js")))) {
    execFileSync(process.execPath, [path.join(root, "esbuild.config.mjs")], { cwd: root, stdio: "inherit" });
  }
  const dir = mkdtempSync(path.join(tmpdir(), "es-e2e-seed-"));
  const db = path.join(dir, "demo.duckdb");
  execFileSync(process.execPath, [path.join(root, "shared", "bin", "embedscope.cjs"), "demo", "--db", db, "--json"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  project.provide("demoDb", db);
  return () => rmSync(dir, { recursive: true, force: true });
}
