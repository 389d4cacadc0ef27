"use client";

import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import Link from "next/link";
import { useTranslations } from "next-intl";

import { useSignOut } from "~/components/account/use-sign-out";
import { Button } from "~/components/ui/button";

const ITEM =
  "block w-full cursor-pointer rounded-md px-2 py-1.5 text-left text-sm font-medium text-gray-800 outline-none select-none data-[disabled]:cursor-not-allowed data-[disabled]:opacity-60 data-[highlighted]:bg-gray-100 dark:text-gray-100 dark:data-[highlighted]:bg-gray-800";

/**
 * The avatar button and its menu. Radix gives the menu keyboard: Enter, Space or ↓ opens it on the first item,
 * arrows move, typing jumps to an item, Escape or a click outside closes it and focus returns to the button.
 */
export function AccountMenu({ email, name }: { email: string | null; name: string | null }) {
  const t = useTranslations("header");
  const ta = useTranslations("account");
  const { signingOut, signOut } = useSignOut();
  const label = name ?? email ?? t("account");

  return (
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger asChild>
        <Button size="avatar" data-testid="account-menu" aria-label={t("account")}>
          {label.trim().charAt(0) || "?"}
        </Button>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          align="end"
          sideOffset={8}
          collisionPadding={12}
          className="z-40 w-64 max-w-[calc(100vw-1.5rem)] rounded-lg border border-gray-200 bg-white p-2 shadow-lg dark:border-gray-700 dark:bg-gray-900"
        >
          {email && (
            <DropdownMenu.Label className="truncate px-2 py-1.5 text-sm text-gray-600 dark:text-gray-300">
              {t("signedInAs", { email })}
            </DropdownMenu.Label>
          )}
          <DropdownMenu.Item asChild className={ITEM}>
            <Link href="/account" data-testid="account-settings-link">
              {t("accountSettings")}
            </Link>
          </DropdownMenu.Item>
          <DropdownMenu.Item
            className={ITEM}
            data-testid="sign-out"
            disabled={signingOut}
            onSelect={() => void signOut()}
          >
            {t("signOut")}
          </DropdownMenu.Item>
          <DropdownMenu.Item
            className={ITEM}
            data-testid="sign-out-everywhere"
            disabled={signingOut}
            onSelect={() => void signOut(true)}
          >
            {ta("signOutEverywhere")}
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
