import { cookies, headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";

import { LOCALE_COOKIE } from "./locales";
import { loadMessages } from "./messages";
import { negotiateLocale } from "./negotiate-locale";

// No locale in the URL: every request picks its locale from the cookie or Accept-Language.
export default getRequestConfig(async () => {
  const [cookieStore, headerStore] = await Promise.all([cookies(), headers()]);
  const locale = negotiateLocale(cookieStore.get(LOCALE_COOKIE)?.value, headerStore.get("accept-language"));
  return {
    locale,
    messages: await loadMessages(locale),
    // Dates render on the server and the client; one fixed zone keeps them identical (and matches the UTC day buckets).
    timeZone: "UTC",
  };
});
