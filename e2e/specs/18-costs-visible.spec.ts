import { expect, test, type Page } from "@playwright/test";

import { BillingPage } from "../pages/billing.page";
import { ChatPage } from "../pages/chat.page";
import { signUpNewUser } from "../support/accounts";
import { ledgerRows } from "../support/billing";
import { formatNumber, LOCALES, message, type Locale } from "../support/messages";
import { screenshot } from "../support/screenshots";
import { appUrl } from "../stack/config.mjs";

test.describe.configure({ mode: "parallel" });

const QUESTIONS: Record<Locale, string> = {
  en: "How much does a reply cost?",
  es: "¿Cuánto cuesta una respuesta?",
  fr: "Combien coûte une réponse ?",
  de: "Was kostet eine Antwort?",
  "pt-BR": "Quanto custa uma resposta?",
  ja: "返信はいくらかかりますか？",
  ko: "답변 하나에 얼마가 드나요?",
  "zh-CN": "一条回复要花多少积分？",
};

const RAW_KEY = /\b(common|header|chat|billing|notFound|error|demoModel)\.[a-z][A-Za-z_.]+\b/;

async function expectNoRawKeys(page: Page) {
  expect(await page.locator("body").innerText()).not.toMatch(RAW_KEY);
}

/** The number a data-credits attribute holds. */
async function creditsOf(page: Page, testId: string, within = page.locator("body")): Promise<number> {
  const el = within.getByTestId(testId);
  await expect(el).toHaveAttribute("data-credits", /^\d+$/);
  return Number(await el.getAttribute("data-credits"));
}

for (const locale of LOCALES) {
  test(`${locale}: a reply shows its cost, the conversation its total, and the billing history links to it`, async ({
    page,
    context,
  }) => {
    await context.addCookies([{ name: "NEXT_LOCALE", value: locale, url: appUrl }]);
    await signUpNewUser(page, { prefix: `costs-${locale.toLowerCase()}`, callbackUrl: "/chat" });
    const chat = new ChatPage(page);
    await chat.goto();

    // A reply: once finished it shows what it cost, with its tokens in the title.
    await chat.sendAndWait(QUESTIONS[locale]);
    const reply = chat.messages("assistant").last();
    await expect(reply).toHaveAttribute("data-status", "complete");
    const cost = await creditsOf(page, "message-cost", reply);
    expect(cost).toBeGreaterThan(0);
    await expect(reply.getByTestId("message-cost")).toContainText(formatNumber(locale, cost));
    await expect(reply.getByTestId("message-cost")).toHaveAttribute("title", /\d.*\d/);
    const conversationId = await chat.conversationIdFromUrl();

    // The conversation's total, in its header and in the sidebar, is that reply's cost.
    await expect(page.getByTestId("chat-total")).toHaveAttribute("data-credits", String(cost));
    await expect(page.getByTestId("chat-total")).toContainText(formatNumber(locale, cost));
    const item = chat.conversations().filter({ has: chat.conversationLink(conversationId) });
    await expect(item.getByTestId("conversation-total")).toHaveAttribute("data-credits", String(cost));
    await expect(item.getByTestId("conversation-total")).toContainText(formatNumber(locale, cost));
    const title = (await page.getByTestId("chat-title").innerText()).trim();
    expect(title.length).toBeGreaterThan(0);
    await expectNoRawKeys(page);
    await screenshot(page, `costs-chat-${locale}`);

    // The billing history's row for it: the same amount, naming the conversation and linking to it.
    await page.getByTestId("nav-billing").click();
    await expect(page).toHaveURL(/\/billing$/);
    const [newest] = await ledgerRows(page);
    expect(newest).toEqual({ reason: "chat_usage", amount: -cost });
    const row = new BillingPage(page).ledgerRows().first();
    await expect(row).toHaveAttribute("data-conversation-id", conversationId);
    const link = row.getByTestId("ledger-conversation-link");
    await expect(link).toHaveText(message(locale, "billing.entry.chat", { title }));
    await expect(link).toHaveAttribute("href", `/chat/${conversationId}`);
    await expectNoRawKeys(page);
    await row.scrollIntoViewIfNeeded();
    await screenshot(page, `costs-billing-${locale}`);

    // The link opens that conversation, total and all.
    await link.click();
    await expect(page).toHaveURL(new RegExp(`/chat/${conversationId}$`));
    await expect(chat.messages("assistant").last().getByTestId("message-cost")).toHaveAttribute(
      "data-credits",
      String(cost),
    );
    await expect(page.getByTestId("chat-total")).toHaveAttribute("data-credits", String(cost));

    // Deleted, its history row stays (the credits were spent) and says so, without a link.
    await chat.deleteConversation(0);
    await expect(chat.conversations()).toHaveCount(0);
    await page.getByTestId("nav-billing").click();
    await expect(page).toHaveURL(/\/billing$/);
    const kept = new BillingPage(page).ledgerRows().first();
    await expect(kept).toHaveAttribute("data-amount", String(-cost));
    await expect(kept.getByTestId("ledger-deleted-conversation")).toHaveText(
      message(locale, "billing.entry.deletedConversation"),
    );
    await expect(kept.getByRole("link")).toHaveCount(0);
    await expectNoRawKeys(page);
  });
}
