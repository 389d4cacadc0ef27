import { expect, test } from "@playwright/test";

import { AuthPage, PASSWORD, uniqueEmail } from "../pages/auth.page";
import { Header } from "../pages/header.page";
import { inboxUrl } from "../stack/config.mjs";
import { mailedLink } from "../support/inbox";

const NEW_PASSWORD = "a fresh passphrase from the inbox";
const CHANGED_PASSWORD = "another passphrase chosen on the account page";

test.describe("journey 10: accounts people can trust", () => {
  test("sign up → the local inbox → verify → the bonus appears; reset the password from the inbox", async ({
    page,
  }) => {
    const email = uniqueEmail("journey10");
    const auth = new AuthPage(page);
    await auth.gotoSignUp("/");
    await auth.signUp(email, PASSWORD);
    await expect(page).toHaveURL((url) => url.pathname === "/");

    // Signed in, but the bonus waits for the email.
    const header = new Header(page);
    await expect(page.getByTestId("verify-email-notice")).toBeVisible();
    await header.expectBalance(0);

    // The inbox, as a person uses it: the list, the message, its link (once the mail is there: sending runs after the commit).
    await mailedLink(page, email, "/auth/verify?token=");
    await page.goto(inboxUrl);
    await page
      .locator("tr", { hasText: email })
      .getByTestId("mail-row")
      .filter({ hasText: /confirm/i })
      .first()
      .click();
    await expect(page.getByTestId("mail-text")).toContainText("10,000");
    await page.getByTestId("mail-link").first().click();
    await expect(page.getByTestId("verify-result")).toHaveAttribute("data-outcome", "verified");
    await page.getByTestId("verify-continue").click();
    await expect(page.getByTestId("verify-email-notice")).toHaveCount(0);
    await header.expectBalance(10_000);

    // The same link again: still "verified", still one bonus.
    // Reopened from the inbox, not through history: the verify page's own navigation may or may not add an entry.
    await page.goto(inboxUrl);
    await page
      .locator("tr", { hasText: email })
      .getByTestId("mail-row")
      .filter({ hasText: /confirm/i })
      .first()
      .click();
    await page.getByTestId("mail-link").first().click();
    await expect(page.getByTestId("verify-result")).toHaveAttribute("data-outcome", "verified");
    await page.goto("/");
    await header.expectBalance(10_000);

    // Forgot the password: sign out, ask for a link, follow it from the inbox.
    await page.getByTestId("account-menu").click();
    await page.getByTestId("sign-out").click();
    await expect(page.getByTestId("sign-in-link")).toBeVisible();
    await page.goto("/auth");
    await page.getByTestId("auth-forgot").click();
    await page.getByTestId("reset-input").fill(email);
    await page.getByTestId("reset-submit").click();
    await expect(page.getByTestId("reset-message")).toBeVisible();

    await mailedLink(page, email, "/auth/reset?token=");
    await page.goto(inboxUrl);
    await page.locator("tr", { hasText: email }).getByTestId("mail-row").filter({ hasText: /reset/i }).first().click();
    await page.getByTestId("mail-link").first().click();
    await page.getByTestId("reset-input").fill(NEW_PASSWORD);
    await page.getByTestId("reset-submit").click();
    await expect(page.getByTestId("reset-message")).toHaveAttribute("role", "status");

    // The old password no longer works; the new one does, and the credits are all there.
    await page.goto("/auth");
    await auth.signIn(email, PASSWORD);
    await expect(page.getByTestId("auth-error")).toBeVisible();
    await auth.signIn(email, NEW_PASSWORD);
    await expect(page).not.toHaveURL(/\/auth(\?|$)/);
    await header.expectBalance(10_000);

    // Signed in, change it on the account page: a wrong current password is refused, the right one works.
    await page.getByTestId("account-menu").click();
    await page.getByTestId("account-settings-link").click();
    await expect(page).toHaveURL((url) => url.pathname === "/account");
    await page.getByTestId("change-password-current").fill("not the current password");
    await page.getByTestId("change-password-new").fill(CHANGED_PASSWORD);
    await page.getByTestId("change-password-submit").click();
    await expect(page.getByTestId("change-password-error")).toHaveAttribute("role", "alert");
    await page.getByTestId("change-password-current").fill(NEW_PASSWORD);
    await page.getByTestId("change-password-new").fill(CHANGED_PASSWORD);
    await page.getByTestId("change-password-submit").click();
    await expect(page.getByTestId("change-password-success")).toHaveAttribute("role", "status");

    // This session survives the change (only the others end); the previous password no longer works.
    await page.reload();
    await expect(page).toHaveURL((url) => url.pathname === "/account");
    await header.expectBalance(10_000);
    await page.getByTestId("account-menu").click();
    await page.getByTestId("sign-out").click();
    await expect(page.getByTestId("sign-in-link")).toBeVisible();
    await page.goto("/auth");
    await auth.signIn(email, NEW_PASSWORD);
    await expect(page.getByTestId("auth-error")).toBeVisible();
    await auth.signIn(email, CHANGED_PASSWORD);
    await expect(page).not.toHaveURL(/\/auth(\?|$)/);
    await header.expectBalance(10_000);
  });
});
