import { mkdirSync } from "node:fs";

import type { Page } from "@playwright/test";

import { E2E } from "../stack/config.mjs";

/** Chromium's own transient refusal (seen once in CI mid-journey); the page itself was fine. */
const CAPTURE_REFUSED = "Unable to capture screenshot";

/**
 * Saves a named screenshot of the viewport to e2e/.artifacts/screenshots/ on every run (git-ignored;
 * a few are copied by hand to docs/screenshots/). Animations are frozen so pictures are stable.
 * A capture Chromium refuses is tried once more; any other failure fails the journey.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(E2E.screenshotDir, { recursive: true });
  const take = () =>
    page.screenshot({ path: `${E2E.screenshotDir}/${name}.png`, animations: "disabled", caret: "hide" });
  try {
    await take();
  } catch (error) {
    if (!(error instanceof Error) || !error.message.includes(CAPTURE_REFUSED)) throw error;
    await page.waitForTimeout(250);
    await take();
  }
}
