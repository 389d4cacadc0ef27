/**
 * Account mail, rendered from the locale's messages (namespace "mail") into a subject, a
 * plain-text part and a small HTML part. Parameters are plain values; HTML output escapes them.
 */
import { createTranslator } from "next-intl";

import { DEFAULT_LOCALE, isLocale } from "~/i18n/locales";
import { loadMessages } from "~/i18n/messages";

export const MAIL_TEMPLATES = [
  "verify_email",
  "reset_password",
  "account_exists",
  "low_balance",
  "auto_top_up_failed",
  "auto_top_up_action",
  "team_invite",
] as const;
export type MailTemplate = (typeof MAIL_TEMPLATES)[number];

export interface MailParams {
  /** The one link the message is about (verification, reset). */
  link: string;
  bonus?: number;
  minutes?: number;
  /** low_balance: the balance after the crossing, the threshold, and the alert setting's page. */
  balance?: number;
  threshold?: number;
  settingsLink?: string;
  /** auto_top_up_*: the top-up's credits; auto_top_up_failed: why auto top-up was turned off (contract.ts's reasons). */
  credits?: number;
  reason?: string;
  /** team_invite: the team's and the inviter's names, the role offered and how many days the link works. */
  teamName?: string;
  inviter?: string;
  role?: string;
  days?: number;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const KEYS: Record<
  MailTemplate,
  | "verifyEmail"
  | "resetPassword"
  | "accountExists"
  | "lowBalance"
  | "autoTopUpFailed"
  | "autoTopUpAction"
  | "teamInvite"
> = {
  verify_email: "verifyEmail",
  reset_password: "resetPassword",
  account_exists: "accountExists",
  low_balance: "lowBalance",
  auto_top_up_failed: "autoTopUpFailed",
  auto_top_up_action: "autoTopUpAction",
  team_invite: "teamInvite",
};

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

export async function renderMail(template: MailTemplate, locale: string, params: MailParams): Promise<RenderedMail> {
  const lang = isLocale(locale) ? locale : DEFAULT_LOCALE;
  const t = createTranslator({ locale: lang, messages: await loadMessages(lang), namespace: "mail" });
  const key = KEYS[template];
  const values = {
    bonus: params.bonus ?? 0,
    minutes: params.minutes ?? 0,
    balance: params.balance ?? 0,
    threshold: params.threshold ?? 0,
    credits: params.credits ?? 0,
    reason: params.reason ?? "other",
    teamName: params.teamName ?? "",
    inviter: params.inviter ?? "",
    role: params.role ?? "member",
    days: params.days ?? 0,
  };
  const subject = t(`${key}.subject`, values);
  const intro = t(`${key}.intro`, values);
  const action = t(`${key}.action`, values);
  const ignore = t(`${key}.ignore`, values);
  const signature = t("signature");
  // A second link (the low-balance mail's "change this alert"), when the template has one.
  const settings =
    key === "lowBalance" && params.settingsLink ? { label: t("lowBalance.settings"), link: params.settingsLink } : null;
  const settingsText = settings ? `${settings.label}: ${settings.link}\n\n` : "";
  const text = `${intro}\n\n${action}: ${params.link}\n\n${settingsText}${ignore}\n\n${signature}\n`;
  const html = `<!doctype html><html lang="${lang}"><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#111">
<p>${escapeHtml(intro)}</p>
<p><a href="${escapeHtml(params.link)}" style="display:inline-block;background:#2563eb;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">${escapeHtml(action)}</a></p>
<p style="font-size:13px;color:#555">${escapeHtml(params.link)}</p>
${settings ? `<p><a href="${escapeHtml(settings.link)}">${escapeHtml(settings.label)}</a></p>\n` : ""}<p style="font-size:13px;color:#555">${escapeHtml(ignore)}</p>
<p>${escapeHtml(signature)}</p>
</body></html>`;
  return { subject, text, html };
}
