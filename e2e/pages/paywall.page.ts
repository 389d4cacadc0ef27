import { expect, type Page } from "@playwright/test";

export class Paywall {
  constructor(readonly page: Page) {}

  dialog() {
    return this.page.getByTestId("paywall");
  }

  async expectOpen(): Promise<void> {
    await expect(this.dialog()).toBeVisible({ timeout: 20_000 });
    await expect(this.dialog()).toHaveAttribute("role", "dialog");
  }

  async expectClosed(): Promise<void> {
    await expect(this.dialog()).toBeHidden();
  }

  async buy(): Promise<void> {
    await this.page.getByTestId("paywall-buy").click();
    await this.page.waitForURL(/\/billing/);
  }

  async cancel(): Promise<void> {
    await this.page.getByTestId("paywall-cancel").click();
  }
}
