import { availableParallelism } from "node:os";
import path from "node:path";

import { defineConfig } from "vitest/config";

const alias = {
  "~": path.resolve(import.meta.dirname, "src"),
  "server-only": path.resolve(import.meta.dirname, "tests/helpers/empty-module.ts"),
};

export default defineConfig({
  resolve: { alias },
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Vitest's default (cores − 1) runs one file at a time on 2 cores, where most suites wait on PostgreSQL
    // or timers: two at a time took the whole run from ~550 s to ~400 s there, with every suite green.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // The app-wide database (used by code paths without an injected one, e.g. rate limits) is a throwaway.
    env: { NODE_ENV: "test", SKIP_ENV_VALIDATION: "", PGLITE_DATA_DIR: "memory://", TALLY_LOG: "silent" },
    projects: [
      {
        resolve: { alias },
        test: {
          name: "server",
          environment: "node",
          // Inline projects do not inherit the root test options; the root timeouts are meant for these suites.
          testTimeout: 60_000,
          hookTimeout: 120_000,
          include: ["tests/**/*.test.ts", "tools/**/*.test.ts"],
          setupFiles: ["tests/helpers/setup-server.ts"],
          // next-auth imports "next/server" without an extension; inlining lets Vite resolve it.
          server: { deps: { inline: ["next-auth"] } },
        },
      },
      {
        resolve: { alias },
        esbuild: { jsx: "automatic" },
        test: {
          name: "ui",
          environment: "jsdom",
          include: ["tests/**/*.test.tsx"],
          setupFiles: ["tests/helpers/setup-ui.ts"],
        },
      },
    ],
  },
});
