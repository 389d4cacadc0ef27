import { LOCALE_COOKIE } from "~/i18n/locales";
import { negotiateLocale } from "~/i18n/negotiate-locale";

/** The language to write a user's mail in: their locale cookie, else Accept-Language. */
export function requestLocale(headers: Headers): string {
  const cookie = headers
    .get("cookie")
    ?.split(";")
    .map((c) => c.trim().split("="))
    .find(([name]) => name === LOCALE_COOKIE)?.[1];
  return negotiateLocale(cookie, headers.get("accept-language"));
}
