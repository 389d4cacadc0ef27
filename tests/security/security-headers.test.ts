import { describe, expect, it } from "vitest";

import { contentSecurityPolicy, securityHeaders } from "~/server/http/security-headers.js";

function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(";").map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k!, v]));
}

describe("security headers", () => {
  it("production CSP allows only what the app needs", () => {
    const d = directives(contentSecurityPolicy({ dev: false, stripeOrigins: ["http://127.0.0.1:12111"] }));
    expect(d.get("default-src")).toEqual(["'self'"]);
    expect(d.get("frame-ancestors")).toEqual(["'none'"]);
    expect(d.get("object-src")).toEqual(["'none'"]);
    expect(d.get("script-src")).not.toContain("'unsafe-eval'");
    expect(d.get("connect-src")).toEqual(["'self'"]);
    expect(d.get("form-action")).toEqual(["'self'", "https://checkout.stripe.com", "http://127.0.0.1:12111"]);
    for (const values of d.values()) expect(values).not.toContain("*");
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
