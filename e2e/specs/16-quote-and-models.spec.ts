import { expect, test, type Page } from "@playwright/test";

import { ChatPage } from "../pages/chat.page";
import { signUpNewUser } from "../support/accounts";
import { formatNumber, LOCALES, message, type Locale } from "../support/messages";
import { screenshot } from "../support/screenshots";
import { appUrl } from "../stack/config.mjs";

test.describe.configure({ mode: "parallel" });

const RAW_KEY = /\b(common|header|chat|modelPrices|billing|demoModel)\.[a-z][A-Za-z_.]+\b/;

/** What the quote line opens with in this locale ("Up to", "Bis zu", "最大"…), from its message. */
function quotePrefix(locale: Locale): string {
  return message(locale, "chat.quoteWithMoney").split("{max}")[0]!.trim();
}

async function quotedMax(page: Page): Promise<number> {
  return Number(await page.getByTestId("chat-quote").getAttribute("data-max"));
}

for (const locale of LOCALES) {
  test(`${locale}: the quote shows as you type, follows the text and the model; the picker shows prices`, async ({
    page,
    context,
  }) => {
    await context.addCookies([{ name: "NEXT_LOCALE", value: locale, url: appUrl }]);
    await signUpNewUser(page, { prefix: `quote-${locale.toLowerCase()}`, callbackUrl: "/chat" });
    const chat = new ChatPage(page);
    await chat.goto();

    // No text, no quote; a few words, a quote in this locale's words and numbers, in credits and money.
    await expect(page.getByTestId("chat-quote")).toHaveCount(0);
    await chat.type("Hello");
    const quote = page.getByTestId("chat-quote");
    await expect(quote).toBeVisible();
    const first = await quotedMax(page);
    expect(first).toBeGreaterThan(0);
    await expect(quote).toContainText(quotePrefix(locale));
    await expect(quote).toContainText(formatNumber(locale, first));
    await expect(quote).toContainText(/\$/);
    expect(await page.locator("body").innerText()).not.toMatch(RAW_KEY);

    // It follows the text: a longer message quotes more.
    await chat.type(`Hello ${"and a much longer question about credits ".repeat(20)}`);
    await expect.poll(() => quotedMax(page), { timeout: 10_000 }).toBeGreaterThan(first);
    const longer = await quotedMax(page);

    // The picker lists each model with its prices per 1,000 tokens, labelled, keyboard reachable.
    const picker = page.getByRole("combobox", { name: message(locale, "chat.modelPickerLabel") });
    await expect(picker).toBeVisible();
    const options = picker.locator("option");
    await expect(options).toHaveCount(2);
    const [fastOption, proOption] = await options.allInnerTexts();
    expect(fastOption).toContain(message(locale, "chat.demoModel"));
    expect(proOption).toContain(message(locale, "chat.demoModelPro"));
    for (const option of [fastOption!, proOption!]) expect(option).toMatch(/\d.*\/.*\d/);

    // Switching model changes the quote (the thorough Demo model costs more), and the header says which one.
    await picker.selectOption("demo-pro");
    await expect.poll(() => quotedMax(page), { timeout: 10_000 }).toBeGreaterThan(longer);
    await expect(page.getByTestId("chat-model")).toHaveText(message(locale, "chat.demoModelPro"));
    if (locale === "en") await screenshot(page, "chat-quote-and-models");

    // The reply is written by the chosen model, and says so.
    await page.getByTestId("chat-send").click();
    const reply = chat.messages("assistant").last();
    await expect(reply).toHaveAttribute("data-status", "complete", { timeout: 60_000 });
    await expect(reply.getByTestId("reply-model")).toHaveText(message(locale, "chat.demoModelPro"));
    // After a reload the conversation still uses it.
    await page.reload();
    await expect(page.getByRole("combobox", { name: message(locale, "chat.modelPickerLabel") })).toHaveValue(
      "demo-pro",
    );
    expect(await page.locator("body").innerText()).not.toMatch(RAW_KEY);
  });
}
