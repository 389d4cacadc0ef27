import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { LOCALES } from "~/i18n/locales";
import { inTransaction } from "~/server/database/transaction";
import {
  deliverDue,
  enqueueMail,
  MAX_ATTEMPTS,
  MAIL_TEMPLATES,
  renderMail,
  smtpTransport,
  type MailTransport,
} from "~/server/mail";

import { startMailCatcher, type MailCatcher } from "../../tools/mail-catcher/src/catcher";
import { captureLogs } from "../security/log-capture";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";

const LINK = "http://localhost:3000/auth/verify?token=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

describe("mail templates", () => {
  it.each(LOCALES.flatMap((locale) => MAIL_TEMPLATES.map((template) => [locale, template] as const)))(
    "%s %s: subject, text part with the link, escaped HTML part",
    async (locale, template) => {
      const mail = await renderMail(template, locale, { link: LINK, bonus: 10_000, minutes: 30 });
      expect(mail.subject.length).toBeGreaterThan(5);
      expect(mail.text).toContain(LINK);
      expect(mail.html).toContain(`href="${LINK}"`);
      expect(mail.html).toContain(`lang="${locale}"`);
      if (template === "verify_email") expect(mail.text).toContain(new Intl.NumberFormat(locale).format(10_000));
      if (template === "reset_password") expect(mail.text).toContain("30");
    },
  );

  it("an unknown locale falls back to English; parameters are escaped in HTML", async () => {
    const mail = await renderMail("verify_email", "xx", { link: 'http://x/"><script>alert(1)</script>' });
    expect(mail.subject).toBe("Confirm your email for Tally");
    expect(mail.html).not.toContain("<script>");
  });
});

describeEachDb("mail outbox", (kind) => {
  let t: TestDb;
  let catcher: MailCatcher;
  beforeAll(async () => {
    t = await createTestDb(kind);
    catcher = await startMailCatcher();
  });
  afterAll(async () => {
    await catcher.close();
    await t.close();
  });

  it("a message queued in a transaction that rolls back is never sent", async () => {
    const to = `rollback-${kind}@example.test`;
    await expect(
      inTransaction(t.db, async (tx) => {
        await enqueueMail(tx, { to, template: "verify_email", locale: "en", params: { link: LINK } });
        throw new Error("the causing change failed");
      }),
    ).rejects.toThrow("the causing change failed");
    expect(await t.db.mailOutbox.count({ where: { to } })).toBe(0);
  });

  it("committed mail goes out over SMTP once, with a text and an HTML part; logs carry ids, never the address or the link", async () => {
    const to = `smtp-${kind}@example.test`;
    await inTransaction(t.db, (tx) =>
      enqueueMail(tx, { to, template: "verify_email", locale: "de", params: { link: LINK, bonus: 10_000 } }),
    );
    const { result: sent, logs } = await captureLogs(() =>
      deliverDue(t.db, smtpTransport(catcher.smtpUrl, "Tally <no-reply@tally.test>")),
    );
    expect(sent).toBeGreaterThanOrEqual(1);
    expect(await deliverDue(t.db, smtpTransport(catcher.smtpUrl))).toBe(0);

    const caught = (await (await fetch(`${catcher.webUrl}/api/messages?to=${encodeURIComponent(to)}`)).json()) as {
      subject: string;
      text: string;
      html: string;
      links: string[];
    }[];
    expect(caught).toHaveLength(1);
    expect(caught[0]!.subject).toBe("Bestätige deine E-Mail für Tally");
    expect(caught[0]!.links).toEqual([LINK]);
    expect(caught[0]!.html).toContain(LINK);

    const row = await t.db.mailOutbox.findFirstOrThrow({ where: { to } });
    expect(row).toMatchObject({ status: "sent", params: null, attempts: 1 });
    const text = logs.raw.join("\n");
    expect(logs.events.filter((e) => e.msg === "mail_sent")).toEqual([
      expect.objectContaining({ mailId: row.id, template: "verify_email" }),
    ]);
    expect(text).not.toContain(to);
    expect(text).not.toContain("abcdefghijklmnop");
  });

  it("a failing SMTP server is retried with backoff, then given up after MAX_ATTEMPTS; nothing is lost before that", async () => {
    const to = `retry-${kind}@example.test`;
    await inTransaction(t.db, (tx) =>
      enqueueMail(tx, { to, template: "reset_password", locale: "en", params: { link: LINK, minutes: 30 } }),
    );
    let calls = 0;
    const failing: MailTransport = {
      send: async () => {
        calls++;
        throw new Error("421 try later");
      },
    };
    let now = new Date();
    await captureLogs(() => deliverDue(t.db, failing, { now }));
    let row = await t.db.mailOutbox.findFirstOrThrow({ where: { to } });
    expect(row).toMatchObject({ status: "pending", attempts: 1, lastError: "421 try later" });
    // Not retried before its time...
    await deliverDue(t.db, failing, { now });
    expect(calls).toBe(1);
    // ...then once per due time until it gives up.
    for (let i = 1; i < MAX_ATTEMPTS; i++) {
      now = new Date(row.nextAttemptAt.getTime() + 1);
      await captureLogs(() => deliverDue(t.db, failing, { now }));
      row = await t.db.mailOutbox.findFirstOrThrow({ where: { to } });
    }
    expect(calls).toBe(MAX_ATTEMPTS);
    expect(row).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS, params: null });
  });

  it("a message that fails once is delivered on the next due run", async () => {
    const to = `flaky-${kind}@example.test`;
    await inTransaction(t.db, (tx) =>
      enqueueMail(tx, {
        to,
        template: "account_exists",
        locale: "fr",
        params: { link: "http://localhost:3000/auth/reset" },
      }),
    );
    const now = new Date();
    await captureLogs(() => deliverDue(t.db, { send: () => Promise.reject(new Error("connection refused")) }, { now }));
    const row = await t.db.mailOutbox.findFirstOrThrow({ where: { to } });
    await deliverDue(t.db, smtpTransport(catcher.smtpUrl), { now: new Date(row.nextAttemptAt.getTime() + 1) });
    expect(await t.db.mailOutbox.findFirstOrThrow({ where: { to } })).toMatchObject({ status: "sent", attempts: 2 });
    expect(catcher.messages().filter((m) => m.to.includes(to))).toHaveLength(1);
  });
});
