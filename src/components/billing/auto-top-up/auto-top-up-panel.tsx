"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";

import { Button } from "~/components/ui/button";
import { FormMessage } from "~/components/ui/form-message";
import { cardExpiry } from "~/lib/card-brands";
import { api } from "~/trpc/react";

import { AutoTopUpForm, cardLabel } from "./auto-top-up-form";
import { useAutoTopUpSummary } from "./summary";
import { TurnedOffNotice } from "./turned-off-notice";

/**
 * Auto top-up on the billing page: off by default. Off: the form (the last setting filled in, so turning it
 * back on is one click). On: the summary, the card, this month's count, Turn off and Edit. Without a saved
 * card: how to save one, and no way to turn it on.
 */
export function AutoTopUpPanel() {
  const t = useTranslations("autoTopUp");
  const tCard = useTranslations("billing.savedCard");
  const summary = useAutoTopUpSummary();
  const utils = api.useUtils();
  const query = api.autoTopUp.get.useQuery(undefined, { retry: false });
  const products = api.billing.products.useQuery();
  const saved = api.billing.savedCards.useQuery();
  const [editing, setEditing] = useState(false);
  const [message, setMessage] = useState<"saved" | "turnedOffByYou" | "turnOffError" | null>(null);
  const turnOff = api.autoTopUp.turnOff.useMutation({
    onSuccess: (view) => {
      utils.autoTopUp.get.setData(undefined, view);
      setEditing(false);
      setMessage("turnedOffByYou");
    },
    onError: () => setMessage("turnOffError"),
  });

  const view = query.data;
  if (!view || !products.data || !saved.data) return null;
  const cards = saved.data.cards;
  const packs = products.data.products;
  const product = view.settings ? packs.find((p) => p.id === view.settings!.packId) : undefined;

  const body = (() => {
    if (!view.available) return <p className="mt-2 text-sm text-gray-600 dark:text-gray-300">{t("unavailable")}</p>;
    if (view.enabled && view.settings && !editing)
      return (
        <div
          className="mt-3 rounded-xl border border-gray-200 px-4 py-3 text-sm dark:border-gray-800"
          data-testid="auto-top-up-on"
        >
          <p className="font-medium">{t("on")}</p>
          {product && (
            <p className="mt-1" data-testid="auto-top-up-on-summary">
              {summary(view.settings.threshold, product, view.settings.monthlyLimit)}
            </p>
          )}
          <p className="mt-1 text-gray-600 tabular-nums dark:text-gray-300" data-testid="auto-top-up-card-line">
            {view.card
              ? `${t("chargesCard", { card: cardLabel(view.card, tCard("unknownBrand")) })} · ${tCard("expires", {
                  expiry: cardExpiry(view.card.expMonth, view.card.expYear),
                })}`
              : t("cardMissing")}
          </p>
          <p className="mt-1 text-gray-600 tabular-nums dark:text-gray-300" data-testid="auto-top-up-used">
            {t("used", { used: view.usedThisMonth, limit: view.settings.monthlyLimit })}
          </p>
          <div className="mt-3 flex flex-wrap gap-3">
            <Button
              variant="secondary"
              size="sm"
              data-testid="auto-top-up-edit"
              onClick={() => {
                setMessage(null);
                setEditing(true);
              }}
            >
              {t("edit")}
            </Button>
            <Button
              variant="secondary"
              size="sm"
              data-testid="auto-top-up-turn-off"
              disabled={turnOff.isPending}
              aria-busy={turnOff.isPending}
              onClick={() => {
                setMessage(null);
                turnOff.mutate();
              }}
            >
              {t("turnOff")}
            </Button>
          </div>
        </div>
      );
    if (cards.length === 0)
      return (
        <p className="mt-2 text-sm text-gray-600 dark:text-gray-300" data-testid="auto-top-up-no-card">
          {t("noCard")}
        </p>
      );
    return (
      <AutoTopUpForm
        // A fresh draft whenever the saved setting changes underneath (another tab, Tally turning it off).
        key={JSON.stringify(view.settings)}
        products={packs}
        cards={cards}
        initial={view.settings}
        submitLabel={view.enabled ? t("save") : t("turnOn")}
        onSaved={() => {
          setEditing(false);
          setMessage("saved");
        }}
        onCancel={view.enabled ? () => setEditing(false) : undefined}
      />
    );
  })();

  return (
    <section aria-labelledby="auto-top-up-title" className="mt-8" data-testid="auto-top-up-section">
      <h2 id="auto-top-up-title" className="text-lg font-semibold">
        {t("title")}
      </h2>
      {view.available && <p className="mt-1 text-sm text-gray-600 dark:text-gray-300">{t("intro")}</p>}
      {view.turnedOff && !view.enabled && <TurnedOffNotice turnedOff={view.turnedOff} />}
      {message && (
        <FormMessage
          tone={message === "turnOffError" ? "error" : "success"}
          testId={`auto-top-up-${message}`}
          className="mt-3"
        >
          {t(message)}
        </FormMessage>
      )}
      {body}
    </section>
  );
}
