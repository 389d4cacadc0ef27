"use client";

import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useRef } from "react";

import { useSignOut } from "~/components/account/use-sign-out";
import { Button } from "~/components/ui/button";

const ITEM =
  "block w-full cursor-pointer rounded-md px-2 py-1.5 text-left text-sm font-medium text-gray-800 outline-none select-none data-[disabled]:cursor-not-allowed data-[disabled]:opacity-60 data-[highlighted]:bg-gray-100 dark:text-gray-100 dark:data-[highlighted]:bg-gray-800";

/**
 * The avatar button and its menu, loaded by account-menu.tsx on the first press, which it opens. Radix gives
 * the menu keyboard: Enter, Space or ↓ opens it on the first item, arrows move, typing jumps to an item,
 * Escape or a click outside closes it and focus returns to the button.
 */
export default function AccountMenuContent({
  email,
  initial,
  openedBy,
}: {
  email: string | null;
  initial: string;
  /** How the placeholder button was pressed: the menu mounts open, and a key press lands on the first item as in Radix. */
  openedBy: "pointer" | "keyboard";
}) {
  const t = useTranslations("header");
  const ta = useTranslations("account");
  const { signingOut, signOut } = useSignOut();
  // Radix tells keyboard from pointer by listening from mount on; the press that loaded the menu came before.
  // So on that first open we put focus on the first item ourselves (Radix's focus scope then keeps it there).
  const firstOpen = useRef<"pointer" | "keyboard" | null>(openedBy);
  const focusIfOpenedByKeyboard = (item: HTMLElement | null) => {
    if (!item || firstOpen.current === null) return;
    if (firstOpen.current === "keyboard") item.focus({ preventScroll: true });
    firstOpen.current = null;
  };

  return (
    <DropdownMenu.Root modal={false} defaultOpen>
      <DropdownMenu.Trigger asChild>
        <Button size="avatar" data-testid="account-menu" aria-label={t("account")}>
          {initial}
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
          <DropdownMenu.Item asChild className={ITEM} ref={focusIfOpenedByKeyboard}>
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
