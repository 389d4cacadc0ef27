import { expect, test, type Page } from "@playwright/test";
import pg from "pg";

import { ChatPage } from "../pages/chat.page";
import { Header } from "../pages/header.page";
import { signUpNewUser } from "../support/accounts";
import { LOCALES, formatNumber, message } from "../support/messages";
import { screenshot } from "../support/screenshots";
import { stackState } from "../support/stack";
import { E2E, inboxUrl, lowBonusUrl } from "../stack/config.mjs";

/** A message key printed instead of its text (next-intl's fallback), e.g. "lowBalance.banner". */
const RAW_KEY = /\b(common|header|chat|billing|lowBalance|account)\.[a-z][A-Za-z_.]+\b/;

interface CaughtMessage {
  subject: string;
  links: string[];
}

async function inbox(page: Page, email: string): Promise<CaughtMessage[]> {
  const res = await page.request.get(`${inboxUrl}/api/messages?to=${encodeURIComponent(email.toLowerCase())}`);
  return (await res.json()) as CaughtMessage[];
}

/** Low-balance mails queued for `email` in the run's database (sent or not): the outbox is the record. */
async function queuedAlerts(email: string): Promise<number> {
  const client = new pg.Client({ connectionString: stackState().databaseUrl });
  await client.connect();
  try {
    const res = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM "MailOutbox" WHERE "to" = $1 AND template = 'low_balance'`,
      [email.toLowerCase()],
    );
    return Number(res.rows[0]!.n);
  } finally {
    await client.end();
  }
}

test.describe("journey 21: low-balance alert", () => {
  test("a reply takes the balance below the user's threshold → banner on /chat, exactly one email; further replies send none", async ({
    page,
  }) => {
    const account = await signUpNewUser(page, { prefix: "low-balance", callbackUrl: "/account" });
    const header = new Header(page);
    await header.expectBalance(E2E.signupBonusCredits);

    // The setting: on by default with the default threshold shown; set one just under the balance.
    const field = page.getByTestId("low-balance-threshold");
    await expect(field).toBeEnabled();
    await expect(page.getByTestId("low-balance-enabled")).toBeChecked();
    await expect(page.getByTestId("low-balance-status")).toContainText("5,000");
    await field.fill(String(E2E.signupBonusCredits - 1));
    await page.getByTestId("low-balance-save").click();
    await expect(page.getByTestId("low-balance-saved")).toBeVisible();
    await expect(page.getByTestId("low-balance-status")).toContainText("9,999");

    // Not low yet: no banner.
    const chat = new ChatPage(page);
    await chat.goto();
    await expect(page.getByTestId("low-balance-banner")).toHaveCount(0);

    // One reply costs more than one credit: the balance crosses 9,999 and the banner appears without a reload.
    await chat.sendAndWait("How much does a message cost?");
    await expect.poll(() => header.balanceValue(), { timeout: 20_000 }).toBeLessThan(E2E.signupBonusCredits);
    const balance = await header.balanceValue();
    const banner = page.getByTestId("low-balance-banner");
    await expect(banner).toBeVisible();
    await expect(banner).toHaveAttribute("data-balance", String(balance));
    await expect(banner).toContainText(
      message("en", "lowBalance.banner").replace("{balance, number}", formatNumber("en", balance)),
    );
    await screenshot(page, "low-balance-banner");

    // Exactly one mail, with the balance, the threshold and both links.
    const subject = message("en", "mail.lowBalance.subject");
    await expect
      .poll(async () => (await inbox(page, account.email)).filter((m) => m.subject === subject).length, {
        timeout: 30_000,
        message: "the low-balance mail reaches the inbox",
      })
      .toBe(1);
    const [mail] = (await inbox(page, account.email)).filter((m) => m.subject === subject);
    expect(mail!.links.some((l) => new URL(l).pathname === "/billing")).toBe(true);
    expect(mail!.links.some((l) => l.endsWith("/account#low-balance"))).toBe(true);

    // A second reply, further below the threshold: settled (the header fell again) and still one alert.
    await chat.sendAndWait("And another one?");
    await expect.poll(() => header.balanceValue(), { timeout: 20_000 }).toBeLessThan(balance);
    expect(await queuedAlerts(account.email)).toBe(1);
    expect((await inbox(page, account.email)).filter((m) => m.subject === subject)).toHaveLength(1);

    // Buy credits goes to /billing; dismissed there, it stays hidden for the rest of the session.
    await banner.getByTestId("low-balance-buy").click();
    await expect(page).toHaveURL(/\/billing$/);
    await expect(banner).toBeVisible();
    await banner.getByTestId("low-balance-dismiss").click();
    await expect(banner).toHaveCount(0);
    await chat.goto();
    await expect(page.getByTestId("chat-input")).toBeVisible();
    await expect(banner).toHaveCount(0);
  });
});

test.describe("journey 21: the banner in every locale", () => {
  // Low-bonus instance: new accounts hold 50 credits, below the default 5,000.
  test.use({ baseURL: lowBonusUrl });
  test.describe.configure({ mode: "parallel" });

  for (const locale of LOCALES) {
    test(`${locale}: the low-balance banner speaks ${locale}, with no raw keys`, async ({ page, context }) => {
      await context.addCookies([{ name: "NEXT_LOCALE", value: locale, url: lowBonusUrl }]);
      await signUpNewUser(page, { prefix: `low-balance-${locale.toLowerCase()}`, callbackUrl: "/chat" });
      const banner = page.getByTestId("low-balance-banner");
      await expect(banner).toBeVisible();
      await expect(banner).toHaveAttribute("data-balance", String(E2E.lowBonusCredits));
      const text = await banner.innerText();
      expect(text).toContain(formatNumber(locale, E2E.lowBonusCredits));
      expect(text).toContain(message(locale, "lowBalance.buy"));
      expect(text).not.toMatch(RAW_KEY);
      if (locale !== "en") expect(text).not.toContain("Your balance is low");
      expect(await page.locator("body").innerText()).not.toMatch(RAW_KEY);
      await screenshot(page, `low-balance-${locale}`);
    });
  }
});
