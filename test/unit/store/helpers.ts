/** Shared set-up for the store tests: real DuckDB files in a fresh temp folder. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach } from "vitest";
import type { Payload } from "../../../shared/src/types";
import { Store, type CompletedRunData, type NewRun } from "../../../shared/src/store/store";

const dirs: string[] = [];
const stores: Store[] = [];

let shared: { store: Promise<Store>; dir: string } | null = null;

afterEach(() => {
  while (stores.length) stores.pop()?.close();
  while (dirs.length) fs.rmSync(dirs.pop() as string, { recursive: true, force: true });
});

afterAll(async () => {
  if (!shared) return;
  (await shared.store).close();
  fs.rmSync(shared.dir, { recursive: true, force: true });
  shared = null;
});

/**
 * One store file for a whole test file: opening and checkpointing a DuckDB file per test is the
 * slowest part of these tests, and runs are independent anyway.
 */
export function sharedStore(): Promise<Store> {
  if (!shared) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "embedscope-store-"));
    shared = { dir, store: Store.open(path.join(dir, "shared.duckdb")) };
  }
  return shared.store;
}

export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "embedscope-store-"));
  dirs.push(dir);
  return dir;
}

/** Opens a store on a new file (closed after the test). */
export async function openStore(file = path.join(tempDir(), "test.duckdb")): Promise<Store> {
  const store = await Store.open(file);
  stores.push(store);
  return store;
}

/** Registers a store opened elsewhere so it is closed after the test. */
export function track(store: Store): Store {
  stores.push(store);
  return store;
}

export const NEW_RUN: NewRun = { label: "demo run", source_kind: "demo", source_uri: "demo", reducer: "pca", config: { sample: 100 } };

/** N points with coords (i, -i) and the given payloads (default: a small document corpus). */
export function runData(payloads: Payload[], extra: Partial<CompletedRunData> = {}): CompletedRunData {
  const n = payloads.length;
  const coords = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    coords[2 * i] = i;
    coords[2 * i + 1] = 0 - i; // +0 for row 0
  }
  return { ids: payloads.map((_, i) => `p${i}`), payloads, coords, meta: { color_by: "document_id" }, reducer: "pca", ...extra };
}

export const DOCS: Payload[] = [
  { text: "Alpha guide introduction", document_id: "guide", source_path: "docs/guide/intro.md", chunk_index: 0, mime_type: "text/markdown", category: "howto", metadata: { lang: "en" } },
  { text: "Alpha guide setup steps", document_id: "guide", source_path: "docs/guide/intro.md", chunk_index: 1, mime_type: "text/markdown", category: "howto", metadata: { lang: "en" } },
  { text: "Beta reference", document_id: "ref", path: "/srv/api/ref.HTML", chunk_index: 0, category: "reference", metadata: { lang: "de" } },
  { text: "Gamma notes with ALPHA inside", doc_id: "notes", source_path: "notes/misc.txt", category: "", metadata: { lang: "en" } },
  { text: "No document at all", category: "howto" },
];
