/** What the reducer bench runs: methods, implementations and the settings every one of them gets. */
import type { ReducerName } from "../shared/src/types";

export type Method = ReducerName;
export const METHODS: Method[] = ["umap", "tsne", "pca"];

/** Our implementation's name in tables and JSON. */
export const OURS = "embedscope";

/** The references of each method, in table order. */
export const REFS: Record<Method, string[]> = {
  umap: ["umap-learn", "uwot"],
  tsne: ["sklearn", "Rtsne"],
  pca: ["sklearn"],
};

/** Every reference name `--refs` accepts. */
export const ALL_REFS = ["umap-learn", "uwot", "sklearn", "Rtsne"];

/**
 * Our reducers' parameters; bench/ref/ref.py and ref.R pass the same to the references: euclidean,
 * UMAP n_neighbors 15 / min_dist 0.1 / default epochs, t-SNE perplexity 30, PCA 2 components.
 * t-SNE iterations are each implementation's default: ours 750 (openTSNE's 250 + 500), scikit-learn
 * and Rtsne 1,000 — the issue's rule is equal quality, which the table checks.
 */
export const BENCH_PARAMS: Record<Method, Record<string, unknown>> = {
  pca: {},
  umap: { n_neighbors: 15, min_dist: 0.1, metric: "euclidean" },
  tsne: { perplexity: 30, learning_rate: "auto", init: "pca", metric: "euclidean" },
};
