import { defineConfig } from "vitest/config";

/**
 * End-to-end tests of the VS Code extension in real VS Code (code-server 4.100.3) driven by
 * Playwright + Debian's Chromium. One code-server per file, files one after another (2 cores).
 */
export default defineConfig({
  test: {
    include: ["test/vscode/**/*.test.ts"],
    pool: "forks",
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 300_000,
    globalSetup: ["test/vscode/globalSetup.ts"],
    reporters: ["default", ["json", { outputFile: "test-results/vscode.json" }]],
  },
});
