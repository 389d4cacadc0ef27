import { expect, test } from "@playwright/test";

import { BillingPage } from "../pages/billing.page";
import { ChatPage } from "../pages/chat.page";
import { signUpNewUser } from "../support/accounts";

test.describe("journey 9: content security policy", () => {
  test("pages hydrate under a per-request script nonce with no CSP violation on /auth, /chat, /billing, /billing/usage and /pricing", async ({
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
    // The usage page loads its chart as a separate chunk after hydration; /pricing is server-rendered.
    await page.goto("/billing/usage");
    await expect(page.getByTestId("usage-chart").locator(".recharts-bar-rectangle").first()).toBeVisible();
    await page.goto("/pricing");
    await expect(page.getByTestId("pricing-per1000-starter")).toBeVisible();

    expect(violations).toEqual([]);
    expect(nonces.length).toBeGreaterThanOrEqual(3);
    expect(new Set(nonces).size).toBe(nonces.length);
    // Every script the server writes into the page carries that response's nonce (Next's own and the
    // inline theme script). Chunks Next's runtime adds later (an error boundary, a prefetched route)
    // are trusted through 'strict-dynamic' instead; the violation check above covers them.
    for (const path of ["/auth", "/chat", "/billing", "/billing/usage", "/pricing"]) {
      const res = await page.request.get(path);
      const nonce = /'nonce-([^']+)'/.exec(res.headers()["content-security-policy"] ?? "")?.[1];
      expect(nonce, path).toBeTruthy();
      const scripts = (await res.text()).match(/<script\b[^>]*>/g) ?? [];
      expect(scripts.length, path).toBeGreaterThan(0);
      expect(
        scripts.filter((tag) => !tag.includes(`nonce="${nonce}"`)),
        path,
      ).toEqual([]);
    }
  });
});
