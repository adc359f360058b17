/**
 * A host without an engine: protocol handlers over synthetic clustered points, generated with
 * typed arrays. The browser bench mounts the real viewer on it at 100k and 1M points, where a real
 * projection would take minutes; it runs in the page (no Node imports).
 */
import type { FieldInfo, PointDetail } from "../shared/src/protocol/messages";
import type { Handlers } from "../shared/src/protocol/rpc";
import { createRng } from "../shared/src/random";
import type { ChunkRow, LegendEntry, RunRecord } from "../shared/src/types";

export interface SyntheticOptions {
  count: number;
  clusters?: number;
  seed?: number;
}

export interface SyntheticData {
  run: RunRecord;
  x: Float32Array;
  y: Float32Array;
  cluster: Uint8Array;
}

const WORDS = ["vector", "embedding", "chunk", "table", "fiori", "annotation", "binding", "model", "router", "control", "layout", "filter", "theme", "index", "query"];

export function generateSynthetic(options: SyntheticOptions): SyntheticData {
  const n = options.count;
  const k = Math.min(255, options.clusters ?? 12);
  const rng = createRng(options.seed ?? 7);
  const cx = new Float32Array(k);
  const cy = new Float32Array(k);
  const spread = new Float32Array(k);
  for (let c = 0; c < k; c++) {
    cx[c] = rng.normal() * 6;
    cy[c] = rng.normal() * 6;
    spread[c] = 0.4 + rng.next() * 1.2;
  }
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  const cluster = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = rng.int(k);
    cluster[i] = c;
    x[i] = cx[c] + rng.normal() * spread[c];
    y[i] = cy[c] + rng.normal() * spread[c];
  }
  const now = new Date().toISOString();
  const run: RunRecord = {
    id: "5e7a11c0-0000-4000-8000-000000000001",
    label: `synthetic · ${n.toLocaleString("en-US")} points`,
    source_kind: "file",
    source_uri: "/synthetic/points.parquet",
    collection: null,
    vector_name: null,
    reducer: "umap",
    dimensionality: 2,
    status: "completed",
    config: { color_by: "cluster" },
    meta: { color_by: "cluster", shown_count: n, total_count: n, sampled: false, reducer_requested: "umap", reducer_used: "umap" },
    error: null,
    point_count: n,
    created_at: now,
    updated_at: now,
    started_at: now,
    completed_at: now,
  };
  return { run, x, y, cluster };
}

function chunk(data: SyntheticData, row: number): ChunkRow {
  const c = data.cluster[row];
  return {
    row,
    point_id: `p-${row}`,
    document_id: `docs/cluster-${c}/doc-${row % 97}.md`,
    chunk_index: row % 13,
    text_preview: `Chunk ${row} about ${WORDS[row % WORDS.length]} and ${WORDS[(row * 7) % WORDS.length]} in cluster ${c}.`,
    file_name: `doc-${row % 97}.md`,
    path: `docs/cluster-${c}/doc-${row % 97}.md`,
    mime_type: "text/markdown",
  };
}

function legendOf(codes: Uint8Array, label: (code: number) => string): LegendEntry[] {
  const counts = new Uint32Array(256);
  for (let i = 0; i < codes.length; i++) counts[codes[i]]++;
  const out: LegendEntry[] = [];
  for (let c = 0; c < 256; c++) if (counts[c] > 0) out.push({ index: c, label: label(c), count: counts[c] });
  return out.sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
}

export function syntheticHandlers(data: SyntheticData): Handlers {
  const n = data.x.length;
  const fields: FieldInfo[] = [
    { name: "document_id", distinct: Math.min(n, 97), builtin: true },
    { name: "source_dir", distinct: 12, builtin: true },
    { name: "filetype", distinct: 1, builtin: true },
    { name: "age_bucket", distinct: 1, builtin: true },
    { name: "cluster", distinct: 12, builtin: false },
  ];
  const colors = (colorBy: string) => {
    if (colorBy === "filetype") {
      const codes = new Uint8Array(n);
      return { codes, legend: legendOf(codes, () => ".md") };
    }
    if (colorBy === "document_id") {
      const codes = new Uint8Array(n);
      for (let i = 0; i < n; i++) codes[i] = i % 97;
      return { codes, legend: legendOf(codes, (c) => `doc-${c}.md`) };
    }
    return { codes: data.cluster, legend: legendOf(data.cluster, (c) => `cluster ${c}`) };
  };
  return {
    "host.info": async () => ({ host: "memory", canOpenDocument: false, canWriteFiles: false, version: "bench" }),
    "runs.list": async () => ({ runs: [data.run] }),
    "runs.get": async () => ({ run: data.run }),
    "points.get": async () => ({ count: n, x: data.x, y: data.y }),
    "color.get": async ({ colorBy }) => ({ colorBy, ...colors(colorBy) }),
    "fields.list": async () => ({ fields }),
    select: async ({ rows }) => ({ rows: Array.from(rows, (r) => chunk(data, r)), missing: [], degraded: false }),
    "point.get": async ({ row }) => {
      const c = chunk(data, row);
      const point: PointDetail = { ...c, source_path: c.path, text: c.text_preview, payload_json: JSON.stringify({ cluster: data.cluster[row] }) };
      return { point };
    },
    search: async ({ query }) => {
      const word = WORDS.findIndex((w) => w.includes(query.toLowerCase()));
      if (word < 0) return { rows: new Uint32Array(0) };
      const out: number[] = [];
      for (let i = 0; i < n && out.length < 10_000; i++) if (i % WORDS.length === word) out.push(i);
      return { rows: Uint32Array.from(out) };
    },
  };
}
