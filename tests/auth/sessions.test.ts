import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it, vi } from "vitest";

import type * as Accounts from "~/server/auth/accounts";
import type * as Reset from "~/server/auth/password-reset";
import type * as Sessions from "~/server/auth/sessions";
import type { Db } from "~/server/db";

import { captureLogs } from "../security/log-capture";

// next-auth's own handlers (the /api/auth route) on the app's database (a throwaway PGlite in tests).
type Handlers = { GET: (req: NextRequest) => Promise<Response>; POST: (req: NextRequest) => Promise<Response> };
const BASE = "http://localhost:3000";
const PASSWORD = "correct horse battery staple";
const NEW_PASSWORD = "a brand new passphrase for tally";

let handlers: Handlers;
let app: {
  db: Db;
  signUpWithPassword: typeof Accounts.signUpWithPassword;
  endAllSessions: typeof Sessions.endAllSessions;
  requestPasswordReset: typeof Reset.requestPasswordReset;
  resetPassword: typeof Reset.resetPassword;
  changePassword: typeof Reset.changePassword;
};

function cookiePairs(res: Response): string[] {
  return res.headers.getSetCookie().map((c) => c.split(";")[0]!);
}

async function csrf(): Promise<{ token: string; cookie: string }> {
  const res = await handlers.GET(new NextRequest(`${BASE}/api/auth/csrf`));
  return { token: ((await res.json()) as { csrfToken: string }).csrfToken, cookie: cookiePairs(res).join("; ") };
}

/** Signs in like a browser; returns the session cookie ("name=value") or null. */
async function signIn(email: string, password: string): Promise<string | null> {
  const c = await csrf();
  const res = await handlers.POST(
    new NextRequest(`${BASE}/api/auth/callback/credentials`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie: c.cookie,
        "x-tally-peer-address": "10.61.0.1",
      },
      body: new URLSearchParams({ csrfToken: c.token, email, password, callbackUrl: `${BASE}/chat` }).toString(),
    }),
  );
  return (
    cookiePairs(res).find((p) => p.startsWith("authjs.session-token=") && p.length > "authjs.session-token=".length) ??
    null
  );
}

/** The user email the session cookie stands for, or null when it is no session (any more). */
async function whoIs(cookie: string): Promise<string | null> {
  const { result } = await captureLogs(async () => {
    const res = await handlers.GET(new NextRequest(`${BASE}/api/auth/session`, { headers: { cookie } }));
    return (await res.json()) as { user?: { email?: string } } | null;
  });
  return result?.user?.email ?? null;
}

async function signOut(cookie: string): Promise<void> {
  const c = await csrf();
  await handlers.POST(
    new NextRequest(`${BASE}/api/auth/signout`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: `${c.cookie}; ${cookie}` },
      body: new URLSearchParams({ csrfToken: c.token, callbackUrl: BASE }).toString(),
    }),
  );
}

async function newAccount(label: string): Promise<{ email: string; id: string }> {
  const email = `sessions-${label}-${Date.now()}@test.local`;
  await app.signUpWithPassword(app.db, { email, password: PASSWORD });
  return { email, id: (await app.db.user.findUniqueOrThrow({ where: { email } })).id };
}

