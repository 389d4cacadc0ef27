import { expect, type Page } from "@playwright/test";

import { inboxUrl } from "../stack/config.mjs";

interface CaughtMessage {
  id: string;
  subject: string;
  links: string[];
}

/** Waits until the stack's mail catcher holds a message to `email` with a link containing `linkPart`; returns that link. */
export async function mailedLink(page: Page, email: string, linkPart: string): Promise<string> {
  let link: string | undefined;
  await expect
    .poll(
      async () => {
        const res = await page.request.get(`${inboxUrl}/api/messages?to=${encodeURIComponent(email.toLowerCase())}`);
        const messages = (await res.json()) as CaughtMessage[];
        link = messages.flatMap((m) => m.links).find((l) => l.includes(linkPart));
        return Boolean(link);
      },
      { timeout: 30_000, message: `a mail to ${email} with ${linkPart}` },
    )
    .toBe(true);
  return link!;
}

/** Opens the verification link mailed to `email`, as its owner would, and waits for the confirmation. */
export async function verifyThroughInbox(page: Page, email: string): Promise<void> {
  await page.goto(await mailedLink(page, email, "/auth/verify?token="));
  await expect(page.getByTestId("verify-result")).toHaveAttribute("data-outcome", "verified");
}
