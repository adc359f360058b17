/** Finds the built viewer bundle (dist/viewer.js) from the CLI bundle or from the sources. */
import { existsSync } from "node:fs";
import path from "node:path";

export const VIEWER_BUNDLE = "viewer.js";

export function findAssetsDir(explicit?: string): string {
  const candidates = [
    explicit,
    process.env.EMBEDSCOPE_ASSETS,
    // dist/cli.js → dist/
    typeof __dirname === "string" ? __dirname : undefined,
    // shared/src/server → dist/ (tests run from the sources)
    typeof __dirname === "string" ? path.resolve(__dirname, "..", "..", "..", "dist") : undefined,
    path.resolve(process.cwd(), "dist"),
  ].filter((c): c is string => typeof c === "string" && c.length > 0);
  for (const dir of candidates) if (existsSync(path.join(dir, VIEWER_BUNDLE))) return dir;
  throw new Error(`the viewer bundle (${VIEWER_BUNDLE}) is not built; run \`npm run build\` in the repository (looked in ${candidates.join(", ")})`);
}
