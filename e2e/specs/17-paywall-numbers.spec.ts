import { expect, test, type Page } from "@playwright/test";

import { worstCaseCredits } from "../../src/server/chat/metering";
import { buildPrompt, estimatePromptTokens } from "../../src/server/chat/prompt";
import { ChatPage } from "../pages/chat.page";
import { Header } from "../pages/header.page";
import { Paywall } from "../pages/paywall.page";
import { signUpNewUser } from "../support/accounts";
import { expectNoSeriousViolations } from "../support/axe";
import { LOCALES, formatNumber, message, type Locale } from "../support/messages";
import { seedReplyInProgress } from "../support/reply-in-progress";
import { screenshot } from "../support/screenshots";
import { E2E, lowBonusUrl } from "../stack/config.mjs";

// The low-bonus instance: a new account has 50 credits, less than one reply's worst case.
test.use({ baseURL: lowBonusUrl });

/** A message key printed instead of its text (next-intl's fallback) looks like "paywall.needed". */
const RAW_KEY = /\b(common|header|home|auth|chat|paywall|billing|notFound)\.[a-z][A-Za-z_.]+\b/;

const HELD = 30;
const SPENDABLE = E2E.lowBonusCredits - HELD;
const TEXT = "Explain, step by step, how a reply's credits are reserved and charged.";
// What the server reserves for this message in a new conversation: the same functions, the stack's prices.
const NEEDED = worstCaseCredits(estimatePromptTokens(buildPrompt([], TEXT)), {
  creditsPer1kInputTokens: Number(process.env.CREDITS_PER_1K_INPUT_TOKENS ?? 100),
  creditsPer1kOutputTokens: Number(process.env.CREDITS_PER_1K_OUTPUT_TOKENS ?? 300),
  maxOutputTokens: Number(process.env.CHAT_MAX_OUTPUT_TOKENS ?? 1024),
});
const STARTER = { credits: 50_000, usd: 5 };

async function valueOf(page: Page, testId: string): Promise<number> {
  return Number(await page.getByTestId(testId).getAttribute("data-value"));
}

async function expectPaywallIn(page: Page, locale: Locale) {
  const paywall = new Paywall(page);
  await paywall.expectOpen();
  const dialog = paywall.dialog();
  await expect(page.getByRole("dialog", { name: message(locale, "paywall.title") })).toBeVisible();
  // The exact numbers that refused the message, in this locale's digits.
  await expect(page.getByTestId("paywall-needed")).toHaveAttribute("data-value", String(NEEDED));
  await expect(page.getByTestId("paywall-available")).toHaveAttribute("data-value", String(SPENDABLE));
  await expect(page.getByTestId("paywall-held")).toHaveAttribute("data-value", String(HELD));
  await expect(page.getByTestId("paywall-needed")).toContainText(formatNumber(locale, NEEDED));
  await expect(page.getByTestId("paywall-available")).toContainText(formatNumber(locale, SPENDABLE));
  await expect(page.getByTestId("paywall-held")).toContainText(formatNumber(locale, HELD));
  for (const key of ["explain", "needed", "available", "held", "heldNote"]) {
    await expect(dialog, `${locale} paywall.${key}`).toContainText(message(locale, `paywall.${key}`));
  }
  // The pack that covers what is missing, with its price.
  const pack = page.getByTestId("paywall-pack");
  await expect(pack).toHaveAttribute("data-pack", "starter");
  await expect(pack).toHaveAttribute("data-covers", "true");
  await expect(pack).toContainText(message(locale, "billing.packs.starter"));
  await expect(pack).toContainText(formatNumber(locale, STARTER.credits));
  await expect(pack).toContainText(
    new Intl.NumberFormat(locale, { style: "currency", currency: "USD" }).format(STARTER.usd),
  );
  // The header never contradicts it: its number is the paywall's "available", the held part beside it.
  const header = new Header(page);
  await header.expectBalance(await valueOf(page, "paywall-available"));
  await expect(page.getByTestId("credits-held")).toHaveAttribute("data-held", String(HELD));
  await expect(page.getByTestId("credits-held")).toContainText(formatNumber(locale, HELD));
  const text = await dialog.innerText();
  expect(text, `${locale}: raw message key in the paywall`).not.toMatch(RAW_KEY);
  expect(text, `${locale}: unformatted ICU argument in the paywall`).not.toMatch(/[{}]/);
  expect(await page.getByTestId("credits-held").innerText()).not.toMatch(/[{}]|header\./);
  if (locale !== "en") expect(text).not.toContain(message("en", "paywall.needed"));
}

