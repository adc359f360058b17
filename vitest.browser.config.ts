import { defineConfig } from "vitest/config";

/**
 * End-to-end tests of the browser viewer: `embedscope serve` on a temp DuckDB seeded with the demo,
 * driven by headless Chromium (playwright-core). Separate from `vitest run` (unit + protocol).
 */
export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts"],
    pool: "forks",
    // One Chromium and one server at a time: the machine has 2 cores.
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
    globalSetup: ["test/browser/globalSetup.ts"],
    // Software WebGL on two cores: redraws take a while.
    expect: { poll: { timeout: 20_000, interval: 100 } },
    // Counted by scripts/test-summary.mjs with the other suites.
    reporters: ["default", ["json", { outputFile: "test-results/browser.json" }]],
  },
});
