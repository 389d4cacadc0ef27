import { expect, test, type Page } from "@playwright/test";

import { worstCaseCredits } from "../../src/server/chat/metering";
import { buildPrompt, estimatePromptTokens } from "../../src/server/chat/prompt";
import { uniqueEmail } from "../pages/auth.page";
import { ChatPage } from "../pages/chat.page";
import { Header } from "../pages/header.page";
import { Paywall } from "../pages/paywall.page";
import { StripeCheckoutPage, TEST_CARDS } from "../pages/stripe-checkout.page";
import { TeamPage } from "../pages/team.page";
import { signUpNewUser } from "../support/accounts";
import { mailedLink } from "../support/inbox";
import { LOCALES, formatNumber, message } from "../support/messages";
import { screenshot } from "../support/screenshots";
import { E2E } from "../stack/config.mjs";

/** A message key printed instead of its text (next-intl's fallback), e.g. "teams.pool.balance". */
const RAW_KEY = /\b(common|header|chat|paywall|billing|teams|invite)\.[a-z][A-Za-z_.]+\b/;

const STARTER_CREDITS = 50_000;
const TEAM = `Acme ${Math.random().toString(36).slice(2, 7)}`;
const FIRST = "How do a team's shared credits work?";
// What the server reserves for the first message of a new conversation: the same functions, the stack's prices.
const FIRST_HOLD = worstCaseCredits(estimatePromptTokens(buildPrompt([], FIRST)), {
  creditsPer1kInputTokens: Number(process.env.CREDITS_PER_1K_INPUT_TOKENS ?? 100),
  creditsPer1kOutputTokens: Number(process.env.CREDITS_PER_1K_OUTPUT_TOKENS ?? 300),
  maxOutputTokens: Number(process.env.CHAT_MAX_OUTPUT_TOKENS ?? 1024),
});
// The first reply's hold fits; once that reply is charged (≥ 2 credits), no second message's hold does.
const DAILY_LIMIT = FIRST_HOLD + 1;

async function expectNoRawKeys(page: Page, where: string) {
  expect(await page.locator("body").innerText(), where).not.toMatch(RAW_KEY);
}

/** The number a data-credits attribute holds. */
async function creditsOf(scope: ReturnType<Page["locator"]>, testId: string): Promise<number> {
  const el = scope.getByTestId(testId);
  await expect(el).toHaveAttribute("data-credits", /^\d+$/);
  return Number(await el.getAttribute("data-credits"));
}

