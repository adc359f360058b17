/**
 * Every kernel a thread team can run, by name (a worker receives a name and shared arrays, never
 * code). Each reducer registers its parallel kernels here.
 */
import { knnRerank } from "./knnHnsw";
import { partRange } from "./sharedArrays";
import { PCA_KERNELS } from "./pcaKernels";
import { qualityRows } from "./qualityKernel";
import type { Kernel } from "./team";
import { TRANSFORM_KERNELS } from "./transformKernels";
import { TSNE_KERNELS } from "./tsneKernels";
import { umapEdges } from "./umapLayout";

/** Test kernel: adds `args.add` to rows of `args.out` in this part's range (see team.test.ts). */
const teamProbe: Kernel = (args, part, parts) => {
  const out = args.out as Float64Array;
  const [start, end] = partRange(out.length, part, parts);
  for (let i = start; i < end; i++) out[i] += args.add as number;
  if (args.fail === part) throw new Error(`probe failure in part ${part}`);
};

export const KERNELS = {
  knnRerank,
  teamProbe,
  ...PCA_KERNELS,
  ...TRANSFORM_KERNELS,
  ...TSNE_KERNELS,
  umapEdges,
  qualityRows,
} satisfies Record<string, Kernel>;

export type KernelName = keyof typeof KERNELS;
