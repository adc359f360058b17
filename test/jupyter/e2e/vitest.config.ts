import path from "node:path";
import { defineConfig } from "vitest/config";

/**
 * End-to-end tests of Embedscope in JupyterLab 4.6: Debian's jupyter_server serving the test
 * frontend with the prebuilt extension, driven by headless Chromium. `npm run test:jupyter`.
 */
export default defineConfig({
  root: path.resolve(__dirname, "..", "..", ".."),
  test: {
    include: ["test/jupyter/e2e/**/*.test.ts"],
    pool: "forks",
    // One server, one kernel and one Chromium at a time: the machine has 2 cores.
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 600_000,
    globalSetup: ["test/jupyter/e2e/globalSetup.ts"],
    reporters: ["default", ["json", { outputFile: "test-results/jupyter.json" }]],
  },
});
