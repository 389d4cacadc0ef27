import { expect, type Page } from "@playwright/test";

import type { PackId } from "./billing.page";

/** /teams and /teams/<id>: create, invite, members and their limits, buying for the pool, usage. */
export class TeamPage {
  constructor(readonly page: Page) {}

  /** Creates a team from /teams; returns its id once its page is open. */
  async create(name: string): Promise<string> {
    await this.page.goto("/teams");
    await this.page.getByTestId("create-team-name").fill(name);
    await this.page.getByTestId("create-team-submit").click();
    await this.page.waitForURL(/\/teams\/[^/?#]+/);
    await expect(this.page.getByTestId("team-name")).toHaveText(name);
    return decodeURIComponent(new URL(this.page.url()).pathname.split("/")[2]!);
  }

  async goto(teamId: string): Promise<void> {
    await this.page.goto(`/teams/${teamId}`);
    await expect(this.page.getByTestId("team-name")).toBeVisible({ timeout: 20_000 });
  }

  /** Invites `email` as a member; returns the copyable link the page shows. */
  async invite(email: string): Promise<string> {
    await this.page.getByTestId("invite-email").fill(email);
    await this.page.getByTestId("invite-submit").click();
    await expect(this.page.getByTestId("invite-sent")).toContainText(email.toLowerCase());
    return this.page.getByTestId("invite-link").inputValue();
  }

  /** A pool number (balance, held, spendable, for-you) as digits, whatever the locale's grouping. */
  async poolValue(which: "balance" | "held" | "spendable" | "for-you"): Promise<number> {
    return Number((await this.page.getByTestId(`pool-${which}`).innerText()).replace(/\D/g, ""));
  }

  async expectPoolBalance(credits: number): Promise<void> {
    await expect.poll(() => this.poolValue("balance"), { timeout: 30_000 }).toBe(credits);
  }

  /** Clicks a pack's Purchase button in "Buy credits for the team" and waits until the browser left for Checkout. */
  async purchase(pack: PackId): Promise<void> {
    const origin = new URL(this.page.url()).origin;
    await this.page.getByTestId(`purchase-${pack}`).click();
    await this.page.waitForURL((url) => url.origin !== origin, { timeout: 30_000 });
  }

  /** A member's row, found by their email (shown as the name when they have none). */
  member(email: string) {
    return this.page.getByTestId("member-row").filter({ hasText: email });
  }

  /** Sets a member's limits (blank = none) through the row's editor. */
  async setLimits(memberEmail: string, limits: { day?: number; week?: number; month?: number }): Promise<void> {
    const row = this.member(memberEmail);
    await row.getByTestId("member-edit-limits").click();
    const editor = row.getByTestId("limits-editor");
    for (const period of ["day", "week", "month"] as const) {
      const value = limits[period];
      await editor.getByTestId(`limit-input-${period}`).fill(value === undefined ? "" : String(value));
    }
    await editor.getByTestId("limits-save").click();
    await expect(editor).toHaveCount(0);
    if (limits.day !== undefined)
      await expect(row.getByTestId("member-limit-day")).toContainText(limits.day.toLocaleString("en-US"));
  }
}
