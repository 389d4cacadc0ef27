import { readFile } from "node:fs/promises";

import { expect, test, type Page } from "@playwright/test";
import type Stripe from "stripe";

import { BillingPage } from "../pages/billing.page";
import { signUpNewUser } from "../support/accounts";
import { buyPack } from "../support/billing";
import { LOCALES, message } from "../support/messages";
import { screenshot } from "../support/screenshots";
import { stripeApi } from "../support/stripe-api";
import { appUrl } from "../stack/config.mjs";

/** A message key printed instead of its text (next-intl's fallback) looks like "billing.receipt". */
const RAW_KEY = /\b(common|header|home|auth|chat|paywall|billing|notFound)\.[a-z][A-Za-z_.]+\b/;

/** The newest purchase row once its receipt link is there (the list refetches after the payment is confirmed). */
async function paidRow(page: Page) {
  const row = new BillingPage(page).purchaseRows().first();
  await expect(row).toHaveAttribute("data-status", "paid", { timeout: 30_000 });
  await expect(row.getByTestId("purchase-receipt")).toBeVisible({ timeout: 30_000 });
  return row;
}

test.describe("journey 20: receipts and invoices of a purchase", () => {
  test("buy a pack → Receipt opens Stripe's receipt page with the amount in a new tab; Invoice (PDF) downloads the invoice; labels in all 8 locales", async ({
    page,
    context,
  }) => {
    test.slow(); // sign-up through the inbox, a checkout, two other origins, then /billing in 8 locales
    // The links live under the app's CSP (journey 9): following them must not trip it.
    const violations: string[] = [];
    page.on("console", (msg) => {
      if (/content security policy|csp-violation/i.test(msg.text())) violations.push(`${page.url()}: ${msg.text()}`);
    });
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) =>
        console.error(`csp-violation ${e.violatedDirective} ${e.blockedURI}`),
      );
    });
    await signUpNewUser(page, { prefix: "receipts", callbackUrl: "/billing" });
    const sessionId = await buyPack(page, "starter");
    await new BillingPage(page).expectSuccess();
    const stripe = stripeApi();
    const session = await stripe.checkout.sessions.retrieve(sessionId, {
      expand: ["payment_intent.latest_charge", "invoice"],
    });
    const charge = (session.payment_intent as Stripe.PaymentIntent).latest_charge as Stripe.Charge;
    const invoice = session.invoice as Stripe.Invoice;
    expect(invoice, "Checkout was asked to create an invoice").toBeTruthy();

    const row = await paidRow(page);
    await screenshot(page, "billing-receipts");
    const receipt = row.getByTestId("purchase-receipt");
    await expect(receipt).toHaveAttribute("href", charge.receipt_url!);
    await expect(receipt).toHaveAttribute("target", "_blank");
    expect((await receipt.getAttribute("rel"))?.split(" ")).toContain("noopener");

    // Receipt: Stripe's page, in a new tab that cannot reach back into the app.
    const [receiptTab] = await Promise.all([context.waitForEvent("page"), receipt.click()]);
    await receiptTab.waitForLoadState("domcontentloaded");
    expect(receiptTab.url()).toBe(charge.receipt_url);
    await expect(receiptTab.locator("body")).toContainText("$5.00");
    expect(await receiptTab.evaluate(() => window.opener)).toBeNull();
    await receiptTab.close();
    expect(new URL(page.url()).origin).toBe(new URL(appUrl).origin);

    // Invoice (PDF): a download of a PDF document carrying the invoice's number.
    const invoiceLink = row.getByTestId("purchase-invoice-pdf");
    await expect(invoiceLink).toHaveAttribute("href", invoice.invoice_pdf!);
    const [download] = await Promise.all([page.waitForEvent("download"), invoiceLink.click()]);
    expect(download.suggestedFilename()).toMatch(/\.pdf$/);
    const bytes = (await readFile(await download.path())).toString("latin1");
    expect(bytes.startsWith("%PDF-")).toBe(true);
    expect(bytes).toContain(invoice.number!);
    expect(bytes).toMatch(/startxref\n\d+\n%%EOF/);

    // The same links in every locale: that locale's words, no raw keys.
    for (const locale of LOCALES) {
      await context.addCookies([{ name: "NEXT_LOCALE", value: locale, url: appUrl }]);
      await page.goto("/billing");
      await expect(page.locator("html")).toHaveAttribute("lang", locale);
      const localized = await paidRow(page);
      await expect(localized.getByTestId("purchase-receipt"), locale).toContainText(message(locale, "billing.receipt"));
      await expect(localized.getByTestId("purchase-invoice-pdf"), locale).toHaveText(
        message(locale, "billing.invoicePdf"),
      );
      if (locale !== "en") {
        expect(await localized.innerText(), `${locale} must not show the English labels`).not.toMatch(
          /\bReceipt\b|Invoice \(PDF\)/,
        );
      }
      expect(await page.locator("body").innerText()).not.toMatch(RAW_KEY);
    }
    expect(violations).toEqual([]);
  });
});
