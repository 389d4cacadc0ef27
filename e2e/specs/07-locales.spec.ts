import { expect, test, type Locator, type Page } from "@playwright/test";

import { ChatPage } from "../pages/chat.page";
import { Paywall } from "../pages/paywall.page";
import { signUpNewUser } from "../support/accounts";
import { LOCALES, formatNumber, message, type Locale } from "../support/messages";
import { screenshot } from "../support/screenshots";
import { E2E, lowBonusUrl } from "../stack/config.mjs";

// Low-bonus instance: the same account can see the billing page and then hit the paywall.
test.use({ baseURL: lowBonusUrl });
test.describe.configure({ mode: "parallel" });

const PACK_CREDITS = { starter: 50_000, pro: 200_000, enterprise: 1_000_000 } as const;
const PACK_PRICES_USD = { starter: 5, pro: 15, enterprise: 50 } as const;

/** A message key printed instead of its text (next-intl's fallback) looks like "billing.title". */
const RAW_KEY = /\b(common|header|home|auth|chat|paywall|billing|notFound)\.[a-z][A-Za-z_.]+\b/;

/** The element shows this locale's string, and (outside English) not the English one. */
async function expectTranslated(locator: Locator, locale: Locale, key: string, values: Record<string, string> = {}) {
  const expected = message(locale, key, values);
  await expect(locator, `${locale} ${key}`).toContainText(expected);
  const english = message("en", key, values);
  if (locale !== "en" && english !== expected) {
    // As a whole word: Spanish "Cancelar" is not English "Cancel".
    const escaped = english.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    expect(await locator.innerText(), `${locale} ${key} must not show English`).not.toMatch(
      new RegExp(`(?<!\\p{L})${escaped}(?!\\p{L})`, "u"),
    );
  }
}

async function expectNoRawKeys(page: Page) {
  expect(await page.locator("body").innerText()).not.toMatch(RAW_KEY);
}

for (const locale of LOCALES) {
  test(`${locale}: billing page and paywall in ${locale}, numbers formatted for ${locale}`, async ({
    page,
    context,
  }) => {
    await context.addCookies([{ name: "NEXT_LOCALE", value: locale, url: lowBonusUrl }]);
    // The sign-up page speaks the locale too.
    await page.goto("/auth?mode=signup");
    await expectTranslated(page.getByRole("heading", { level: 1 }), locale, "auth.title");
    await expectTranslated(page.getByTestId("auth-submit"), locale, "auth.submitSignUp");
    await signUpNewUser(page, { prefix: `locale-${locale.toLowerCase()}`, callbackUrl: "/billing" });
    await expect(page.locator("html")).toHaveAttribute("lang", locale);

    // Billing page
    await expectTranslated(page.getByRole("heading", { level: 1 }), locale, "billing.title");
    await expectTranslated(
      page.getByRole("link", { name: message(locale, "header.billing") }),
      locale,
      "header.billing",
    );
    for (const pack of ["starter", "pro", "enterprise"] as const) {
      await expectTranslated(page.getByTestId(`pack-${pack}`).getByRole("heading"), locale, `billing.packs.${pack}`);
      await expectTranslated(page.getByTestId(`purchase-${pack}`), locale, "billing.purchase");
      await expectTranslated(page.getByTestId(`credits-${pack}`), locale, "billing.perPack", {
        credits: formatNumber(locale, PACK_CREDITS[pack]),
      });
      const price = new Intl.NumberFormat(locale, { style: "currency", currency: "USD" }).format(PACK_PRICES_USD[pack]);
      await expect(page.getByTestId(`price-${pack}`)).toHaveText(price);
    }
    await expectTranslated(page.getByTestId("ledger-row").first(), locale, "billing.reason.signup_bonus");
    await expect(page.getByTestId("ledger-row").first()).toContainText(formatNumber(locale, E2E.lowBonusCredits));
    await expectTranslated(page.locator("#purchases-title"), locale, "billing.purchases");
    await expectTranslated(page.locator("#ledger-title"), locale, "billing.ledger");
    await expectNoRawKeys(page);
    await screenshot(page, `locale-${locale}-billing`);

    // Paywall: the 50-credit account cannot afford a reply.
    await page.getByTestId("nav-chat").click();
    await expect(page).toHaveURL((url) => url.pathname === "/chat");
    const chat = new ChatPage(page);
    await chat.send("こんにちは / hello / 你好");
    await new Paywall(page).expectOpen();
    const paywall = new Paywall(page).dialog();
    await expect(page.getByRole("dialog", { name: message(locale, "paywall.title") })).toBeVisible();
    await expectTranslated(paywall, locale, "paywall.title");
    await expectTranslated(paywall, locale, "paywall.explain");
    await expectTranslated(page.getByTestId("paywall-buy"), locale, "paywall.buy");
    await expectTranslated(page.getByTestId("paywall-cancel"), locale, "paywall.cancel");
    await expectNoRawKeys(page);
    await screenshot(page, `locale-${locale}-paywall`);

    await new Paywall(page).cancel();
    await new Paywall(page).expectClosed();
    await expectTranslated(page.getByTestId("chat-unsent"), locale, "chat.unsentNotice");
    // The conversation the refused message opened has no title yet: it reads "New conversation" in this locale.
    await expectTranslated(chat.conversations().first(), locale, "chat.untitled");
  });
}
