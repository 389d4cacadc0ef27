"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useEffect, useId, useRef, useState } from "react";

import { api } from "~/trpc/react";

/**
 * The header balance: the credits the user can spend right now (`spendable`, the number the paywall
 * calls "available"), so the two never contradict each other. While replies in progress hold
 * credits, a second line says how many, and opens an explanation. The box has a fixed width whether
 * loading or loaded, so nothing in the header moves when the number arrives. Any code that changes
 * the balance invalidates `credits.balance`.
 */
export function CreditsDisplay({ signedIn }: { signedIn: boolean }) {
  const t = useTranslations();
  const format = useFormatter();
  const { data } = api.credits.balance.useQuery(undefined, { enabled: signedIn });

  if (!signedIn) return null;

  // The unit is part of the text at every width (a bare number reads as anything on a phone), in its
  // short form ("Punkte", not "Guthabenpunkte"), and the box grows with it instead of truncating.
  return (
    <div
      className="relative flex h-9 min-w-28 shrink-0 flex-col items-end justify-center rounded-md bg-gray-100 px-2 text-sm whitespace-nowrap tabular-nums sm:min-w-40 sm:px-2.5 dark:bg-gray-800"
      title={t("header.balanceLabel")}
    >
      {data ? (
        <>
          <span
            data-testid="credits-balance"
            data-balance={data.spendable}
            className={`font-medium text-gray-900 dark:text-gray-100 ${data.held > 0 ? "leading-4" : "leading-5"}`}
          >
            <span className="sr-only">{t("header.balanceLabel")}: </span>
            {format.number(data.spendable)} {t("common.creditsLabel")}
          </span>
          {data.held > 0 && <HeldCredits held={data.held} balance={data.balance} />}
        </>
      ) : (
        <span
          data-testid="credits-balance-loading"
          aria-hidden
          className="h-4 w-full animate-pulse rounded bg-gray-300 dark:bg-gray-700"
        />
      )}
    </div>
  );
}

/** "1,200 held": a button that shows (and hides) why those credits are not in the number above. */
function HeldCredits({ held, balance }: { held: number; balance: number }) {
  const t = useTranslations("header");
  const [open, setOpen] = useState(false);
  const id = useId();
  const root = useRef<HTMLSpanElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent ? e.key === "Escape" : !root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener("keydown", close);
    document.addEventListener("pointerdown", close);
    return () => {
      document.removeEventListener("keydown", close);
      document.removeEventListener("pointerdown", close);
    };
  }, [open]);

  return (
    // A flex row, so the small line's height is its own 16 px (no strut of the box's larger text): both lines fit in h-9.
    <span ref={root} className="flex text-xs leading-4">
      <button
        type="button"
        data-testid="credits-held"
        data-held={held}
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen((o) => !o)}
        className="rounded-sm text-xs leading-4 text-amber-800 underline decoration-dotted underline-offset-2 focus-visible:ring-2 focus-visible:ring-blue-500 focus-visible:outline-none dark:text-amber-200"
      >
        {t("held", { count: held })}
      </button>
      <span
        id={id}
        data-testid="credits-held-explain"
        hidden={!open}
        className="absolute top-full right-0 z-40 mt-2 w-72 max-w-[calc(100vw-1.5rem)] rounded-md bg-white p-3 text-left text-sm leading-5 whitespace-normal text-gray-700 shadow-lg ring-1 ring-gray-200 dark:bg-gray-900 dark:text-gray-200 dark:ring-gray-700"
      >
        {t("heldExplain", { held, balance })}
      </span>
    </span>
  );
}
