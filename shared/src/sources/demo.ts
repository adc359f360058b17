/**
 * The bundled demo: 778 real SAP Fiori documentation chunks embedded with all-MiniLM-L6-v2 (384-d),
 * shipped by @sap-ux/fiori-docs-embeddings in the flat-bin layout. Records are mapped to payload
 * fields the colour-by rules understand (document_id, source_path, chunk_index, updated_at…).
 */
import { createRequire } from "node:module";
import path from "node:path";
import { InputError } from "../errors";
import type { Payload } from "../types";
import { FlatBinSource, type RecordMapper } from "./flatbin";
import { toPayload } from "./validate";

export const DEMO_PACKAGE = "@sap-ux/fiori-docs-embeddings";

/** The package is ESM (it uses import.meta), so it is located, never imported. */
export function demoDataDir(): string {
  let manifest: string;
  try {
    manifest = createRequire(__filename).resolve(`${DEMO_PACKAGE}/package.json`);
  } catch {
    throw new InputError(`the demo data package ${DEMO_PACKAGE} is not installed; reinstall Embedscope (npm install) or use a file or Qdrant source.`, "source");
  }
  return path.join(path.dirname(manifest), "data", "embeddings");
}

export function openDemoSource(): FlatBinSource {
  return new FlatBinSource(demoDataDir(), { kind: "demo", uri: "demo", collection: "fiori-docs", distance: "cosine", mapRecords: mapDemoRecords });
}

/**
 * The package's own chunk_index is always 0 and its document_id is unique per chunk, so the
 * documentation file (`path`) is the document and chunk_index is the chunk's ordinal within it.
 */
export const mapDemoRecords: RecordMapper = (records) => {
  const ids: string[] = [];
  const payloads: Payload[] = [];
  const chunksSeen = new Map<string, number>();
  records.forEach((raw, row) => {
    const r = toPayload(raw);
    const file = typeof r.path === "string" ? r.path : null;
    const ordinal = file === null ? 0 : (chunksSeen.get(file) ?? 0);
    if (file !== null) chunksSeen.set(file, ordinal + 1);
    ids.push(typeof r.id === "string" || typeof r.id === "number" ? String(r.id) : String(row));
    payloads.push({
      text: r.content,
      title: r.title,
      category: r.category,
      document_id: file,
      source_path: file,
      chunk_index: ordinal,
      section_id: r.document_id,
      tags: parseJsonList(r.tags_json),
      updated_at: r.lastModified,
      word_count: r.wordCount,
    });
  });
  return { ids, payloads };
};

function parseJsonList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value !== "string") return [];
  try {
    const parsed = JSON.parse(value) as unknown;
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}
