import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";

import { proxy } from "~/proxy";
import { contentSecurityPolicy, securityHeaders } from "~/server/http/security-headers.js";

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .map(([k, ...v]) => [k!, v]),
  );
}

/** What the proxy answers for one page request: the CSP sent to the browser and the request headers the page renders with. */
function pageRequest(headers: Record<string, string> = {}) {
  const res = proxy(new NextRequest("http://localhost:3000/chat", { headers }));
  const csp = res.headers.get("content-security-policy") ?? "";
  return {
    csp,
    nonce: /'nonce-([^']+)'/.exec(csp)?.[1],
    forwardedNonce: res.headers.get("x-middleware-request-x-nonce"),
    forwardedCsp: res.headers.get("x-middleware-request-content-security-policy"),
  };
}

describe("security headers", () => {
  it("production CSP allows only what the app needs", () => {
    const d = directives(
      contentSecurityPolicy({ dev: false, nonce: "abc", stripeOrigins: ["http://127.0.0.1:12111"] }),
    );
    expect(d.get("default-src")).toEqual(["'self'"]);
    expect(d.get("frame-ancestors")).toEqual(["'none'"]);
    expect(d.get("object-src")).toEqual(["'none'"]);
    expect(d.get("script-src")).toEqual(["'self'", "'nonce-abc'", "'strict-dynamic'"]);
    expect(d.get("connect-src")).toEqual(["'self'"]);
    expect(d.get("form-action")).toEqual(["'self'", "https://checkout.stripe.com", "http://127.0.0.1:12111"]);
    for (const values of d.values()) expect(values).not.toContain("*");
  });

  it("no inline script runs without the nonce, in production or development, with or without a page", () => {
    for (const dev of [false, true]) {
      for (const nonce of ["abc", undefined]) {
        const scriptSrc = directives(contentSecurityPolicy({ dev, nonce })).get("script-src")!;
        expect(scriptSrc).not.toContain("'unsafe-inline'");
        expect(scriptSrc.includes("'unsafe-eval'")).toBe(dev);
      }
    }
  });

  it("every page response gets a fresh nonce, in its CSP and in the headers the page renders with", () => {
    const first = pageRequest();
    const second = pageRequest();
    expect(first.nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(second.nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(first.nonce).not.toBe(second.nonce);
    expect(first.forwardedNonce).toBe(first.nonce);
    expect(first.forwardedCsp).toBe(first.csp);
    const scriptSrc = directives(first.csp).get("script-src")!;
    expect(scriptSrc).toContain(`'nonce-${first.nonce}'`);
    expect(scriptSrc).toContain("'strict-dynamic'");
    expect(scriptSrc).not.toContain("'unsafe-inline'");
  });

  it("a client cannot choose the nonce", () => {
    const res = pageRequest({ "x-nonce": "attacker", "content-security-policy": "script-src *" });
    expect(res.forwardedNonce).not.toBe("attacker");
    expect(res.forwardedNonce).toBe(res.nonce);
    expect(res.forwardedCsp).toBe(res.csp);
  });

  it("HSTS only in production over https; the rest always", () => {
    const keys = (h: { key: string }[]) => h.map((x) => x.key);
    expect(keys(securityHeaders({ dev: false, https: true }))).toContain("Strict-Transport-Security");
    expect(keys(securityHeaders({ dev: false, https: false }))).not.toContain("Strict-Transport-Security");
    expect(keys(securityHeaders({ dev: true, https: true }))).not.toContain("Strict-Transport-Security");
    const prod = Object.fromEntries(securityHeaders({ dev: false, https: true }).map((h) => [h.key, h.value]));
    expect(prod["X-Content-Type-Options"]).toBe("nosniff");
    expect(prod["Referrer-Policy"]).toBe("strict-origin-when-cross-origin");
  });
});
