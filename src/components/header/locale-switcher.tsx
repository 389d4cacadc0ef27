"use client";

import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useTransition } from "react";

import { isLocale, LOCALE_COOKIE, LOCALE_NAMES, LOCALES } from "~/i18n/locales";

export function LocaleSwitcher() {
  const t = useTranslations("header");
  const locale = useLocale();
  const router = useRouter();
  const [pending, startTransition] = useTransition();

  function change(next: string) {
    if (!isLocale(next)) return;
    document.cookie = `${LOCALE_COOKIE}=${next}; path=/; max-age=${60 * 60 * 24 * 365}; samesite=lax`;
    startTransition(() => router.refresh());
  }

  return (
    // Below `sm` the select is an invisible layer over a globe icon, so it takes 36 px yet stays a native control.
    <label className="relative inline-flex h-9 w-9 shrink-0 items-center justify-center rounded-md text-gray-600 has-[select:focus-visible]:outline-2 has-[select:focus-visible]:outline-blue-500 sm:w-auto sm:has-[select:focus-visible]:outline-0 dark:text-gray-300">
      <span className="sr-only">{t("language")}</span>
      <svg
        aria-hidden
        viewBox="0 0 24 24"
        className="h-5 w-5 sm:hidden"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
      >
        <circle cx="12" cy="12" r="9" />
        <path d="M3 12h18M12 3a14 14 0 0 1 0 18M12 3a14 14 0 0 0 0 18" />
      </svg>
      <select
        data-testid="locale-switcher"
        value={locale}
        disabled={pending}
        onChange={(e) => change(e.target.value)}
        className="absolute inset-0 h-9 w-9 cursor-pointer rounded-md border border-gray-300 bg-white px-2 text-sm text-gray-700 opacity-0 focus-visible:outline-2 focus-visible:outline-blue-500 disabled:opacity-60 sm:static sm:w-auto sm:max-w-[10rem] sm:opacity-100 dark:border-gray-700 dark:bg-gray-900 dark:text-gray-200"
      >
        {LOCALES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LOCALE_NAMES[l]}
          </option>
        ))}
      </select>
    </label>
  );
}
