/** t-SNE's thread-team kernels (registered in kernels.ts under these names). */
import { tsneConditional, tsneSymmetrize } from "./tsneAffinities";
import { tsneConvolveColumns, tsneInverseRows, tsneSpread } from "./tsneFft";
import { tsneForces, tsneUpdate } from "./tsneGradient";
import { tsneProject } from "./tsneProject";

export const TSNE_KERNELS = { tsneProject, tsneConditional, tsneSymmetrize, tsneSpread, tsneConvolveColumns, tsneInverseRows, tsneForces, tsneUpdate };
