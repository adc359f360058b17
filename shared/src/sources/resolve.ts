/**
 * From what the user typed to a source: `demo`, a Qdrant URL (with --collection), or a file path.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { InputError } from "../errors";
import type { SourceSpec } from "../types";
import { openDemoSource } from "./demo";
import { openFileSource, SUPPORTED_FILE_FORMATS } from "./files";
import { QdrantSource } from "./qdrant";
import type { VectorSource } from "./source";

export interface SourceArgumentOptions {
  collection?: string;
  vector?: string;
  vectorColumn?: string;
  idColumn?: string;
  payloadPath?: string;
}

export function parseSourceArgument(arg: string | undefined, options: SourceArgumentOptions = {}): SourceSpec {
  const text = arg?.trim() ?? "";
  if (text === "") {
    throw new InputError(`no source given: pass \`demo\`, a Qdrant URL with --collection NAME, or a file (${SUPPORTED_FILE_FORMATS}).`, "source");
  }
  if (text === "demo") return { kind: "demo" };
  if (/^https?:\/\//i.test(text)) {
    if (!options.collection) {
      throw new InputError(`a Qdrant source needs a collection: pass --collection NAME (e.g. embedscope project ${redactUrl(text)} --collection docs).`, "collection");
    }
    const spec: SourceSpec = { kind: "qdrant", url: text, collection: options.collection };
    if (options.vector !== undefined) spec.vector = options.vector;
    return spec;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    throw new InputError(`'${redactUrl(text)}' is not a supported source: use http(s):// for Qdrant, \`demo\`, or a local file path.`, "source");
  }
  const full = path.resolve(text);
  if (!existsSync(full)) {
    throw new InputError(`${full} does not exist. Pass \`demo\`, a Qdrant URL, or the path of an existing file (${SUPPORTED_FILE_FORMATS}).`, "source");
  }
  const spec: SourceSpec = { kind: "file", path: full };
  if (options.vectorColumn !== undefined) spec.vectorColumn = options.vectorColumn;
  if (options.idColumn !== undefined) spec.idColumn = options.idColumn;
  if (options.payloadPath !== undefined) spec.payloadPath = path.resolve(options.payloadPath);
  return spec;
}

export function openSource(spec: SourceSpec): VectorSource {
  switch (spec.kind) {
    case "demo":
      return openDemoSource();
    case "file":
      return openFileSource(spec);
    case "qdrant":
      return new QdrantSource(spec);
    default:
      throw new InputError(`unknown source kind '${(spec as { kind?: unknown }).kind as string}'; use demo, file or qdrant.`, "source");
  }
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//***@").replace(/\?.*$/, "");
}