test.describe("journey 24: teams", () => {
  test("A creates a team and invites B by email; B accepts; A buys for the team and limits B; B spends within the limit, then is stopped by it; A sees B's spend", async ({
    page,
    browser,
  }) => {
    test.setTimeout(240_000);
    // A: a team of their own, and an invitation by email.
    await signUpNewUser(page, { prefix: "team-owner", callbackUrl: "/teams" });
    await expect(page.getByTestId("teams-empty")).toBeVisible();
    const owner = new TeamPage(page);
    const teamId = await owner.create(TEAM);
    await expect(page.getByTestId("pool-balance")).toContainText("0");
    const memberEmail = uniqueEmail("team-member");
    const shownLink = await owner.invite(memberEmail);
    expect(shownLink).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
    await expect(page.getByTestId("invite-row").filter({ hasText: memberEmail })).toBeVisible();
    await screenshot(page, "teams-invite-sent");

    // B: the link from the mail (the same as the page's), signed out → sign up with the invited address → accept.
    const memberContext = await browser.newContext();
    const member = await memberContext.newPage();
    const mailed = await mailedLink(member, memberEmail, "/invite/");
    expect(new URL(mailed).pathname).toBe(new URL(shownLink).pathname);
    const invitePath = new URL(mailed).pathname;
    await member.goto(invitePath);
    await expect(member).toHaveURL(/\/auth\?callbackUrl=/);
    await signUpNewUser(member, { email: memberEmail, callbackUrl: invitePath });
    await expect(member).toHaveURL(new RegExp(`${invitePath}$`));
    await expect(member.getByTestId("invite-team")).toHaveText(TEAM);
    await screenshot(member, "teams-invite-preview");
    await member.getByTestId("invite-accept").click();
    await member.waitForURL(new RegExp(`/teams/${teamId}$`));
    await expect(member.getByTestId("team-name")).toHaveText(TEAM);
    // A member sees the pool, not the admin's controls.
    await expect(member.getByTestId("member-buy-note")).toBeVisible();
    await expect(member.getByTestId("purchase-starter")).toHaveCount(0);
    await expect(member.getByTestId("invite-email")).toHaveCount(0);

    // A: a Starter pack for the team through Checkout, back on the team page, credited to the pool (not to A).
    await owner.goto(teamId);
    await expect(owner.member(memberEmail)).toBeVisible();
    const ownerHeader = new Header(page);
    await ownerHeader.expectBalance(E2E.signupBonusCredits);
    await owner.purchase("starter");
    const checkout = new StripeCheckoutPage(page);
    await checkout.waitUntilLoaded();
    await checkout.fillCard({ number: TEST_CARDS.success });
    await checkout.pay();
    await page.waitForURL((url) => url.pathname === `/teams/${teamId}` && url.searchParams.get("success") === "1");
    await expect(page.getByTestId("team-checkout-success")).toBeVisible({ timeout: 30_000 });
    await owner.expectPoolBalance(STARTER_CREDITS);
    await ownerHeader.expectBalance(E2E.signupBonusCredits);
    await screenshot(page, "teams-bought");

    // A limits B: a daily limit just above the first message's worst case.
    await owner.setLimits(memberEmail, { day: DAILY_LIMIT });

    // B chats paying with the team: the composer names the team, the reply says the team paid, B's own balance is untouched.
    const chat = new ChatPage(member);
    const memberHeader = new Header(member);
    await chat.goto();
    const payer = member.getByTestId("chat-payer-picker");
    await expect(payer.locator("option")).toHaveCount(2);
    await payer.selectOption(teamId);
    await chat.type(FIRST);
    await expect(member.getByTestId("chat-quote-payer")).toHaveAttribute("data-team", teamId);
    await expect(member.getByTestId("chat-quote")).toContainText(formatNumber("en", FIRST_HOLD));
    await member.getByTestId("chat-send").click();
    const reply = chat.messages("assistant").last();
    await expect(reply).toHaveAttribute("data-status", "complete", { timeout: 60_000 });
    await expect(reply.getByTestId("reply-payer")).toHaveText(`Paid by ${TEAM}`);
    const cost = await creditsOf(reply, "message-cost");
    expect(cost).toBeGreaterThanOrEqual(2);
    await memberHeader.expectBalance(E2E.signupBonusCredits);
    await screenshot(member, "teams-chat-paid-by-team");

    // Beyond the limit: the quote says so before sending; sending opens the paywall naming the daily limit and
    // what counted, telling a member to ask an admin (no buying for the team); nothing is charged.
    const second = "And what happens when I reach my limit?";
    await chat.type(second);
    await expect(member.getByTestId("chat-quote-team-short")).toHaveAttribute("data-limit", "day");
    await expect(member.getByTestId("chat-quote-ask-admin")).toBeVisible();
    await member.getByTestId("chat-send").click();
    const paywall = new Paywall(member);
    await paywall.expectOpen();
    await expect(paywall.dialog()).toContainText(message("en", "paywall.limitTitle"));
    await expect(member.getByTestId("paywall-explain")).toHaveText(
      `You've reached your daily limit of ${formatNumber("en", DAILY_LIMIT)} credits on ${TEAM} (${formatNumber("en", cost)} used).`,
    );
    await expect(member.getByTestId("paywall-ask-admin")).toHaveText(message("en", "paywall.askAdminLimit"));
    await expect(member.getByTestId("paywall-team-buy")).toHaveCount(0);
    await expect(member.getByTestId("paywall-limits")).toHaveCount(0);
    await screenshot(member, "teams-paywall-limit");
    await expect(chat.messages("assistant")).toHaveCount(1);

    // The paywall in every locale: translated, no raw keys (the refusal is instant, nothing is written).
    for (const locale of LOCALES) {
      await memberContext.addCookies([{ name: "NEXT_LOCALE", value: locale, url: new URL(member.url()).origin }]);
      await member.reload();
      await expect(member.locator("html")).toHaveAttribute("lang", locale);
      await member.getByTestId("chat-payer-picker").selectOption(teamId);
      await chat.type(second);
      await member.getByTestId("chat-send").click();
      await paywall.expectOpen();
      await expect(paywall.dialog()).toContainText(message(locale, "paywall.limitTitle"));
      await expect(member.getByTestId("paywall-ask-admin")).toHaveText(message(locale, "paywall.askAdminLimit"));
      await expect(member.getByTestId("paywall-explain")).toContainText(formatNumber(locale, DAILY_LIMIT));
      await expectNoRawKeys(member, `${locale} paywall`);
      await member.keyboard.press("Escape");
      await paywall.expectClosed();
    }
    await memberContext.addCookies([{ name: "NEXT_LOCALE", value: "en", url: new URL(member.url()).origin }]);

    // B may still pay that message from their own balance: the paywall offers it, the reply names no team.
    await member.reload();
    await member.getByTestId("chat-payer-picker").selectOption(teamId);
    await chat.type(second);
    await member.getByTestId("chat-send").click();
    await paywall.expectOpen();
    await member.getByTestId("paywall-personal").click();
    await expect(chat.messages("assistant")).toHaveCount(2, { timeout: 30_000 });
    const personalReply = chat.messages("assistant").last();
    await expect(personalReply).toHaveAttribute("data-status", "complete", { timeout: 60_000 });
    await expect(personalReply.getByTestId("reply-payer")).toHaveCount(0);
    const personalCost = await creditsOf(personalReply, "message-cost");
    await memberHeader.expectBalance(E2E.signupBonusCredits - personalCost);
    await memberContext.close();

    // A: the pool paid exactly B's first reply; B's spend per member and per model, B's limit use, the ledger row.
    await owner.goto(teamId);
    await owner.expectPoolBalance(STARTER_CREDITS - cost);
    const row = owner.member(memberEmail);
    await expect(row.getByTestId("member-spent-month")).toContainText(formatNumber("en", cost));
    await expect(page.getByTestId("usage-total")).toContainText(formatNumber("en", cost));
    const byMember = page.getByTestId("usage-by-member-row");
    await expect(byMember).toHaveCount(1);
    await expect(byMember).toContainText(formatNumber("en", cost));
    // An admin can tell who spent: a member without a display name is shown by their address.
    await expect(byMember).toContainText(memberEmail);
    const byModel = page.getByTestId("usage-by-model-row");
    await expect(byModel).toHaveCount(1);
    await expect(byModel).toContainText(formatNumber("en", cost));
    await expect(page.getByTestId("team-ledger-row").first()).toContainText(memberEmail);
    await page.getByTestId("usage-by-member").scrollIntoViewIfNeeded();
    await screenshot(page, "teams-admin-usage");

    // The team pages and the invitation page in every locale: translated, no raw keys.
    for (const locale of LOCALES) {
      await page.context().addCookies([{ name: "NEXT_LOCALE", value: locale, url: new URL(page.url()).origin }]);
      await owner.goto(teamId);
      await expect(page.locator("html")).toHaveAttribute("lang", locale);
      await expect(page.locator("#members-title, #usage-title").first()).toBeVisible();
      await expect(page.getByTestId("usage-by-member-row")).toHaveCount(1);
      await expect(page.locator("#usage-title")).toHaveText(message(locale, "teams.usage.title"));
      await expectNoRawKeys(page, `${locale} /teams/${teamId}`);
      await page.goto("/teams");
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(message(locale, "teams.title"));
      await expectNoRawKeys(page, `${locale} /teams`);
      // The used invitation, opened by someone else: it says why it cannot be used.
      await page.goto(invitePath);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(message(locale, "teams.accept.title"));
      await expect(page.getByTestId("invite-state-accepted")).toHaveText(
        message(locale, "teams.accept.state.accepted"),
      );
      await expectNoRawKeys(page, `${locale} ${invitePath}`);
      if (locale === "ja") await screenshot(page, "teams-list-ja");
    }
  });
});
