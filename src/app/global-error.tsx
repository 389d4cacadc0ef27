"use client";

import "~/styles/globals.css";

import { NextIntlClientProvider } from "next-intl";
import { useEffect, useState } from "react";

import { ErrorContent } from "~/components/errors/error-content";
import { DEFAULT_LOCALE, isLocale, LOCALE_COOKIE, type Locale } from "~/i18n/locales";
import { loadMessages, type Messages } from "~/i18n/messages";
import { negotiateLocale } from "~/i18n/negotiate-locale";

function browserLocale(): Locale {
  const cookie = document.cookie
    .split(";")
    .map((c) => c.trim().split("="))
    .find(([name]) => name === LOCALE_COOKIE)?.[1];
  const locale = negotiateLocale(cookie, navigator.languages.join(","));
  return isLocale(locale) ? locale : DEFAULT_LOCALE;
}

/** The root layout itself failed: this replaces the whole document, so it brings its own html, styles and messages. */
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const [intl, setIntl] = useState<{ locale: Locale; messages: Messages } | null>(null);
  useEffect(() => {
    const locale = browserLocale();
    void loadMessages(locale).then((messages) => setIntl({ locale, messages }));
  }, []);
  return (
    <html lang={intl?.locale ?? "en"}>
      <body className="min-h-dvh bg-white font-sans text-gray-900 dark:bg-gray-950 dark:text-gray-100">
        <main className="mx-auto w-full max-w-6xl px-3 py-6 sm:px-6">
          {intl && (
            <NextIntlClientProvider locale={intl.locale} messages={intl.messages}>
              <ErrorContent digest={error.digest} onRetry={reset} />
            </NextIntlClientProvider>
          )}
        </main>
      </body>
    </html>
  );
}
