"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import { useEffect, useId, useRef, useState } from "react";

import { useSignOut } from "~/components/account/use-sign-out";
import { Button } from "~/components/ui/button";

export function AccountMenu({ email, name }: { email: string | null; name: string | null }) {
  const t = useTranslations("header");
  const ta = useTranslations("account");
  const { signingOut, signOut: doSignOut } = useSignOut();
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const label = name ?? email ?? t("account");

  useEffect(() => {
    if (!open) return;
    const onPointer = (e: PointerEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        setOpen(false);
        buttonRef.current?.focus();
      }
    };
    document.addEventListener("pointerdown", onPointer);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  return (
    <div ref={rootRef} className="relative shrink-0">
      <Button
        ref={buttonRef}
        size="avatar"
        data-testid="account-menu"
        aria-haspopup="true"
        aria-expanded={open}
        aria-controls={menuId}
        aria-label={t("account")}
        onClick={() => setOpen((o) => !o)}
      >
        {label.trim().charAt(0) || "?"}
      </Button>
      {open && (
        <div
          id={menuId}
          className="absolute right-0 z-40 mt-2 w-64 max-w-[calc(100vw-1.5rem)] rounded-lg border border-gray-200 bg-white p-2 shadow-lg dark:border-gray-700 dark:bg-gray-900"
        >
          {email && <p className="truncate px-2 py-1.5 text-sm text-gray-600 dark:text-gray-300">{t("signedInAs", { email })}</p>}
          <Link
            href="/account"
            data-testid="account-settings-link"
            onClick={() => setOpen(false)}
            className="block w-full rounded-md px-2 py-1.5 text-left text-sm font-medium text-gray-800 hover:bg-gray-100 dark:text-gray-100 dark:hover:bg-gray-800"
          >
            {t("accountSettings")}
          </Link>
          <Button variant="row" size="sm" data-testid="sign-out" disabled={signingOut} onClick={() => void doSignOut()}>
            {t("signOut")}
          </Button>
          <Button variant="row" size="sm" data-testid="sign-out-everywhere" disabled={signingOut} onClick={() => void doSignOut(true)}>
            {ta("signOutEverywhere")}
          </Button>
        </div>
      )}
    </div>
  );
}
