import { expect, type Page } from "@playwright/test";

export class AuthPage {
  constructor(readonly page: Page) {}

  async gotoSignUp(callbackUrl?: string): Promise<void> {
    await this.page.goto(`/auth?mode=signup${callbackUrl ? `&callbackUrl=${encodeURIComponent(callbackUrl)}` : ""}`);
    await this.page.getByTestId("auth-tab-signup").click();
  }

  async signUp(email: string, password: string): Promise<void> {
    await this.page.getByTestId("auth-tab-signup").click();
    await this.page.getByTestId("auth-email").fill(email);
    await this.page.getByTestId("auth-password").fill(password);
    await this.page.getByTestId("auth-submit").click();
  }

  async signIn(email: string, password: string): Promise<void> {
    await this.page.getByTestId("auth-tab-signin").click();
    await this.page.getByTestId("auth-email").fill(email);
    await this.page.getByTestId("auth-password").fill(password);
    await this.page.getByTestId("auth-submit").click();
  }

  async expectError(message: string | RegExp): Promise<void> {
    await expect(this.page.getByTestId("auth-error")).toContainText(message);
  }
}

/** A unique address per call so journeys never share accounts. */
export function uniqueEmail(prefix = "e2e"): string {
  return `${prefix}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}

export const PASSWORD = "correct horse battery staple";
