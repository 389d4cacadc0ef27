import { PrismaAdapter } from "@auth/prisma-adapter";
import type { Adapter, AdapterUser } from "next-auth/adapters";
import { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import GitHub from "next-auth/providers/github";
import Google from "next-auth/providers/google";
import { z } from "zod";

import { env } from "~/env";
import { db } from "~/server/db";
import { clientAddress } from "~/server/rate-limit";
import { RateLimitedError } from "~/server/rate-limit/rate-limit";

import { createAccount } from "./accounts";
import { verifyCredentials } from "./credentials";
import { requestUserAgent } from "./request-user-agent";
import { endSession, sessionActive, startSession } from "./sessions";

// next-auth builds every sign-in, callback and redirect URL from AUTH_URL, or else from the request's
// Host/X-Forwarded-Host headers. APP_URL is the one source: a forged Host never shapes an auth URL.
process.env.AUTH_URL = new URL("/api/auth", env.APP_URL).href;

class RateLimitedSignIn extends CredentialsSignin {
  code = "rate_limited";
}

const credentialsInput = z.object({
  email: z.string().trim().email().max(254),
  password: z.string().min(1).max(128),
});

export const oauthProviders = {
  github: Boolean(env.AUTH_GITHUB_ID && env.AUTH_GITHUB_SECRET),
  google: Boolean(env.AUTH_GOOGLE_ID && env.AUTH_GOOGLE_SECRET),
};

// OAuth sign-ups go through createAccount too: the bonus comes at once when the provider vouches
// for the email (providerEmailVerified, set by the provider's profile callback), else after our own verification.
function adapter(): Adapter {
  const base = PrismaAdapter(db as never);
  return {
    ...base,
    createUser: async (user) =>
      (await createAccount(db, {
        email: user.email,
        name: user.name,
        image: user.image,
        emailVerified: (user as { providerEmailVerified?: boolean }).providerEmailVerified === true ? new Date() : null,
      })) as AdapterUser,
  };
}

export const authConfig = {
  secret: env.AUTH_SECRET,
  trustHost: true,
  // Session cookies are always HttpOnly + SameSite=Lax; Secure (and __Secure- prefixed) whenever the app is served over HTTPS.
  useSecureCookies: env.APP_URL.startsWith("https://"),
  // Sliding: each read re-issues the cookie; the server-side row (see sessions.ts) is what can end it early.
  session: { strategy: "jwt", maxAge: env.SESSION_MAX_AGE_SECONDS, updateAge: env.SESSION_UPDATE_AGE_SECONDS },
  pages: { signIn: "/auth", error: "/auth" },
  adapter: adapter(),
  providers: [
    Credentials({
      credentials: { email: {}, password: {} },
      async authorize(raw, request) {
        const parsed = credentialsInput.safeParse(raw);
        if (!parsed.success) return null;
        try {
          return await verifyCredentials(db, { ...parsed.data, ip: clientAddress(request.headers) });
        } catch (error) {
          if (error instanceof RateLimitedError) throw new RateLimitedSignIn();
          throw error;
        }
      },
    }),
    ...(oauthProviders.github
      ? [
          GitHub({
            clientId: env.AUTH_GITHUB_ID,
            clientSecret: env.AUTH_GITHUB_SECRET,
            allowDangerousEmailAccountLinking: false,
          }),
        ]
      : []),
    ...(oauthProviders.google
      ? [
          Google({
            clientId: env.AUTH_GOOGLE_ID,
            clientSecret: env.AUTH_GOOGLE_SECRET,
            profile: (p) => ({
              id: p.sub,
              name: p.name,
              email: p.email,
              image: p.picture,
              providerEmailVerified: p.email_verified === true,
            }),
          }),
        ]
      : []),
  ],
  events: {
    async signOut(message) {
      if ("token" in message && message.token) await endSession(db, message.token.sid);
    },
  },
  callbacks: {
    // A session lives as long as its row: sign-out, "sign out everywhere" and password resets delete rows.
    async jwt({ token, user }) {
      if (user?.id) {
        token.sub = user.id;
        token.sid = await startSession(db, user.id, Date.now(), await requestUserAgent());
        return token;
      }
      if (!token.sub || !(await sessionActive(db, token.sid, token.sub))) return null;
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      // Server code needs it to keep the current session when ending the others (password change).
      if (typeof token.sid === "string") (session as { sid?: string }).sid = token.sid;
      return session;
    },
    // Only same-site redirects after sign-in/out: no open redirect through callbackUrl.
    redirect({ url, baseUrl }) {
      if (url.startsWith("/") && !url.startsWith("//") && !url.startsWith("/\\")) return `${baseUrl}${url}`;
      try {
        if (new URL(url).origin === baseUrl) return url;
      } catch {
        // not a URL: fall through
      }
      return baseUrl;
    },
  },
} satisfies NextAuthConfig;
