import { expect, test } from "@playwright/test";

import { AuthPage, PASSWORD, uniqueEmail } from "../pages/auth.page";
import { ChatPage } from "../pages/chat.page";
import { Header } from "../pages/header.page";
import { mailedLink } from "../support/inbox";

const PHONE_UA =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

test.describe("journey 14: the account page", () => {
  test("edit the name, see and revoke another device's session, delete the account with its data, signed out", async ({
    page,
    browser,
  }) => {
    const email = uniqueEmail("journey14");
    const auth = new AuthPage(page);
    await auth.gotoSignUp("/");
    await auth.signUp(email, PASSWORD);
    await expect(page).toHaveURL((url) => url.pathname === "/");

    // Verified, with a conversation of their own: the data the deletion must take along.
    await page.goto(await mailedLink(page, email, "/auth/verify?token="));
    await expect(page.getByTestId("verify-result")).toHaveAttribute("data-outcome", "verified");
    await page.goto("/");
    await new Header(page).expectBalance(10_000);
    const chat = new ChatPage(page);
    await chat.goto();
    await chat.sendAndWait("A private note for journey 14");

    // A second device (a phone) signs in too.
    const phone = await browser.newContext({ userAgent: PHONE_UA });
    const phonePage = await phone.newPage();
    await phonePage.goto("/auth");
    await new AuthPage(phonePage).signIn(email, PASSWORD);
    await expect(phonePage.getByTestId("account-menu")).toBeVisible();

    // Name: edited and kept.
    await page.goto("/account");
    await expect(page.getByTestId("profile-email")).toHaveText(email.toLowerCase());
    await page.getByTestId("profile-name").fill("Journey Fourteen");
    await page.getByTestId("profile-save").click();
    await expect(page.getByTestId("profile-saved")).toBeVisible();
    await page.reload();
    await expect(page.getByTestId("profile-name")).toHaveValue("Journey Fourteen");

    // Sessions: this browser and the phone; signing the phone out ends it there.
    const rows = page.getByTestId("session-row");
    await expect(rows).toHaveCount(2);
    await expect(page.locator("[data-testid=session-row][data-current]")).toHaveCount(1);
    const phoneRow = rows.filter({ hasText: /Safari.*iOS/ });
    await expect(phoneRow).toContainText(/Last active/);
    await phoneRow.getByTestId("session-revoke").click();
    await expect(rows).toHaveCount(1);
    await phonePage.goto("/account");
    await expect(phonePage).toHaveURL((url) => url.pathname === "/auth");
    await phone.close();

    // Delete: the explanation, a wrong password refused (nothing deleted), then the real one.
    await expect(page.getByTestId("delete-account-explanation")).toContainText("anonymised");
    await page.getByTestId("delete-account-secret").fill("not the password at all");
    await page.getByTestId("delete-account-submit").click();
    await expect(page.getByTestId("delete-account-error")).toBeVisible();
    await page.getByTestId("delete-account-secret").fill(PASSWORD);
    await page.getByTestId("delete-account-submit").click();
    await expect(page).toHaveURL((url) => url.pathname === "/");
    await expect(page.getByTestId("sign-in-link")).toBeVisible();

    // The account is gone: its password no longer signs in, /account asks to sign in.
    await page.goto("/auth");
    await auth.signIn(email, PASSWORD);
    await expect(page.getByTestId("auth-error")).toBeVisible();
    await page.goto("/account");
    await expect(page).toHaveURL((url) => url.pathname === "/auth");
  });
});
