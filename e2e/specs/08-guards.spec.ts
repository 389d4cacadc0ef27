import { expect, test, type Page } from "@playwright/test";

import { AuthPage } from "../pages/auth.page";
import { signUpNewUser, type Account } from "../support/accounts";
import { appUrl } from "../stack/config.mjs";

async function signOut(page: Page) {
  await page.getByTestId("account-menu").click();
  await page.getByTestId("sign-out").click();
  await expect(page.getByTestId("sign-in-link")).toBeVisible();
}

/** Aborts and records every request that would leave for evil.example. */
async function watchEvilRequests(page: Page): Promise<string[]> {
  const seen: string[] = [];
  // By host: the app's own /auth?callbackUrl=…evil.example URL must still load.
  await page.route(
    (url) => url.hostname.endsWith("evil.example"),
    (route) => {
      seen.push(route.request().url());
      return route.abort();
    },
  );
  return seen;
}

test.describe("journey 8: guards", () => {
  let account: Account;

  test.beforeEach(async ({ page }) => {
    account = await signUpNewUser(page, { prefix: "guards" });
    await signOut(page);
  });

  for (const path of ["/billing", "/billing/usage", "/chat", "/account"]) {
    test(`signed-out ${path} redirects to /auth and returns there after sign-in`, async ({ page }) => {
      await page.goto(path);
      await expect(page).toHaveURL((url) => url.pathname === "/auth" && url.searchParams.get("callbackUrl") === path);
      await expect(page.getByTestId("credits-balance")).toHaveCount(0);

      await new AuthPage(page).signIn(account.email, account.password);
      await expect(page).toHaveURL((url) => url.origin === appUrl && url.pathname === path);
      await expect(page.getByTestId("credits-balance")).toHaveAttribute("data-balance", "10000");
    });
  }

  for (const evil of ["https://evil.example", "//evil.example", "/\\evil.example"]) {
    test(`callbackUrl=${evil} is ignored on sign-in`, async ({ page }) => {
      const evilRequests = await watchEvilRequests(page);
      await page.goto(`/auth?callbackUrl=${encodeURIComponent(evil)}`);
      await new AuthPage(page).signIn(account.email, account.password);

      await expect(page.getByTestId("credits-balance")).toBeVisible();
      expect(new URL(page.url()).origin).toBe(appUrl);
      expect(new URL(page.url()).pathname).toBe("/");
      expect(evilRequests).toEqual([]);

      // Signed in already: the page itself must not bounce there either.
      await page.goto(`/auth?callbackUrl=${encodeURIComponent(evil)}`);
      await expect(page).toHaveURL(`${appUrl}/`);
      expect(evilRequests).toEqual([]);
    });
  }
});
