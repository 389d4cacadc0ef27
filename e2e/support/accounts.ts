import { expect, type Page } from "@playwright/test";

import { AuthPage, PASSWORD, uniqueEmail } from "../pages/auth.page";
import { Header } from "../pages/header.page";
import { verifyThroughInbox } from "./inbox";

export interface Account {
  email: string;
  password: string;
}

/**
 * Signs up a brand-new account through the /auth page of whichever instance the page's baseURL
 * points at, confirms its email from the stack's inbox (which brings the signup bonus), comes
 * back to where sign-up led, and waits until the header shows its balance. `email`: a given address
 * (one that was invited), else a unique one.
 */
export async function signUpNewUser(
  page: Page,
  opts: { prefix?: string; callbackUrl?: string; email?: string } = {},
): Promise<Account> {
  const account = { email: opts.email ?? uniqueEmail(opts.prefix), password: PASSWORD };
  const auth = new AuthPage(page);
  await auth.gotoSignUp(opts.callbackUrl);
  await auth.signUp(account.email, account.password);
  await expect(page).not.toHaveURL(/\/auth(\?|$)/);
  const landed = new URL(page.url());
  await verifyThroughInbox(page, account.email);
  await page.goto(`${landed.pathname}${landed.search}`);
  await expect(new Header(page).balance()).toBeVisible();
  return account;
}
