import { describe, expect, it } from "vitest";

import { LOCALES } from "~/i18n/locales";
import { loadMessages } from "~/i18n/messages";
import { renderMail } from "~/server/mail";

const BILLING = "http://localhost:3000/billing";
const SETTINGS = "http://localhost:3000/account#low-balance";

/** Every string of the locale's mail.lowBalance but the subject, placeholders cut out (what the text shows verbatim). */
async function fixedParts(locale: string): Promise<string[]> {
  const messages = (await loadMessages(locale as never)) as unknown as {
    mail: { lowBalance: Record<string, string>; signature: string };
  };
  const { subject: _subject, ...body } = messages.mail.lowBalance;
  return [...Object.values(body), messages.mail.signature].flatMap((s) =>
    s
      .split(/\{[^}]*\}/)
      .map((part) => part.trim())
      .filter((part) => part.length > 1),
  );
}

describe("low-balance mail", () => {
  it.each(LOCALES)(
    "%s: subject, balance and threshold in the locale's digits, both links, no raw keys",
    async (locale) => {
      const mail = await renderMail("low_balance", locale, {
        link: BILLING,
        settingsLink: SETTINGS,
        balance: 3_200,
        threshold: 5_000,
      });
      const format = (n: number) => new Intl.NumberFormat(locale).format(n);
      expect(mail.subject.length).toBeGreaterThan(5);
      for (const part of [mail.subject, mail.text, mail.html])
        expect(part).not.toMatch(/lowBalance\.|mail\.|\{(balance|threshold)/);
      expect(mail.text).toContain(format(3_200));
      expect(mail.text).toContain(format(5_000));
      expect(mail.text).toContain(BILLING);
      expect(mail.text).toContain(SETTINGS);
      expect(mail.html).toContain(`href="${BILLING}"`);
      expect(mail.html).toContain(`href="${SETTINGS}"`);
      expect(mail.html).toContain(`lang="${locale}"`);
      // The locale's own words are what is sent (not English, not keys).
      for (const part of await fixedParts(locale)) expect(mail.text).toContain(part);
    },
  );

  it("other locales are translated, not English copies", async () => {
    const en = await renderMail("low_balance", "en", {
      link: BILLING,
      settingsLink: SETTINGS,
      balance: 1,
      threshold: 2,
    });
    for (const locale of LOCALES.filter((l) => l !== "en")) {
      const mail = await renderMail("low_balance", locale, {
        link: BILLING,
        settingsLink: SETTINGS,
        balance: 1,
        threshold: 2,
      });
      expect(mail.subject, locale).not.toBe(en.subject);
      expect(mail.text, locale).not.toContain("Change or turn off this alert");
    }
  });

  it("escapes the links in HTML", async () => {
    const mail = await renderMail("low_balance", "en", {
      link: 'http://x/"><script>alert(1)</script>',
      settingsLink: "http://x/<b>",
      balance: 1,
      threshold: 2,
    });
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).not.toContain("<b>");
  });
});
