import { expect, test } from "@playwright/test";

import { BillingPage } from "../pages/billing.page";
import { ChatPage } from "../pages/chat.page";
import { signUpNewUser } from "../support/accounts";

test.describe("journey 9: content security policy", () => {
  test("pages hydrate under a per-request script nonce with no CSP violation on /auth, /chat and /billing", async ({
    page,
  }) => {
    const violations: string[] = [];
    page.on("console", (msg) => {
      if (/content security policy|csp-violation/i.test(msg.text())) violations.push(`${page.url()}: ${msg.text()}`);
    });
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) =>
        console.error(`csp-violation ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`),
      );
    });
    const nonces: string[] = [];
    page.on("response", (res) => {
      const nonce = /'nonce-([^']+)'/.exec(res.headers()["content-security-policy"] ?? "")?.[1];
      if (nonce && res.request().resourceType() === "document") nonces.push(nonce);
    });

    // Sign-up is a client-side form: it only works once the page has hydrated.
    await signUpNewUser(page, { prefix: "csp" });
    const chat = new ChatPage(page);
    await chat.goto();
    await chat.sendAndWait("Hello under a strict CSP");
    await expect(chat.messages("assistant").last()).toHaveAttribute("data-status", "complete");
    await new BillingPage(page).goto();

    expect(violations).toEqual([]);
    expect(nonces.length).toBeGreaterThanOrEqual(3);
    expect(new Set(nonces).size).toBe(nonces.length);
    // Every script in the page carries the nonce (Next's own and the inline theme script).
    const withoutNonce = await page.evaluate(() =>
      [...document.scripts].filter((s) => !s.nonce).map((s) => s.src || s.text.slice(0, 40)),
    );
    expect(withoutNonce).toEqual([]);
  });
});
