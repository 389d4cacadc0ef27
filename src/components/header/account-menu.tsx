"use client";

import { useTranslations } from "next-intl";
import { lazy, Suspense, useState, type KeyboardEvent, type PointerEvent } from "react";

import { Button } from "~/components/ui/button";

const loadMenu = () => import("./account-menu-content");
const AccountMenuContent = lazy(loadMenu);

/** The keys that open Radix's dropdown from its trigger. */
const OPEN_KEYS = new Set(["Enter", " ", "ArrowDown"]);

/**
 * The avatar button. The menu itself (Radix's dropdown, its popper, sign-out) is not in the page's first
 * load: it is fetched when the pointer comes near or the button gets focus, and shown on the first press,
 * which opens it exactly as Radix's trigger would (pointer down, or Enter, Space, ↓ on the first item).
 * Until then this button looks and announces itself as the trigger does: a closed menu button.
 */
export function AccountMenu({ email, name }: { email: string | null; name: string | null }) {
  const t = useTranslations("header");
  const [openedBy, setOpenedBy] = useState<"pointer" | "keyboard" | null>(null);
  const initial = (name ?? email ?? t("account")).trim().charAt(0) || "?";

  const placeholder = (interactive: boolean) => (
    <Button
      size="avatar"
      data-testid="account-menu"
      aria-label={t("account")}
      aria-haspopup="menu"
      aria-expanded={false}
      data-state="closed"
      {...(interactive && {
        onPointerEnter: () => void loadMenu(),
        onFocus: () => void loadMenu(),
        onPointerDown: (e: PointerEvent) => {
          if (e.button !== 0 || e.ctrlKey) return;
          e.preventDefault();
          setOpenedBy("pointer");
        },
        onKeyDown: (e: KeyboardEvent) => {
          if (!OPEN_KEYS.has(e.key)) return;
          e.preventDefault();
          setOpenedBy("keyboard");
        },
      })}
    >
      {initial}
    </Button>
  );

  if (!openedBy) return placeholder(true);
  return (
    <Suspense fallback={placeholder(false)}>
      <AccountMenuContent email={email} initial={initial} openedBy={openedBy} />
    </Suspense>
  );
}
