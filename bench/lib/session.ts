import { randomBytes } from "node:crypto";

import { verifyThroughInbox } from "./inbox";

export interface BenchUser {
  userId: string;
  email: string;
  /** Cookie header value carrying the next-auth session. */
  cookie: string;
}

function cookiePairs(res: Response): string[] {
  return res.headers.getSetCookie().map((c) => c.split(";")[0]!);
}

/**
 * Signs up through `auth.signUp`, confirms the email from the mail catcher (which brings the
 * signup bonus) and signs in through next-auth's credentials callback, like a browser.
 */
export async function signUpAndSignIn(baseUrl: string, label: string): Promise<BenchUser> {
  const email = `bench-${label}-${randomBytes(4).toString("hex")}@example.test`;
  const password = `Bench-${randomBytes(9).toString("base64url")}`;
  const signUp = await fetch(`${baseUrl}/api/trpc/auth.signUp`, {
    method: "POST",
    // What a browser on the app's page sends; /api/trpc refuses other origins (src/server/api/request-policy.ts).
    headers: { "content-type": "application/json", origin: new URL(baseUrl).origin, "sec-fetch-site": "same-origin" },
    body: JSON.stringify({ json: { email, password } }),
  });
  if (!signUp.ok) throw new Error(`auth.signUp answered ${signUp.status}: ${await signUp.text()}`);
  await verifyThroughInbox(baseUrl, email);

  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const signIn = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookiePairs(csrf).join("; ") },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${baseUrl}/` }).toString(),
  });
  const session = cookiePairs(signIn).find((c) => /^(__Secure-)?authjs\.session-token=/.test(c));
  if (!session) throw new Error(`sign-in gave no session cookie (status ${signIn.status})`);
  // auth.signUp does not say which account it made (no enumeration); the session does.
  const me = (await (await fetch(`${baseUrl}/api/auth/session`, { headers: { cookie: session } })).json()) as {
    user?: { id?: string };
  } | null;
  const userId = me?.user?.id;
  if (!userId) throw new Error("signed in, but the session names no user");
  return { userId, email, cookie: session };
}
