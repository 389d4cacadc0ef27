import { expect, test, type Page } from "@playwright/test";

import { ChatPage } from "../pages/chat.page";
import { Paywall } from "../pages/paywall.page";
import { signUpNewUser } from "../support/accounts";
import { expectNoSeriousViolations } from "../support/axe";
import { startCheckout } from "../support/billing";
import { message } from "../support/messages";
import { lowBonusUrl } from "../stack/config.mjs";

/** The app follows the OS preference until the user picks a theme: wait until the page shows the expected one. */
async function expectScheme(page: Page, scheme: "light" | "dark") {
  await expect(page.locator("html")).toHaveClass(scheme === "dark" ? /\bdark\b/ : /^(?!.*\bdark\b).*$/);
}

for (const scheme of ["light", "dark"] as const) {
  test.describe(`axe, ${scheme} mode: no serious or critical violation`, () => {
    test.use({ colorScheme: scheme });

    test(`${scheme}: home and sign-in/sign-up pages; the password field is named "Password", its hint describes it`, async ({
      page,
    }) => {
      await page.goto("/");
      await expectScheme(page, scheme);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await expectNoSeriousViolations(page, `/ signed out (${scheme})`);

      await page.goto("/pricing");
      await expect(page.getByTestId("pricing-per1000-starter")).toBeVisible();
      await expectNoSeriousViolations(page, `/pricing signed out (${scheme})`);

      await page.goto("/auth");
      await expect(page.getByTestId("auth-password")).toBeVisible();
      await expectNoSeriousViolations(page, `/auth sign-in (${scheme})`);

      await page.getByTestId("auth-tab-signup").click();
      const password = page.getByTestId("auth-password");
      await expect(password).toHaveAttribute("autocomplete", "new-password");
      await expect(password).toHaveAccessibleName(message("en", "auth.password"));
      await expect(password).toHaveAccessibleDescription(message("en", "auth.passwordHint"));
      await expectNoSeriousViolations(page, `/auth sign-up (${scheme})`);
    });

    test(`${scheme}: signed-in home, /chat with a metered reply, /billing and the checkout page`, async ({ page }) => {
      test.slow(); // sign-up through the inbox, a reply, a checkout and five scans
      await signUpNewUser(page, { prefix: `axe-${scheme}`, callbackUrl: "/" });
      await expectScheme(page, scheme);
      await expectNoSeriousViolations(page, `/ signed in (${scheme})`);

      const chat = new ChatPage(page);
      await chat.goto();
      await expectNoSeriousViolations(page, `/chat empty (${scheme})`);
      await chat.sendAndWait("Hello there, how are you?");
      // The reply's cost line is on screen, so its contrast is checked.
      await expect(chat.messages("assistant").last()).toContainText(/\d/);
      await expectNoSeriousViolations(page, `/chat with a reply (${scheme})`);

      await page.goto("/billing");
      await expect(page.getByTestId("purchase-starter")).toBeVisible();
      await expect(page.getByTestId("ledger-row").first()).toBeVisible();
      await expectNoSeriousViolations(page, `/billing (${scheme})`);

      await page.goto("/billing/usage");
      await expect(page.getByTestId("usage-by-model").locator("li")).toHaveCount(1);
      await expect(page.getByTestId("usage-chart").locator(".recharts-bar-rectangle").first()).toBeVisible();
      await expectNoSeriousViolations(page, `/billing/usage (${scheme})`);

      await startCheckout(page, "starter");
      await expect(page.getByRole("main")).toBeVisible();
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await expectNoSeriousViolations(page, `checkout page (${scheme})`);
    });

    test.describe("paywall", () => {
      // The low-bonus instance: a new account's first message hits the paywall.
      test.use({ baseURL: lowBonusUrl });

      test(`${scheme}: the paywall, then the unsent message's "Send again"`, async ({ page }) => {
        await signUpNewUser(page, { prefix: `axe-paywall-${scheme}`, callbackUrl: "/chat" });
        const chat = new ChatPage(page);
        await chat.send("A message the paywall stops.");
        const paywall = new Paywall(page);
        await paywall.expectOpen();
        await expectNoSeriousViolations(page, `paywall (${scheme})`);
        await page.keyboard.press("Escape");
        await paywall.expectClosed();
        await expect(page.getByTestId("chat-resend")).toBeVisible();
        await expectNoSeriousViolations(page, `/chat with "Send again" (${scheme})`);
      });
    });
  });
}
