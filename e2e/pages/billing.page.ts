import { expect, type Page } from "@playwright/test";

export type PackId = "starter" | "pro" | "enterprise";

export class BillingPage {
  constructor(readonly page: Page) {}

  async goto(): Promise<void> {
    await this.page.goto("/billing");
    await expect(this.page.getByTestId("pack-starter")).toBeVisible({ timeout: 20_000 });
  }

  pack(id: PackId) {
    return this.page.getByTestId(`pack-${id}`);
  }

  /** Clicks Purchase and waits until the browser has left for Checkout. */
  async purchase(id: PackId): Promise<void> {
    const origin = new URL(this.page.url()).origin;
    await this.page.getByTestId(`purchase-${id}`).click();
    await this.page.waitForURL((url) => url.origin !== origin, { timeout: 30_000 });
  }

  async expectSuccess(): Promise<void> {
    await expect(this.page.getByTestId("billing-success")).toBeVisible({ timeout: 30_000 });
  }

  async expectCanceled(): Promise<void> {
    await expect(this.page.getByTestId("billing-canceled")).toBeVisible({ timeout: 20_000 });
  }

  async expectError(): Promise<void> {
    await expect(this.page.getByTestId("billing-error")).toBeVisible({ timeout: 20_000 });
  }

  purchaseRows() {
    return this.page.getByTestId("purchase-row");
  }

  ledgerRows() {
    return this.page.getByTestId("ledger-row");
  }

  async expectPurchaseStatus(index: number, status: string): Promise<void> {
    await expect(this.purchaseRows().nth(index)).toHaveAttribute("data-status", status, { timeout: 30_000 });
  }

  chart() {
    return this.page.getByTestId("spent-chart");
  }
}
