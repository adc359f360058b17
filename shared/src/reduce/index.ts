/** The reducers behind one interface (STYLE.md habit 3), keyed by the name a run records. */
import type { ReducerName } from "../types";
import { pca } from "./pca";
import { tsne } from "./tsne";
import type { Reducer } from "./types";
import { umap } from "./umap";

export { pca, pcaInit, principalAxes } from "./pca";
export { umap, defaultUmapEpochs } from "./umap";
export { tsne, autoLearningRate } from "./tsne";
export { knn, EXACT_KNN_MAX_N, type KnnGraph, type KnnOptions } from "./knn";
export { trustworthiness, knnAgreement } from "./quality";

// `any`: each entry takes its own params type; the lead's params.ts validates them per reducer first.
export const REDUCER_IMPLS: Record<ReducerName, Reducer<any>> = { pca, umap, tsne };
