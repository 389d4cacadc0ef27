import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

/** The issue's structural defects fail at any impact (axe rates them "moderate"). */
const ALWAYS_FAIL = new Set(["heading-order", "landmark-one-main", "page-has-heading-one"]);

/**
 * Runs axe-core on the page as it is now (WCAG 2.x A/AA and axe's best practices) and fails on
 * every serious or critical violation, naming each rule and the elements it found.
 */
export async function expectNoSeriousViolations(page: Page, what: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
    .analyze();
  const failing = violations.filter((v) => v.impact === "serious" || v.impact === "critical" || ALWAYS_FAIL.has(v.id));
  const report = failing.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help} — ${v.nodes
        .map((n) => `${n.target.join(" ")} ${n.failureSummary ?? ""}`.trim())
        .slice(0, 4)
        .join(" | ")}`,
  );
  expect(report, `axe on ${what}`).toEqual([]);
}
