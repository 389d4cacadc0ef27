import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";

import { captureLogs } from "./log-capture";

// next-auth's own handlers (the /api/auth route), on the app's database (a throwaway PGlite in tests).
type Handlers = { GET: (req: NextRequest) => Promise<Response>; POST: (req: NextRequest) => Promise<Response> };

interface Cookie {
  name: string;
  value: string;
  attributes: Map<string, string>;
}

function setCookies(res: Response): Cookie[] {
  return res.headers.getSetCookie().map((line) => {
    const [pair, ...attrs] = line.split(";").map((s) => s.trim());
    const eq = pair!.indexOf("=");
    return {
      name: pair!.slice(0, eq),
      value: pair!.slice(eq + 1),
      attributes: new Map(attrs.map((a) => [a.split("=")[0]!.toLowerCase(), a.split("=").slice(1).join("=")])),
    };
  });
}

/** Loads the auth module with APP_URL as given (the cookie policy is fixed when the config is built). */
async function authAt(
  appUrl: string,
): Promise<{ handlers: Handlers; signUp: (email: string, password: string) => Promise<void> }> {
  vi.resetModules();
  vi.stubEnv("APP_URL", appUrl);
  const { handlers } = (await import("~/server/auth")) as unknown as { handlers: Handlers };
  const { signUpWithPassword } = await import("~/server/auth/accounts");
  const { db } = await import("~/server/db");
  return { handlers, signUp: async (email, password) => void (await signUpWithPassword(db, { email, password })) };
}

async function signIn(
  handlers: Handlers,
  base: string,
  email: string,
  password: string,
): Promise<{ csrf: Response; signIn: Response }> {
  const csrf = await handlers.GET(new NextRequest(`${base}/api/auth/csrf`));
  const { csrfToken } = (await csrf.clone().json()) as { csrfToken: string };
  const cookie = setCookies(csrf)
    .map((c) => `${c.name}=${c.value}`)
    .join("; ");
  const res = await handlers.POST(
    new NextRequest(`${base}/api/auth/callback/credentials`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie, "x-tally-peer-address": "10.99.0.1" },
      body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${base}/chat` }).toString(),
    }),
  );
  return { csrf, signIn: res };
}

const PASSWORD = "a long enough passphrase";

describe("session cookies", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("over http: HttpOnly, SameSite=Lax, Path=/, not Secure; a tampered session token is no session", async () => {
    const base = "http://localhost:3000";
    const { handlers, signUp } = await authAt(base);
    const email = `cookie-http-${Date.now()}@test.local`;
    await signUp(email, PASSWORD);
    const { csrf, signIn: res } = await signIn(handlers, base, email, PASSWORD);

    const csrfCookie = setCookies(csrf).find((c) => c.name === "authjs.csrf-token");
    expect(csrfCookie).toBeDefined();
    expect(csrfCookie!.attributes.has("httponly")).toBe(true);
    expect(csrfCookie!.attributes.get("samesite")?.toLowerCase()).toBe("lax");

    const session = setCookies(res).find((c) => c.name === "authjs.session-token");
    expect(session, JSON.stringify(res.headers.getSetCookie())).toBeDefined();
    expect(session!.attributes.has("httponly")).toBe(true);
    expect(session!.attributes.get("samesite")?.toLowerCase()).toBe("lax");
    expect(session!.attributes.get("path")).toBe("/");
    expect(session!.attributes.has("secure")).toBe(false);
    expect(Date.parse(session!.attributes.get("expires")!)).toBeGreaterThan(Date.now());

    const read = (token: string) =>
      handlers.GET(
        new NextRequest(`${base}/api/auth/session`, { headers: { cookie: `authjs.session-token=${token}` } }),
      );
    expect(((await (await read(session!.value)).json()) as { user?: { email?: string } }).user?.email).toBe(email);
    const tampered = session!.value.slice(0, -4) + (session!.value.endsWith("AAAA") ? "BBBB" : "AAAA");
    // next-auth logs the failed decryption; keep it out of the test output.
    const { result: rejected } = await captureLogs(async () => (await read(tampered)).json());
    expect(rejected).toBeNull();
  });

  it("a wrong password sets no session cookie", async () => {
    const base = "http://localhost:3000";
    const { handlers, signUp } = await authAt(base);
    const email = `cookie-wrong-${Date.now()}@test.local`;
    await signUp(email, PASSWORD);
    const { signIn: res } = await signIn(handlers, base, email, "not the password at all");
    expect(setCookies(res).some((c) => c.name.endsWith("authjs.session-token") && c.value)).toBe(false);
  });

  it("over https (APP_URL https://…): __Secure-/__Host- prefixed, Secure, HttpOnly, SameSite=Lax", async () => {
    const base = "https://tally.example";
    const { handlers, signUp } = await authAt(base);
    const email = `cookie-https-${Date.now()}@test.local`;
    await signUp(email, PASSWORD);
    const { csrf, signIn: res } = await signIn(handlers, base, email, PASSWORD);

    const csrfCookie = setCookies(csrf).find((c) => c.name === "__Host-authjs.csrf-token");
    expect(csrfCookie, JSON.stringify(csrf.headers.getSetCookie())).toBeDefined();
    expect(csrfCookie!.attributes.has("secure")).toBe(true);

    const session = setCookies(res).find((c) => c.name === "__Secure-authjs.session-token");
    expect(session, JSON.stringify(res.headers.getSetCookie())).toBeDefined();
    expect(session!.attributes.has("secure")).toBe(true);
    expect(session!.attributes.has("httponly")).toBe(true);
    expect(session!.attributes.get("samesite")?.toLowerCase()).toBe("lax");
    expect(setCookies(res).every((c) => c.attributes.has("secure"))).toBe(true);
  });
});
