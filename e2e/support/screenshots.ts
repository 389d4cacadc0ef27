import { mkdirSync } from "node:fs";

import type { Page } from "@playwright/test";

import { E2E } from "../stack/config.mjs";

/**
 * Saves a named screenshot of the viewport to e2e/.artifacts/screenshots/ on every run (git-ignored;
 * a few are copied by hand to docs/screenshots/). Animations are frozen so pictures are stable.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(E2E.screenshotDir, { recursive: true });
  await page.screenshot({ path: `${E2E.screenshotDir}/${name}.png`, animations: "disabled", caret: "hide" });
}
