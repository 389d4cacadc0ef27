"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { useTranslations } from "next-intl";
import { useState } from "react";

import { Button } from "~/components/ui/button";
import { FormMessage } from "~/components/ui/form-message";
import { cardBrandName, cardExpiry } from "~/lib/card-brands";
import { api, type RouterOutputs } from "~/trpc/react";

type SavedCardView = RouterOutputs["billing"]["savedCards"]["cards"][number];

/**
 * The cards the user saved at Checkout, read from Stripe (brand, last 4, expiry), each removable after a confirmation
 * (Radix dialog). Without a card: how to save one. Hidden when this server takes no payments.
 */
export function SavedCard() {
  const t = useTranslations("billing.savedCard");
  const query = api.billing.savedCards.useQuery();
  const utils = api.useUtils();
  const [confirming, setConfirming] = useState<SavedCardView | null>(null);
  const [result, setResult] = useState<"removed" | "error" | null>(null);
  const remove = api.billing.removeSavedCard.useMutation({
    onSuccess: () => setResult("removed"),
    // Already gone (another tab): the list below tells the truth once refetched.
    onError: (error) => setResult(error.data?.code === "NOT_FOUND" ? "removed" : "error"),
    onSettled: async () => {
      setConfirming(null);
      await utils.billing.savedCards.invalidate();
    },
  });

  if (!query.data?.available) return null;
  const label = (card: SavedCardView) => `${cardBrandName(card.brand) ?? t("unknownBrand")} •••• ${card.last4}`;

  return (
    <section aria-labelledby="saved-card-title" className="mt-8" data-testid="saved-card-section">
      <h2 id="saved-card-title" className="text-lg font-semibold">
        {t("title")}
      </h2>
      {result && (
        <FormMessage
          tone={result === "removed" ? "success" : "error"}
          testId={result === "removed" ? "saved-card-removed" : "saved-card-error"}
          className="mt-3"
        >
          {t(result === "removed" ? "removed" : "removeError")}
        </FormMessage>
      )}
      {query.data.cards.length === 0 ? (
        <p className="mt-2 text-sm text-gray-600 dark:text-gray-300" data-testid="saved-card-none">
          {t("none")}
        </p>
      ) : (
        <ul className="mt-3 divide-y divide-gray-200 rounded-xl border border-gray-200 dark:divide-gray-800 dark:border-gray-800">
          {query.data.cards.map((card) => (
            <li
              key={card.id}
              data-testid="saved-card"
              className="flex flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3 text-sm"
            >
              <span className="font-medium tabular-nums" data-testid="saved-card-label">
                {label(card)}
              </span>
              <span className="text-gray-600 tabular-nums dark:text-gray-300" data-testid="saved-card-expiry">
                {t("expires", { expiry: cardExpiry(card.expMonth, card.expYear) })}
              </span>
              <Button
                variant="secondary"
                size="sm"
                className="ml-auto"
                data-testid="saved-card-remove"
                aria-label={t("removeLabel", { card: label(card) })}
                onClick={() => {
                  setResult(null);
                  setConfirming(card);
                }}
              >
                {t("remove")}
              </Button>
            </li>
          ))}
        </ul>
      )}

      <Dialog.Root
        open={confirming !== null}
        onOpenChange={(open) => !open && !remove.isPending && setConfirming(null)}
      >
        <Dialog.Portal>
          <Dialog.Overlay className="fixed inset-0 z-50 bg-black/50 dark:bg-black/70" />
          <Dialog.Content
            aria-modal="true"
            data-testid="saved-card-dialog"
            className="fixed top-1/2 left-1/2 z-50 w-[calc(100%-2rem)] max-w-md -translate-x-1/2 -translate-y-1/2 rounded-xl bg-white p-6 shadow-xl ring-1 ring-gray-200 dark:bg-gray-900 dark:ring-gray-700"
          >
            <Dialog.Title className="text-xl font-semibold text-gray-900 dark:text-gray-100">
              {t("confirmTitle")}
            </Dialog.Title>
            <Dialog.Description className="mt-3 text-gray-600 dark:text-gray-300">
              {confirming ? t("confirmBody", { card: label(confirming) }) : null}
            </Dialog.Description>
            <div className="mt-6 flex flex-col-reverse gap-3 sm:flex-row sm:justify-end">
              <Dialog.Close asChild>
                <Button variant="secondary" data-testid="saved-card-keep" disabled={remove.isPending}>
                  {t("keep")}
                </Button>
              </Dialog.Close>
              <Button
                variant="danger"
                data-testid="saved-card-confirm"
                disabled={remove.isPending}
                aria-busy={remove.isPending}
                onClick={() => confirming && remove.mutate({ paymentMethodId: confirming.id })}
              >
                {t("confirmRemove")}
              </Button>
            </div>
          </Dialog.Content>
        </Dialog.Portal>
      </Dialog.Root>
    </section>
  );
}
