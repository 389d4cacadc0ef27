import type { Db } from "~/server/db";
import type { MailTemplate } from "~/server/mail";

/** The newest queued message of `template` to `to` (params hold its link until it is sent). */
export async function latestMail(
  db: Db,
  to: string,
  template: MailTemplate,
): Promise<{ id: string; link: string; status: string }> {
  const mail = await db.mailOutbox.findFirstOrThrow({
    where: { to: to.toLowerCase(), template },
    orderBy: { createdAt: "desc" },
  });
  return { id: mail.id, link: (mail.params as { link?: string } | null)?.link ?? "", status: mail.status };
}

/** The token in a mailed link (…?token=…). */
export function tokenOf(link: string): string {
  return new URL(link).searchParams.get("token") ?? "";
}
