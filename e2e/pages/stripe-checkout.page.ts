import { expect, type Page } from "@playwright/test";

/**
 * Stripe's hosted Checkout page. The local emulator renders the same field ids and labels as
 * Stripe's real page in test mode, so this one object drives both.
 */
export class StripeCheckoutPage {
  constructor(readonly page: Page) {}

  async waitUntilLoaded(): Promise<void> {
    await expect(this.page.locator("#cardNumber")).toBeVisible({ timeout: 30_000 });
  }

  async fillCard(card: {
    number: string;
    expiry?: string;
    cvc?: string;
    name?: string;
    email?: string;
  }): Promise<void> {
    const email = this.page.locator("#email");
    if (await email.isEditable().catch(() => false)) await email.fill(card.email ?? "buyer@example.com");
    await this.page.locator("#cardNumber").fill(card.number);
    await this.page.locator("#cardExpiry").fill(card.expiry ?? "12 / 34");
    await this.page.locator("#cardCvc").fill(card.cvc ?? "123");
    await this.page.locator("#billingName").fill(card.name ?? "Test Buyer");
    // Stripe's real page asks for a postal code for some countries; the emulator never does.
    const postal = this.page.locator("#billingPostalCode");
    if (await postal.isVisible().catch(() => false)) await postal.fill("10001");
  }

  /**
   * A payment that settles later (the emulator's "Bank transfer (delayed)" option): Checkout
   * completes with payment_status "unpaid" and async_payment_succeeded/failed follows.
   */
  async payDelayed(): Promise<void> {
    await this.waitUntilLoaded();
    await this.page.locator("#payment-method-delayed").check();
    const email = this.page.locator("#email");
    if (await email.isEditable().catch(() => false)) await email.fill("buyer@example.com");
    await this.page.locator("#billingName").fill("Test Buyer");
    await this.pay();
  }

  async pay(): Promise<void> {
    await this.page.locator('[data-testid="hosted-payment-submit-button"]').click();
  }

  async payWith(cardNumber: string): Promise<void> {
    await this.waitUntilLoaded();
    await this.fillCard({ number: cardNumber });
    await this.pay();
  }

  /**
   * The 3D Secure step after Pay with an authentication card (3155, 3184, 3220) — the emulator's test page, also what
   * an on-session PaymentIntent's `next_action.redirect_to_url.url` opens.
   */
  async authenticate(outcome: "complete" | "fail"): Promise<void> {
    const button = this.page.getByRole("button", {
      name: outcome === "complete" ? "Complete authentication" : "Fail authentication",
    });
    await expect(button).toBeVisible({ timeout: 30_000 });
    await button.click();
  }

  /** Stripe's own error text next to the card field (e.g. "Your card was declined."). */
  async expectCardError(message: string | RegExp): Promise<void> {
    await expect(this.page.getByText(message)).toBeVisible();
  }

  async cancel(): Promise<void> {
    await this.page.locator('[data-testid="business-link"]').click();
  }
}

export const TEST_CARDS = {
  success: "4242 4242 4242 4242",
  declined: "4000 0000 0000 0002",
  insufficientFunds: "4000 0000 0000 9995",
  /** Asks for 3D Secure on session; once saved for off-session use, charged later without it. */
  authenticationUnlessSetUp: "4000 0025 0000 3155",
  /** Asks for 3D Secure on every payment (off session: authentication_required). */
  authenticationAlways: "4000 0027 6000 3184",
  /** Saved fine, declined whenever charged. */
  declinedWhenCharged: "4000 0000 0000 0341",
} as const;
