import { expect, type Page } from "@playwright/test";

export class Header {
  constructor(readonly page: Page) {}

  balance() {
    return this.page.getByTestId("credits-balance");
  }

  /** The balance as a number, whatever the locale's grouping separators. */
  async balanceValue(): Promise<number> {
    const raw = await this.page.getByTestId("credits-balance").getAttribute("data-balance");
    if (raw !== null) return Number(raw);
    const text = (await this.balance().innerText()).replace(/[^\d-]/g, "");
    return Number(text);
  }

  async expectBalance(n: number): Promise<void> {
    await expect.poll(() => this.balanceValue(), { timeout: 20_000 }).toBe(n);
  }
}
