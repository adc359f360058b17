/**
 * Which of a Qdrant collection's vectors to project: the unnamed one, the requested named one, or
 * the first dense named one. Sparse vectors and multi-vectors cannot be projected point-by-point
 * and are skipped with a note.
 */
import type { Schemas } from "@qdrant/js-client-rest";
import { InputError } from "../errors";
import type { Metric } from "../types";

export interface VectorChoice {
  /** Null for the collection's single unnamed vector. */
  name: string | null;
  dims: number;
  distance: Metric;
  notes: string[];
}

const DISTANCES: Record<Schemas["Distance"], Metric> = {
  Cosine: "cosine",
  Euclid: "euclidean",
  Dot: "dot",
  Manhattan: "manhattan",
};

function isSingleVector(config: Schemas["VectorsConfig"] | undefined): config is Schemas["VectorParams"] {
  return typeof config === "object" && config !== null && typeof (config as Partial<Schemas["VectorParams"]>).size === "number";
}

function hasMultivector(params: Schemas["VectorParams"]): boolean {
  return params.multivector_config !== undefined && params.multivector_config !== null;
}

export function chooseVector(params: Schemas["CollectionParams"], requested: string | undefined, collection: string): VectorChoice {
  const sparse = Object.keys(params.sparse_vectors ?? {});
  const notes = sparse.map((name) => `sparse vector '${name}' skipped (only dense vectors can be projected)`);
  const config = params.vectors;

  if (isSingleVector(config)) {
    if (requested !== undefined && requested !== "") {
      if (sparse.includes(requested)) throw sparseError(requested, collection, ["(the unnamed dense vector: omit --vector)"]);
      throw new InputError(`collection '${collection}' has one unnamed vector, not '${requested}'. Omit --vector.`, "vector");
    }
    if (hasMultivector(config)) throw new InputError(`collection '${collection}' stores multi-vectors (several vectors per point); Embedscope projects one vector per point.`, "vector");
    return { name: null, dims: config.size, distance: DISTANCES[config.distance], notes };
  }

  const named = Object.entries((config ?? {}) as Record<string, Schemas["VectorParams"] | undefined>).filter(
    (entry): entry is [string, Schemas["VectorParams"]] => entry[1] !== undefined,
  );
  const dense = named.filter(([, p]) => !hasMultivector(p));
  for (const [name] of named.filter(([, p]) => hasMultivector(p))) notes.push(`multi-vector '${name}' skipped (one vector per point is needed)`);
  const denseNames = dense.map(([n]) => n);

  if (requested !== undefined) {
    const found = dense.find(([n]) => n === requested);
    if (found) return { name: requested, dims: found[1].size, distance: DISTANCES[found[1].distance], notes };
    if (sparse.includes(requested)) throw sparseError(requested, collection, denseNames);
    const multi = named.find(([n]) => n === requested);
    if (multi) throw new InputError(`vector '${requested}' of collection '${collection}' is a multi-vector; choose one of: ${denseNames.join(", ") || "(none)"}.`, "vector");
    throw new InputError(
      `collection '${collection}' has no vector named '${requested}'. Its dense vectors: ${denseNames.join(", ") || "(none)"}${sparse.length ? `; sparse (not usable): ${sparse.join(", ")}` : ""}. Pass --vector NAME.`,
      "vector",
    );
  }
  if (dense.length === 0) {
    throw new InputError(`collection '${collection}' has no dense vectors to project${sparse.length ? ` (only sparse: ${sparse.join(", ")})` : ""}.`, "vector");
  }
  const [name, chosen] = dense[0];
  if (dense.length > 1) notes.push(`using named vector '${name}'; also available: ${denseNames.slice(1).join(", ")} (pass --vector NAME)`);
  return { name, dims: chosen.size, distance: DISTANCES[chosen.distance], notes };
}

function sparseError(name: string, collection: string, denseNames: string[]): InputError {
  return new InputError(`vector '${name}' of collection '${collection}' is sparse and cannot be projected; choose a dense one: ${denseNames.join(", ") || "(none)"}.`, "vector");
}

/**
 * The dense vector of a point as returned with `with_vector`, or null when the point lacks it.
 * Unnamed: a number list. Named: an object keyed by vector name.
 */
export function denseVectorOf(vector: Schemas["Record"]["vector"], name: string | null): number[] | null {
  const value: unknown = name === null ? vector : vector && typeof vector === "object" && !Array.isArray(vector) ? (vector as Record<string, unknown>)[name] : undefined;
  if (!Array.isArray(value) || value.length === 0 || typeof value[0] !== "number") return null;
  return value as number[];
}
