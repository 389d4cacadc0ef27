"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";

import { minorToMajor } from "~/lib/money";
import { navigateTo } from "~/lib/navigate";
import { FEATURED_PACK, isPackId, type PackId } from "~/lib/packs";
import { api, type RouterOutputs } from "~/trpc/react";
import { Button } from "~/components/ui/button";

type Product = RouterOutputs["billing"]["products"]["products"][number];

export function usePackName() {
  const t = useTranslations("billing.packs");
  return (packId: string) => (isPackId(packId) ? t(packId) : packId);
}

/**
 * `unavailable`: this server takes no payments (no Stripe key); the packs are shown, not sold.
 * `suggested`: the pack the paywall offered for the refused message, highlighted (instead of the
 * featured one), labelled and focused, so Enter buys it.
 * `teamId`: buy for that team's pool (its admins); a saved card is personal, so the option is not offered.
 */
export function PackList({
  products,
  unavailable = false,
  suggested = null,
  onError,
  teamId,
}: {
  products: Product[];
  teamId?: string;
  unavailable?: boolean;
  suggested?: PackId | null;
  onError: (error: unknown) => void;
}) {
  const t = useTranslations("billing");
  const format = useFormatter();
  const packName = usePackName();
  const checkout = api.billing.checkout.useMutation({
    onSuccess: ({ checkoutUrl }) => navigateTo(checkoutUrl),
    onError,
  });
  // Opt-in only: Stripe keeps the card on the user's customer for later payments (setup_future_usage).
  const [saveCard, setSaveCard] = useState(false);
  // After success the page is leaving for Checkout; keep the button busy until it does.
  const busyPack = checkout.isPending || checkout.isSuccess ? checkout.variables?.packId : undefined;
  const highlighted = suggested && products.some((p) => p.id === suggested) ? suggested : FEATURED_PACK;
  const suggestedButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (suggested) suggestedButton.current?.focus();
  }, [suggested]);

  return (
    <section aria-labelledby="packs-title">
      <h2 id="packs-title" className="sr-only">
        {t("packsTitle")}
      </h2>
      <div className="grid gap-4 sm:grid-cols-3">
        {products.map((product) => (
          <div
            key={product.id}
            data-testid={`pack-${product.id}`}
            data-highlighted={product.id === highlighted}
            className={`flex flex-col rounded-xl border p-5 ${
              product.id === highlighted
                ? "border-blue-500 ring-1 ring-blue-500"
                : "border-gray-200 dark:border-gray-800"
            } bg-white dark:bg-gray-900`}
          >
            {product.id === suggested && (
              <p
                id={`pack-suggested-${product.id}`}
                data-testid="pack-suggested"
                className="mb-2 self-start rounded-full bg-blue-100 px-2 py-0.5 text-xs font-medium text-blue-900 dark:bg-blue-950 dark:text-blue-100"
              >
                {t("packSuggested")}
              </p>
            )}
            <h3 className="text-lg font-semibold">{packName(product.id)}</h3>
            <p className="mt-2 text-3xl font-bold tabular-nums" data-testid={`price-${product.id}`}>
              {format.number(minorToMajor(product.unitAmount, product.currency), {
                style: "currency",
                currency: product.currency.toUpperCase(),
              })}
            </p>
            <p className="mt-1 text-gray-600 tabular-nums dark:text-gray-300" data-testid={`credits-${product.id}`}>
              {t("perPack", { credits: format.number(product.credits) })}
            </p>
            <Button
              className="mt-5"
              ref={product.id === suggested ? suggestedButton : undefined}
              data-testid={`purchase-${product.id}`}
              aria-describedby={product.id === suggested ? `pack-suggested-${product.id}` : undefined}
              disabled={unavailable || busyPack !== undefined}
              aria-busy={busyPack === product.id}
              onClick={() =>
                checkout.mutate({
                  packId: product.id,
                  ...(teamId ? { teamId } : saveCard ? { saveCard: true } : {}),
                })
              }
            >
              {busyPack === product.id && (
                <span
                  aria-hidden
                  className="h-4 w-4 animate-spin rounded-full border-2 border-white border-t-transparent"
                />
              )}
              {busyPack === product.id ? t("redirecting") : t("purchase")}
            </Button>
          </div>
        ))}
      </div>
      {!teamId && (
        <div className="mt-4 flex items-start gap-2 text-sm">
          <input
            id="save-card"
            type="checkbox"
            data-testid="save-card"
            checked={saveCard}
            disabled={unavailable}
            onChange={(event) => setSaveCard(event.target.checked)}
            aria-describedby="save-card-hint"
            className="mt-0.5 h-4 w-4 rounded border-gray-300 accent-blue-600 dark:border-gray-600"
          />
          <div>
            <label htmlFor="save-card" className="font-medium">
              {t("savedCard.saveCard")}
            </label>
            <p id="save-card-hint" className="text-gray-600 dark:text-gray-300">
              {t("savedCard.saveCardHint")}
            </p>
          </div>
        </div>
      )}
    </section>
  );
}

export function PackListSkeleton() {
  return (
    <div className="grid gap-4 sm:grid-cols-3" aria-hidden>
      {[0, 1, 2].map((i) => (
        <div key={i} className="h-[11.5rem] animate-pulse rounded-xl bg-gray-100 dark:bg-gray-900" />
      ))}
    </div>
  );
}
