import { expect, test, type Locator, type Page } from "@playwright/test";

import { ChatPage } from "../pages/chat.page";
import { Header } from "../pages/header.page";
import { signUpNewUser } from "../support/accounts";
import { LOCALES, message, type Locale } from "../support/messages";
import { screenshot } from "../support/screenshots";
import { recordedReplyTexts, recordReplyText } from "../support/streaming";
import { appUrl } from "../stack/config.mjs";

test.describe.configure({ mode: "parallel" });

/** A first question and its edited version, written in each locale. */
const QUESTIONS: Record<Locale, [string, string]> = {
  en: ["What is the capital of France?", "What is the capital of Spain?"],
  es: ["¿Cuál es la capital de Francia?", "¿Cuál es la capital de España?"],
  fr: ["Quelle est la capitale de la France ?", "Quelle est la capitale de l'Espagne ?"],
  de: ["Was ist die Hauptstadt von Frankreich?", "Was ist die Hauptstadt von Spanien?"],
  "pt-BR": ["Qual é a capital da França?", "Qual é a capital da Espanha?"],
  ja: ["フランスの首都はどこですか？", "スペインの首都はどこですか？"],
  ko: ["프랑스의 수도는 어디인가요?", "스페인의 수도는 어디인가요?"],
  "zh-CN": ["法国的首都是哪里？", "西班牙的首都是哪里？"],
};

const RAW_KEY = /\b(common|header|chat|notFound|error|demoModel)\.[a-z][A-Za-z_.]+\b/;

/** The Demo model's bold words in this locale ("Demo model", "Demo-Modell"…): the reply is in the locale. */
function demoMarker(locale: Locale): string {
  return /\*\*(.+?)\*\*/.exec(message(locale, "demoModel.intro"))![1]!;
}

async function waitForReply(chat: ChatPage, expectedReplies: number) {
  await expect(chat.messages("assistant")).toHaveCount(expectedReplies, { timeout: 30_000 });
  await expect(chat.messages("assistant").last()).toHaveAttribute("data-status", "complete", { timeout: 60_000 });
}

async function expectNoRawKeys(page: Page) {
  expect(await page.locator("body").innerText()).not.toMatch(RAW_KEY);
}

async function balanceBelow(page: Page, before: number) {
  await expect.poll(() => new Header(page).balanceValue(), { timeout: 20_000 }).toBeLessThan(before);
  return new Header(page).balanceValue();
}

function action(bubble: Locator, id: "message-copy" | "message-regenerate" | "message-edit") {
  return bubble.getByTestId(id);
}

for (const locale of LOCALES) {
  test(`${locale}: copy, regenerate and edit a reply; search; the Demo model answers in ${locale}`, async ({
    page,
    context,
  }) => {
    const [question, edited] = QUESTIONS[locale];
    await context.addCookies([{ name: "NEXT_LOCALE", value: locale, url: appUrl }]);
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: appUrl });
    await signUpNewUser(page, { prefix: `actions-${locale.toLowerCase()}`, callbackUrl: "/chat" });
    const chat = new ChatPage(page);
    await chat.goto();

    // Send: the reply streams in the locale, and no unfinished Markdown marker ever shows.
    await recordReplyText(page);
    await chat.send(question);
    await waitForReply(chat, 1);
    const reply = chat.messages("assistant").last();
    await expect(reply).toContainText(demoMarker(locale));
    await expect(reply).toContainText(question);
    const partials = await recordedReplyTexts(page);
    expect(partials.length, "the reply streamed in pieces").toBeGreaterThanOrEqual(3);
    expect(
      partials.filter((text) => /[*`]/.test(text)),
      "no raw Markdown markers mid-stream",
    ).toEqual([]);

    // Copy: the reply's Markdown lands on the clipboard, and the button says so.
    await action(reply, "message-copy").click();
    await expect(action(reply, "message-copy")).toHaveText(message(locale, "chat.copied"));
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toContain(`**${demoMarker(locale)}**`);
    expect(copied).toContain(question);

    // Regenerate: says it costs credits, replaces the reply, charges like a send.
    const balanceBefore = await new Header(page).balanceValue();
    const regenerate = action(reply, "message-regenerate");
    await expect(regenerate).toContainText(message(locale, "chat.regenerate"));
    await expect(regenerate).toContainText(message(locale, "chat.usesCredits"));
    await expect(regenerate).toHaveAttribute("title", message(locale, "chat.regenerateHint"));
    await regenerate.click();
    await waitForReply(chat, 1);
    await expect(chat.messages("user")).toHaveCount(1);
    await expect(chat.messages("assistant").last()).toContainText(demoMarker(locale));
    const afterRegenerate = await balanceBelow(page, balanceBefore);
    await screenshot(page, `chat-actions-${locale}-regenerated`);

    // Edit and resend: the question and its reply are replaced, charged like a send.
    await action(chat.messages("user").last(), "message-edit").click();
    const editor = page.getByTestId("message-editor");
    await expect(editor).toContainText(message(locale, "chat.editHint"));
    await expect(page.getByTestId("message-editor-input")).toHaveValue(question);
    await page.getByTestId("message-editor-input").fill(edited);
    await expect(page.getByTestId("message-editor-send")).toHaveText(message(locale, "chat.editSend"));
    await page.getByTestId("message-editor-send").click();
    await expect(chat.messages("user")).toHaveCount(1);
    await expect(chat.messages("user").last()).toContainText(edited);
    await waitForReply(chat, 1);
    await expect(chat.messages("assistant").last()).toContainText(edited);
    await balanceBelow(page, afterRegenerate);

    // After a reload the conversation holds only the edited exchange.
    await page.reload();
    await expect(chat.messages()).toHaveCount(2);
    await expect(chat.messages("user")).toHaveText(new RegExp(edited.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
    await expectNoRawKeys(page);

    // Search: finds the conversation by its message text; says so when nothing matches.
    const search = page.getByTestId("conversation-search");
    await expect(search).toHaveAttribute("placeholder", message(locale, "chat.searchPlaceholder"));
    await search.fill(edited);
    await expect(chat.conversations()).toHaveCount(1);
    await search.fill("zzqx-nothing");
    await expect(page.getByTestId("conversation-list-empty")).toHaveText(
      message(locale, "chat.noMatches", { query: "zzqx-nothing" }),
    );
    await search.fill("");
    await expect(chat.conversations()).toHaveCount(1);

    // Not found: the app's page, in the locale.
    await page.goto("/no-such-page");
    await expect(page.getByTestId("not-found-page")).toContainText(message(locale, "notFound.title"));
    await expect(page.getByTestId("not-found-page")).toContainText(message(locale, "notFound.body"));
    await expectNoRawKeys(page);
    await screenshot(page, `not-found-${locale}`);
  });
}
