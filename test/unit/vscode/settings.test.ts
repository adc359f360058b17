import path from "node:path";
import { describe, expect, test } from "vitest";
import { readSettings } from "../../../extension/src/settings";

const env = { defaultDatabasePath: "/home/u/.local/share/embedscope/embedscope.duckdb", baseDir: "/ws", home: "/home/u" };
const reader = (values: Record<string, unknown>) => ({ get: <T>(key: string) => values[key] as T | undefined });

describe("readSettings", () => {
  test("defaults when nothing is set", () => {
    expect(readSettings(reader({}), env)).toEqual({
      settings: { qdrantUrl: undefined, databasePath: env.defaultDatabasePath, sampleLimit: 200_000, defaultReducer: "umap" },
      problems: [],
    });
  });

  test("valid values are used; the URL loses its trailing slash; paths expand ~ and resolve against the workspace", () => {
    const { settings, problems } = readSettings(reader({ qdrantUrl: " https://q.example:6333/ ", databasePath: "~/runs.duckdb", sampleLimit: 5000, defaultReducer: "TSNE" }), env);
    expect(problems).toEqual([]);
    expect(settings).toEqual({ qdrantUrl: "https://q.example:6333", databasePath: path.join("/home/u", "runs.duckdb"), sampleLimit: 5000, defaultReducer: "tsne" });
    expect(readSettings(reader({ databasePath: "data/e.duckdb" }), env).settings.databasePath).toBe(path.resolve("/ws", "data/e.duckdb"));
  });

  test("bad values fall back to defaults, each with a message saying what to fix", () => {
    const { settings, problems } = readSettings(reader({ qdrantUrl: "https://user:secret@q:6333", sampleLimit: 1, defaultReducer: "lda" }), env);
    expect(settings).toEqual({ qdrantUrl: undefined, databasePath: env.defaultDatabasePath, sampleLimit: 200_000, defaultReducer: "umap" });
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/without credentials/);
    expect(problems.join("\n")).not.toContain("secret");
    expect(problems[1]).toMatch(/sampleLimit must be a whole number between 2 and 5000000 \(got 1\)/);
    expect(problems[2]).toMatch(/defaultReducer must be one of pca, umap, tsne \(got "lda"\)/);
    expect(readSettings(reader({ qdrantUrl: "localhost:6333" }), env).problems[0]).toMatch(/http\(s\) URL/);
    expect(readSettings(reader({ sampleLimit: 2.5 }), env).problems).toHaveLength(1);
  });

  test("a relative database path with no folder open is refused", () => {
    const { settings, problems } = readSettings(reader({ databasePath: "e.duckdb" }), { defaultDatabasePath: "/d.duckdb" });
    expect(settings.databasePath).toBe("/d.duckdb");
    expect(problems[0]).toMatch(/relative and no folder is open/);
  });
});
