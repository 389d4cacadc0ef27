import { expect, type Page } from "@playwright/test";

import { BillingPage, type PackId } from "../pages/billing.page";
import { StripeCheckoutPage, TEST_CARDS } from "../pages/stripe-checkout.page";

import { sessionIdFromUrl } from "./stripe-api";

export interface LedgerRow {
  reason: string;
  amount: number;
}

/** Clicks a pack's Purchase button on /billing and waits for Stripe's (or the emulator's) checkout page. */
export async function startCheckout(page: Page, pack: PackId = "starter"): Promise<StripeCheckoutPage> {
  const billing = new BillingPage(page);
  if (new URL(page.url()).pathname !== "/billing") await billing.goto();
  await billing.purchase(pack);
  const checkout = new StripeCheckoutPage(page);
  await checkout.waitUntilLoaded();
  return checkout;
}

/** A whole card purchase; returns the Checkout Session id the browser came back with. */
export async function buyPack(
  page: Page,
  pack: PackId = "starter",
  card: string = TEST_CARDS.success,
): Promise<string> {
  const checkout = await startCheckout(page, pack);
  await checkout.fillCard({ number: card });
  await checkout.pay();
  await page.waitForURL((url) => url.pathname === "/billing" && url.searchParams.get("success") === "1");
  return sessionIdFromUrl(page.url());
}

/** The ledger as /billing shows it, newest first (waits until the list has loaded). */
export async function ledgerRows(page: Page): Promise<LedgerRow[]> {
  const rows = new BillingPage(page).ledgerRows();
  await expect(rows.first()).toBeVisible();
  return rows.evaluateAll((els) =>
    els.map((r) => ({ reason: r.getAttribute("data-reason") ?? "", amount: Number(r.getAttribute("data-amount")) })),
  );
}

/** Purchase statuses as /billing lists them, newest first ([] when there are none). */
export async function purchaseStatuses(page: Page): Promise<string[]> {
  // Loaded means rows or the "no purchases" line; the skeleton has neither.
  const section = page.locator('section[aria-labelledby="purchases-title"]');
  await expect(section.locator('[data-testid="purchase-row"], p')).not.toHaveCount(0);
  return new BillingPage(page).purchaseRows().evaluateAll((els) => els.map((r) => r.getAttribute("data-status") ?? ""));
}
