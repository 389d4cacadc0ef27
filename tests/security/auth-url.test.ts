import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";

type Handlers = { GET: (req: NextRequest) => Promise<Response> };

async function handlersAt(appUrl: string): Promise<Handlers> {
  vi.resetModules();
  vi.stubEnv("APP_URL", appUrl);
  return ((await import("~/server/auth")) as unknown as { handlers: Handlers }).handlers;
}

/** A request that reached the server with a forged Host (and proxy headers), as an attacker can send it. */
function forged(path: string): NextRequest {
  return new NextRequest(`http://evil.example${path}`, {
    headers: { host: "evil.example", "x-forwarded-host": "evil.example", "x-forwarded-proto": "http" },
  });
}

describe("auth URLs come from APP_URL, never from the Host header", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("sign-in and callback URLs use APP_URL's origin whatever Host says", async () => {
    const handlers = await handlersAt("https://tally.example.com");
    const res = await handlers.GET(forged("/api/auth/providers"));
    expect(res.status).toBe(200);
    const providers = (await res.json()) as Record<string, { signinUrl: string; callbackUrl: string }>;
    expect(providers.credentials).toMatchObject({
      signinUrl: "https://tally.example.com/api/auth/signin/credentials",
      callbackUrl: "https://tally.example.com/api/auth/callback/credentials",
    });
    expect(JSON.stringify(providers)).not.toContain("evil.example");
  });

  it("the sign-out form posts to APP_URL, and AUTH_URL follows APP_URL when it changes", async () => {
    const handlers = await handlersAt("https://app.tally.test");
    expect(process.env.AUTH_URL).toBe("https://app.tally.test/api/auth");
    const res = await handlers.GET(forged("/api/auth/signout"));
    const html = await res.text();
    expect(html).toContain('action="https://app.tally.test/api/auth/signout"');
    expect(html).not.toContain("evil.example");
  });
});
