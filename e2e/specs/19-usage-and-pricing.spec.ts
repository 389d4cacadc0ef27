import { readFile } from "node:fs/promises";

import { expect, test, type Page } from "@playwright/test";

import { ChatPage } from "../pages/chat.page";
import { Header } from "../pages/header.page";
import { signUpNewUser } from "../support/accounts";
import { ledgerRows } from "../support/billing";
import { parseCsv } from "../support/csv";
import { LOCALES, message } from "../support/messages";
import { screenshot } from "../support/screenshots";
import { appUrl } from "../stack/config.mjs";

/** A message key printed instead of its text (next-intl's fallback) looks like "usage.title". */
const RAW_KEY = /\b(common|header|home|auth|chat|paywall|billing|notFound|usage|pricing)\.[a-z][A-Za-z_.]+\b/;

async function expectNoRawKeys(page: Page) {
  expect(await page.locator("body").innerText()).not.toMatch(RAW_KEY);
}

const CSV_HEADER = "id,created_at,reason,amount,balance_after,ref_type,ref_id,conversation_id,model,note";

test.describe("journey 19: usage you can audit, prices you can see", () => {
  test("/pricing, signed out: each pack with its price per 1,000 credits and its saving", async ({ page }) => {
    await page.goto("/");
    await page.getByTestId("home-pricing").click();
    await expect(page).toHaveURL(/\/pricing$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Pricing");
    // The header offers it to signed-out visitors too.
    await expect(page.getByTestId("nav-pricing")).toHaveAttribute("aria-current", "page");

    const expected = {
      starter: { price: "$5.00", per1000: "$0.10 per 1,000 credits", savings: "Base price" },
      pro: { price: "$15.00", per1000: "$0.075 per 1,000 credits", savings: "Save 25%" },
      enterprise: { price: "$50.00", per1000: "$0.05 per 1,000 credits", savings: "Save 50%" },
    };
    for (const [pack, want] of Object.entries(expected)) {
      await expect(page.getByTestId(`pricing-price-${pack}`)).toHaveText(want.price);
      await expect(page.getByTestId(`pricing-per1000-${pack}`)).toHaveText(want.per1000);
      await expect(page.getByTestId(`pricing-savings-${pack}`)).toHaveText(want.savings);
    }
    await expect(page.getByText(message("en", "pricing.chargeSettle"))).toBeVisible();
    await expect(page.getByTestId("pricing-cta")).toHaveAttribute("href", "/auth?mode=signup");
    await expectNoRawKeys(page);
    await screenshot(page, "pricing");
  });

  test("/billing/usage after a chat: the spend by day, model and conversation, and the CSV download", async ({
    page,
    browser,
  }) => {
    await signUpNewUser(page, { prefix: "usage", callbackUrl: "/chat" });
    const chat = new ChatPage(page);
    await chat.goto();
    await chat.send("What does this cost?");
    await expect(chat.messages("assistant").last()).toHaveAttribute("data-status", "complete", { timeout: 30_000 });
    await expect(page).toHaveURL(/\/chat\/[^/]+$/);
    const conversationPath = new URL(page.url()).pathname;
    const header = new Header(page);
    await expect.poll(() => header.balanceValue(), { timeout: 20_000 }).toBeLessThan(10_000);
    const balance = await header.balanceValue();

    await page.getByTestId("nav-billing").click();
    const [spend] = await ledgerRows(page);
    expect(spend?.reason).toBe("chat_usage");
    const spent = -spend!.amount;
    expect(10_000 - spent).toBe(balance);

    await page.getByTestId("billing-usage-link").click();
    await expect(page).toHaveURL(/\/billing\/usage$/);
    await expect(page.getByTestId("usage-preset-30")).toHaveAttribute("aria-current", "page");
    await expect(page.getByTestId("usage-total")).toHaveAttribute("data-total", String(spent));
    const models = page.getByTestId("usage-by-model").locator("li");
    await expect(models).toHaveCount(1);
    await expect(models.first()).toHaveAttribute("data-spent", String(spent));
    const conversation = page.getByTestId("usage-by-conversation").locator("li");
    await expect(conversation).toHaveCount(1);
    await expect(conversation.first()).toHaveAttribute("data-spent", String(spent));
    await expect(conversation.first().getByRole("link")).toHaveAttribute("href", conversationPath);
    await expect(page.getByTestId("usage-chart").locator(".recharts-bar-rectangle").first()).toBeVisible();
    await screenshot(page, "usage");

    // The range lives in the URL: a preset, a bookmarkable custom range, and a refused one.
    await page.getByTestId("usage-preset-7").click();
    await expect(page).toHaveURL(/\/billing\/usage\?days=7$/);
    await expect(page.getByTestId("usage-total")).toHaveAttribute("data-total", String(spent));
    await page.goto("/billing/usage?from=2020-01-01&to=2020-01-31");
    await expect(page.getByTestId("usage-total")).toHaveAttribute("data-total", "0");
    await expect(page.getByTestId("usage-empty")).toHaveText(message("en", "usage.empty"));
    await expect(page.getByTestId("usage-from")).toHaveValue("2020-01-01");
    await page.getByTestId("usage-from").fill("2020-03-01");
    await page.getByTestId("usage-apply").click();
    await expect(page.getByTestId("usage-range-error")).toHaveText(message("en", "usage.errorFromAfterTo"));
    await expect(page).toHaveURL(/from=2020-01-01&to=2020-01-31$/);
    await page.goto("/billing/usage?from=2020-01-01&to=2026-01-01");
    await expect(page.getByTestId("usage-range-error")).toHaveText("Choose a range of at most 366 days.");
    await expect(page.getByTestId("usage-total")).toHaveCount(0);

    // The full ledger as CSV: every row, amounts summing to the balance.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("usage-download").click()]);
    expect(download.suggestedFilename()).toMatch(/^tally-ledger-\d{4}-\d{2}-\d{2}\.csv$/);
    const bytes = await readFile(await download.path());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString("utf8");
    expect(text.startsWith(`${CSV_HEADER}\r\n`)).toBe(true);
    const [, ...rows] = parseCsv(text);
    expect(rows.map((r) => r[2])).toEqual(["chat_usage", "signup_bonus"]);
    expect(rows.reduce((sum, r) => sum + Number(r[3]), 0)).toBe(balance);
    expect(rows[0]![7]).toBe(conversationPath.split("/").pop());
    expect(rows[0]![1]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

    // Without a session the download is refused.
    const fresh = await browser.newContext();
    const signedOut = await fresh.request.get(`${appUrl}/api/credits/ledger.csv`, { failOnStatusCode: false });
    expect(signedOut.status()).toBe(401);
    await fresh.close();
  });

  test("both pages in all 8 locales: translated, no raw keys", async ({ page, context }) => {
    await signUpNewUser(page, { prefix: "usage-locales", callbackUrl: "/billing/usage" });
    for (const locale of LOCALES) {
      await context.addCookies([{ name: "NEXT_LOCALE", value: locale, url: appUrl }]);
      await page.goto("/billing/usage");
      await expect(page.locator("html")).toHaveAttribute("lang", locale);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(message(locale, "usage.title"));
      await expect(page.getByTestId("usage-total")).toHaveAttribute("data-total", "0");
      await expect(page.getByTestId("usage-download")).toHaveText(message(locale, "usage.download"));
      await expectNoRawKeys(page);
      if (locale === "ja") await screenshot(page, "locale-ja-usage");

      await page.goto("/pricing");
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(message(locale, "pricing.title"));
      await expect(page.getByText(message(locale, "pricing.creditTitle"))).toBeVisible();
      await expect(page.getByTestId("pricing-savings-enterprise")).toHaveText(
        message(locale, "pricing.save", { percent: new Intl.NumberFormat(locale, { style: "percent" }).format(0.5) }),
      );
      await expectNoRawKeys(page);
    }
  });
});
