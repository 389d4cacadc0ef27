import { defineConfig, devices } from "@playwright/test";

import { appUrl, lowBonusUrl } from "./e2e/stack/config.mjs";

const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ci = Boolean(process.env.CI);

export default defineConfig({
  testDir: "./e2e",
  testMatch: /.*\.spec\.ts$/,
  outputDir: "e2e/.artifacts/test-results",
  // Journeys are independent (each signs up its own accounts), so spec files can share the stack.
  fullyParallel: false,
  workers: Number(process.env.E2E_WORKERS ?? 2),
  retries: ci ? 1 : 0,
  forbidOnly: ci,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [
    ["list"],
    ["json", { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? "e2e/.artifacts/results.json" }],
  ],
  use: {
    baseURL: appUrl,
    viewport: { width: 1280, height: 800 },
    locale: "en-US",
    timezoneId: "UTC",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        "--disable-quic",
      ],
    },
  },
  projects: [
    {
      name: "chromium",
      use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 800 }, channel: undefined },
    },
  ],
  webServer: [
    {
      command: "node e2e/stack/serve.mjs",
      url: `${appUrl}/api/health`,
      // Includes `next build` when no current build exists.
      timeout: 600_000,
      reuseExistingServer: false,
      stdout: "pipe",
      stderr: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
    },
    {
      // Started by the same launcher; this entry only waits until the second instance answers too.
      command: 'node -e "setInterval(() => {}, 1 << 30)"',
      url: `${lowBonusUrl}/api/health`,
      timeout: 600_000,
      reuseExistingServer: true,
    },
  ],
});
