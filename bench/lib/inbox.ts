/**
 * New accounts get their signup bonus only after verifying their email, so harness users verify
 * the way a person does: through the mail the app sent to the local mail catcher.
 */
const inboxes = new Map<string, string>();

/** Records which mail catcher receives the mail of the app at `appUrl`. */
export function registerInbox(appUrl: string, inboxUrl: string): void {
  inboxes.set(appUrl, inboxUrl);
}

/** Waits for the verification mail to `email`, then confirms it through the app's API. */
export async function verifyThroughInbox(appUrl: string, email: string, timeoutMs = 30_000): Promise<void> {
  const inbox = inboxes.get(appUrl);
  if (!inbox) throw new Error(`no mail catcher registered for ${appUrl}`);
  const deadline = Date.now() + timeoutMs;
  let link: string | undefined;
  while (!link) {
    const messages = (await (await fetch(`${inbox}/api/messages?to=${encodeURIComponent(email)}`)).json()) as {
      links: string[];
    }[];
    link = messages.flatMap((m) => m.links).find((l) => l.includes("/auth/verify?token="));
    if (link) break;
    if (Date.now() > deadline) throw new Error(`no verification mail for ${email} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const token = new URL(link).searchParams.get("token");
  const res = await fetch(`${appUrl}/api/trpc/auth.verifyEmail`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ json: { token } }),
  });
  if (!res.ok) throw new Error(`auth.verifyEmail answered ${res.status}: ${await res.text()}`);
}
