import { existsSync } from "node:fs";
import path from "node:path";

/** dist/reduce-worker.js next to the bundle that is running, or in the repository's dist/. */
export function defaultWorkerScript(): string {
  const candidates = [path.join(__dirname, "reduce-worker.js")];
  for (let dir = __dirname, i = 0; i < 6; i++, dir = path.dirname(dir)) candidates.push(path.join(dir, "dist", "reduce-worker.js"));
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error("reduce-worker.js not found: run `npm run build` first");
  return found;
}
