/**
 * "Recompute": the request that made a stored run, rebuilt from its record (source, reducer as
 * requested, parameters, colour-by, sample and seed from `config`). The Qdrant key is not stored
 * with runs, so the caller passes the one in SecretStorage.
 */
import { InputError } from "../../shared/src/errors";
import type { RunRecord, SourceSpec, StartRunRequest } from "../../shared/src/types";

const RUN_SETTINGS = new Set(["color_by", "sample", "seed", "vector_column", "id_column", "payload_path", "vector"]);

function optionalString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

export function requestFromRun(run: RunRecord, qdrantApiKey?: string): StartRunRequest {
  const c = run.config ?? {};
  let source: SourceSpec;
  switch (run.source_kind) {
    case "demo":
      source = { kind: "demo" };
      break;
    case "file":
      source = { kind: "file", path: run.source_uri };
      if (optionalString(c.vector_column)) source.vectorColumn = optionalString(c.vector_column);
      if (optionalString(c.id_column)) source.idColumn = optionalString(c.id_column);
      if (optionalString(c.payload_path)) source.payloadPath = optionalString(c.payload_path);
      break;
    case "qdrant":
      if (!run.collection) throw new InputError(`run ${run.id} has no Qdrant collection recorded; start a new projection instead`, "run");
      source = { kind: "qdrant", url: run.source_uri, collection: run.collection };
      if (run.vector_name ?? optionalString(c.vector)) source.vector = run.vector_name ?? optionalString(c.vector);
      if (qdrantApiKey) source.apiKey = qdrantApiKey;
      break;
    default:
      throw new InputError(`run ${run.id} has an unknown source kind '${String(run.source_kind)}'`, "run");
  }
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(c)) if (!RUN_SETTINGS.has(key) && value !== undefined && value !== null) params[key] = value;
  const request: StartRunRequest = {
    source,
    reducer: run.meta.reducer_requested ?? run.reducer,
    params,
    colorBy: optionalString(c.color_by) ?? optionalString(run.meta.color_by),
  };
  if (typeof c.sample === "number") request.sample = c.sample;
  if (typeof c.seed === "number") request.seed = c.seed;
  if (run.label) request.label = run.label;
  return request;
}