test.describe("journey 17: the paywall tells the truth, and the header agrees", () => {
  test("a reply in progress holds credits: header shows spendable + held; the paywall shows needed, available, held and the covering pack in all 8 locales; Buy preselects it", async ({
    page,
    context,
  }) => {
    test.setTimeout(240_000);
    const account = await signUpNewUser(page, { prefix: "paywall-numbers", callbackUrl: "/chat" });
    const header = new Header(page);
    await header.expectBalance(E2E.lowBonusCredits);
    await expect(page.getByTestId("credits-held")).toHaveCount(0);

    const seeded = await seedReplyInProgress(account.email, HELD);
    await page.goto("/chat");
    // /chat opens the newest conversation: the one whose reply is still being written.
    await expect(page).toHaveURL((url) => url.pathname === `/chat/${seeded.conversationId}`);
    await header.expectBalance(SPENDABLE);
    const held = page.getByTestId("credits-held");
    await expect(held).toHaveText(`${HELD} held`);
    await held.click();
    await expect(page.getByTestId("credits-held-explain")).toBeVisible();
    await expect(page.getByTestId("credits-held-explain")).toContainText(
      `${HELD} credits are held by replies in progress`,
    );
    await expect(page.getByTestId("credits-held-explain")).toContainText(`${E2E.lowBonusCredits} credits.`);
    await expectNoSeriousViolations(page, "header with held credits, explanation open");
    await page.keyboard.press("Escape");
    await expect(page.getByTestId("credits-held-explain")).toBeHidden();

    // A new conversation, so the message's cost is the one computed above (no history in its prompt).
    const chat = new ChatPage(page);
    await chat.newConversation();
    await expect(page).toHaveURL(
      (url) => /^\/chat\/[^/]+$/.test(url.pathname) && url.pathname !== `/chat/${seeded.conversationId}`,
    );
    await expect(chat.messages()).toHaveCount(0);
    await chat.send(TEXT);
    await expectPaywallIn(page, "en");
    expect(NEEDED).toBeGreaterThan(SPENDABLE);
    await expect(new Paywall(page).dialog()).toContainText(
      `The Starter pack covers it: ${formatNumber("en", STARTER.credits)} credits for $5.00.`,
    );
    await screenshot(page, "paywall-numbers");
    await expectNoSeriousViolations(page, "paywall with numbers, held and the covering pack");
    await new Paywall(page).cancel();
    await new Paywall(page).expectClosed();
    const conversationUrl = page.url();

    // The same refusal in every locale: the unsent message waits in the composer and is sent again.
    for (const locale of LOCALES.filter((l) => l !== "en")) {
      await context.addCookies([{ name: "NEXT_LOCALE", value: locale, url: lowBonusUrl }]);
      await page.goto(conversationUrl);
      await expect(page.locator("html")).toHaveAttribute("lang", locale);
      await chat.resend();
      await expectPaywallIn(page, locale);
      await screenshot(page, `paywall-numbers-${locale}`);
      await new Paywall(page).cancel();
      await new Paywall(page).expectClosed();
    }

    // Buy goes to Billing with the covering pack picked out and its Purchase button ready.
    await context.addCookies([{ name: "NEXT_LOCALE", value: "en", url: lowBonusUrl }]);
    await page.goto(conversationUrl);
    await chat.resend();
    await new Paywall(page).expectOpen();
    await new Paywall(page).buy();
    await expect(page).toHaveURL((url) => url.pathname === "/billing" && url.searchParams.get("pack") === "starter");
    await expect(page.getByTestId("pack-starter")).toHaveAttribute("data-highlighted", "true");
    await expect(page.getByTestId("pack-pro")).toHaveAttribute("data-highlighted", "false");
    await expect(page.getByTestId("pack-starter").getByTestId("pack-suggested")).toHaveText(
      message("en", "billing.packSuggested"),
    );
    await expect(page.getByTestId("purchase-starter")).toBeFocused();
    await expectNoSeriousViolations(page, "billing with the suggested pack");
    // Nothing was charged or written by the refusals: the account still has what it had.
    await header.expectBalance(SPENDABLE);
  });
});

test.describe("journey 17 on a phone: the held line fits beside the balance", () => {
  test.use({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });

  test("ja at 360 px: the spendable number, its unit and the held line are whole; the explanation stays on screen", async ({
    page,
    context,
  }) => {
    await context.addCookies([{ name: "NEXT_LOCALE", value: "ja", url: lowBonusUrl }]);
    const account = await signUpNewUser(page, { prefix: "paywall-numbers-phone", callbackUrl: "/billing" });
    await seedReplyInProgress(account.email, HELD);
    await page.goto("/billing");
    const header = new Header(page);
    await header.expectBalance(SPENDABLE);
    await expect(header.balance()).toContainText(
      `${formatNumber("ja", SPENDABLE)} ${message("ja", "common.creditsLabel")}`,
    );
    const held = page.getByTestId("credits-held");
    await expect(held).toContainText(formatNumber("ja", HELD));
    const fit = await header.balance().evaluate((el) => {
      const box = el.parentElement!;
      const line = box.querySelector<HTMLElement>('[data-testid="credits-held"]')!;
      const rect = box.getBoundingClientRect();
      return {
        textFits: el.scrollWidth <= box.clientWidth && line.scrollWidth <= box.clientWidth,
        boxFits: box.scrollWidth <= box.clientWidth && box.scrollHeight <= box.clientHeight,
        left: rect.left,
        right: rect.right,
      };
    });
    expect(fit).toMatchObject({ textFits: true, boxFits: true });
    expect(fit.left).toBeGreaterThanOrEqual(0);
    expect(fit.right).toBeLessThanOrEqual(360);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

    await held.tap();
    const explain = page.getByTestId("credits-held-explain");
    await expect(explain).toBeVisible();
    await expect(explain).toContainText(formatNumber("ja", HELD));
    const box = (await explain.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(360);
    expect(await explain.innerText()).not.toMatch(/[{}]|header\./);
    await screenshot(page, "header-held-phone-ja");
  });
});
