/**
 * Every kernel a thread team can run, by name (a worker receives a name and shared arrays, never
 * code). Each reducer registers its parallel kernels here.
 */
import { partRange } from "./sharedArrays";
import type { Kernel } from "./team";

/** Test kernel: adds `args.add` to rows of `args.out` in this part's range (see team.test.ts). */
const teamProbe: Kernel = (args, part, parts) => {
  const out = args.out as Float64Array;
  const [start, end] = partRange(out.length, part, parts);
  for (let i = start; i < end; i++) out[i] += args.add as number;
  if (args.fail === part) throw new Error(`probe failure in part ${part}`);
};

export const KERNELS = {
  teamProbe,
} satisfies Record<string, Kernel>;

export type KernelName = keyof typeof KERNELS;
