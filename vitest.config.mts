import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/unit/**/*.test.ts", "test/protocol/**/*.test.ts"],
    // Real DuckDB files and worker threads: separate forks, two at a time (2 cores).
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: ["test/globalSetup.ts"],
    reporters: ["default", ["json", { outputFile: "test-results/unit.json" }]],
  },
});
