import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Suites start real servers on random ports; files run in parallel, tests within a file in order.
    pool: "forks",
    // The suites that spawn `conflux` run it compiled, as users do; it is built once per run.
    globalSetup: ["packages/server/test/build-cli.ts"],
    // The studio's own code runs in a DOM (happy-dom); everything else, its browser test included, in Node.
    projects: [
      {
        extends: true,
        test: {
          name: "node",
          include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts"],
          exclude: ["packages/studio/src/**", "**/node_modules/**"],
          environment: "node",
        },
      },
      {
        extends: true,
        plugins: [react()],
        test: {
          name: "studio",
          include: ["packages/studio/src/**/*.test.{ts,tsx}"],
          environment: "happy-dom",
          setupFiles: ["packages/studio/vitest.setup.ts"],
        },
      },
    ],
  },
});
