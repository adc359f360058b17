import { readFileSync } from "node:fs";
import path from "node:path";

/** The demo's raw records, read independently of the engine to check what it shows. */
export function demoRecords(): { id: string; content: string; path: string }[] {
  const pkg = require.resolve("@sap-ux/fiori-docs-embeddings/package.json");
  const file = path.join(path.dirname(pkg), "data", "embeddings", "records.jsonl");
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
}