describe("revocable sessions", () => {
  beforeAll(async () => {
    vi.resetModules();
    vi.stubEnv("APP_URL", BASE);
    handlers = ((await import("~/server/auth")) as unknown as { handlers: Handlers }).handlers;
    const [{ db }, accounts, sessions, reset] = await Promise.all([
      import("~/server/db"),
      import("~/server/auth/accounts"),
      import("~/server/auth/sessions"),
      import("~/server/auth/password-reset"),
    ]);
    app = { db, signUpWithPassword: accounts.signUpWithPassword, endAllSessions: sessions.endAllSessions, ...reset };
  });

  it("sign-out ends that session on the server: the old cookie is refused, other devices stay signed in", async () => {
    const { email } = await newAccount("signout");
    const laptop = (await signIn(email, PASSWORD))!;
    const phone = (await signIn(email, PASSWORD))!;
    expect(await whoIs(laptop)).toBe(email);
    await signOut(laptop);
    expect(await whoIs(laptop)).toBeNull();
    expect(await whoIs(phone)).toBe(email);
  });

  it("sign out everywhere refuses every earlier cookie", async () => {
    const { email, id } = await newAccount("everywhere");
    const a = (await signIn(email, PASSWORD))!;
    const b = (await signIn(email, PASSWORD))!;
    expect(await app.endAllSessions(app.db, id)).toBe(2);
    expect(await whoIs(a)).toBeNull();
    expect(await whoIs(b)).toBeNull();
    expect(await whoIs((await signIn(email, PASSWORD))!)).toBe(email);
  });

  it("a password reset refuses every earlier cookie and the old password", async () => {
    const { email } = await newAccount("reset");
    const before = (await signIn(email, PASSWORD))!;
    await app.requestPasswordReset(app.db, email, "en");
    const mail = await app.db.mailOutbox.findFirstOrThrow({ where: { to: email, template: "reset_password" } });
    const token = new URL((mail.params as { link: string }).link).searchParams.get("token")!;
    await app.resetPassword(app.db, token, NEW_PASSWORD);
    expect(await whoIs(before)).toBeNull();
    expect(await signIn(email, PASSWORD)).toBeNull();
    expect(await whoIs((await signIn(email, NEW_PASSWORD))!)).toBe(email);
  });

  it("a password change keeps the session that made it and ends the others", async () => {
    const { email, id } = await newAccount("change");
    const here = (await signIn(email, PASSWORD))!;
    const elsewhere = (await signIn(email, PASSWORD))!;
    const res = await handlers.GET(new NextRequest(`${BASE}/api/auth/session`, { headers: { cookie: here } }));
    const sid = ((await res.json()) as { sid: string }).sid;
    expect(await app.db.session.count({ where: { userId: id } })).toBe(2);
    await app.changePassword(app.db, {
      userId: id,
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
      keepSessionId: sid,
    });
    expect([await whoIs(here), await whoIs(elsewhere)]).toEqual([email, null]);
  });
});

describe("account housekeeping", () => {
  it("drops expired session rows and tokens and week-old delivered mail, and keeps live ones", async () => {
    const { db } = await import("~/server/db");
    const { deleteDeadAccountRows } = await import("~/server/auth/housekeeping");
    const user = await db.user.create({ data: { email: `housekeeping-${Date.now()}@test.local` } });
    const past = new Date(Date.now() - 60_000);
    const future = new Date(Date.now() + 3_600_000);
    await db.session.createMany({
      data: [
        { sessionToken: `dead-${user.id}`, userId: user.id, expires: past },
        { sessionToken: `live-${user.id}`, userId: user.id, expires: future },
      ],
    });
    await db.accountToken.createMany({
      data: [
        { userId: user.id, purpose: "verify_email", tokenHash: `dead-${user.id}`, email: user.email!, expiresAt: past },
        {
          userId: user.id,
          purpose: "verify_email",
          tokenHash: `live-${user.id}`,
          email: user.email!,
          expiresAt: future,
        },
      ],
    });
    const old = new Date(Date.now() - 8 * 24 * 3_600_000);
    await db.mailOutbox.createMany({
      data: [
        { to: user.email!, template: "verify_email", locale: "en", status: "sent", createdAt: old },
        { to: user.email!, template: "verify_email", locale: "en", status: "pending", createdAt: old },
      ],
    });
    await deleteDeadAccountRows();
    expect((await db.session.findMany({ where: { userId: user.id } })).map((s) => s.sessionToken)).toEqual([
      `live-${user.id}`,
    ]);
    expect((await db.accountToken.findMany({ where: { userId: user.id } })).map((t) => t.tokenHash)).toEqual([
      `live-${user.id}`,
    ]);
    expect((await db.mailOutbox.findMany({ where: { to: user.email! } })).map((m) => m.status)).toEqual(["pending"]);
  });
});
