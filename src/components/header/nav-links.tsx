"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";

const LINKS = [
  { href: "/chat", key: "chat" },
  { href: "/billing", key: "billing" },
  { href: "/teams", key: "teams" },
] as const;
/** Signed-out visitors see the public pricing page instead of Teams (which needs an account). */
const SIGNED_OUT_LINKS = [LINKS[0], LINKS[1], { href: "/pricing", key: "pricing" }] as const;

export function NavLinks({ signedIn = true }: { signedIn?: boolean }) {
  const t = useTranslations("header");
  const pathname = usePathname();
  return (
    <nav aria-label={t("nav")} className="flex items-center gap-1">
      {(signedIn ? LINKS : SIGNED_OUT_LINKS).map(({ href, key }) => {
        const active = pathname === href || pathname.startsWith(`${href}/`);
        return (
          <Link
            key={href}
            href={href}
            data-testid={`nav-${key}`}
            aria-current={active ? "page" : undefined}
            className={`rounded-md px-2.5 py-1.5 text-sm font-medium whitespace-nowrap sm:px-3 ${
              active
                ? "bg-gray-100 text-gray-900 dark:bg-gray-800 dark:text-white"
                : "text-gray-600 hover:bg-gray-100 hover:text-gray-900 dark:text-gray-300 dark:hover:bg-gray-800 dark:hover:text-white"
            }`}
          >
            {t(key)}
          </Link>
        );
      })}
    </nav>
  );
}
