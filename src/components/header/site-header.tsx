import Link from "next/link";
import { getTranslations } from "next-intl/server";

import type { CurrentUser } from "~/app/_lib/current-user";
import { env } from "~/env";
import { ThemeToggle } from "~/components/theme/theme-toggle";
import { buttonClasses } from "~/components/ui/button";

import { AccountMenu } from "./account-menu";
import { CreditsDisplay } from "./credits-display";
import { LocaleSwitcher } from "./locale-switcher";
import { NavLinks } from "./nav-links";
import { TestModeBadge } from "./test-mode-badge";

/**
 * One row on wide screens; two rows below `sm` (brand, badge and tools / nav and balance),
 * arranged with `order` so the markup stays in one place and fits 360 px.
 */
export async function SiteHeader({ user }: { user: CurrentUser | null }) {
  const t = await getTranslations();
  return (
    <header className="sticky top-0 z-30 border-b border-gray-200 bg-white/90 backdrop-blur dark:border-gray-800 dark:bg-gray-950/90">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-2 gap-y-2 px-3 py-2 sm:gap-x-3 sm:px-6">
        <Link href="/" className="order-1 text-lg font-bold tracking-tight text-gray-900 dark:text-white">
          {t("common.appName")}
        </Link>
        <div className="order-6 sm:order-2">
          <NavLinks signedIn={!!user} />
        </div>
        <div aria-hidden className="order-3 hidden flex-1 sm:block" />
        {/* Below sm it also fills the first row, pushing the tools right; a long badge truncates instead of wrapping the row. */}
        <div className="order-2 flex min-w-0 flex-1 basis-0 sm:order-4 sm:flex-none sm:basis-auto">
          <TestModeBadge />
          {env.MAIL_CATCHER_URL && (
            // The local mail catcher's inbox (npm run dev): where verification and reset mail lands.
            <a
              href={env.MAIL_CATCHER_URL}
              target="_blank"
              rel="noreferrer"
              data-testid="dev-inbox-link"
              className="ml-2 shrink-0 text-xs font-medium whitespace-nowrap text-amber-800 underline dark:text-amber-200"
            >
              {t("account.devInbox")}
            </a>
          )}
        </div>
        {/* Below sm: the right end of the nav row (or a row of its own, right-aligned, when a locale's words need it). */}
        <div className="order-8 ml-auto sm:order-5 sm:ml-0">
          <CreditsDisplay signedIn={!!user} />
        </div>
        <div className="order-4 flex items-center gap-1 sm:order-6 sm:gap-2">
          <LocaleSwitcher />
          <ThemeToggle />
          {user ? (
            <AccountMenu email={user.email} name={user.name} />
          ) : (
            <Link
              href="/auth"
              data-testid="sign-in-link"
              className={buttonClasses({ size: "sm", className: "h-9 shrink-0 whitespace-nowrap" })}
            >
              {t("header.signIn")}
            </Link>
          )}
        </div>
        <div aria-hidden className="order-5 h-0 basis-full sm:hidden" />
      </div>
    </header>
  );
}
