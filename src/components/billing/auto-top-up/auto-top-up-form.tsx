"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useId, useState, type FormEvent, type ReactNode, type SelectHTMLAttributes } from "react";

import { Button } from "~/components/ui/button";
import { FormMessage } from "~/components/ui/form-message";
import { TextField } from "~/components/ui/text-field";
import { cardBrandName, cardExpiry } from "~/lib/card-brands";
import { isPackId } from "~/lib/packs";
import { MAX_AUTO_TOP_UP_THRESHOLD, MAX_MONTHLY_TOP_UPS } from "~/lib/setting-bounds";
import { parseWholeNumber } from "~/lib/whole-number";
import { api, type RouterInputs, type RouterOutputs } from "~/trpc/react";

import { usePackName } from "../pack-list";
import { useAutoTopUpSummary, useFormatMoney, type Product } from "./summary";

type Settings = RouterInputs["autoTopUp"]["set"];
type Card = RouterOutputs["billing"]["savedCards"]["cards"][number];
type Field = "threshold" | "packId" | "monthlyLimit" | "paymentMethodId";

const FIELD_ERROR = {
  threshold: "thresholdInvalid",
  packId: "packInvalid",
  monthlyLimit: "monthlyLimitInvalid",
  paymentMethodId: "cardInvalid",
} as const satisfies Record<Field, string>;

const SELECT =
  "mt-1 block w-full rounded-md border border-gray-300 bg-white px-3 py-2 text-gray-900 focus:border-blue-500 focus:outline-2 focus:outline-blue-500/40 aria-invalid:border-red-500 dark:border-gray-700 dark:bg-gray-900 dark:text-gray-100";

function SelectField({
  label,
  error,
  errorTestId,
  children,
  ...select
}: SelectHTMLAttributes<HTMLSelectElement> & { label: ReactNode; error?: ReactNode; errorTestId?: string }) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <select
        id={id}
        className={SELECT}
        aria-invalid={Boolean(error) || undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        {...select}
      >
        {children}
      </select>
      {error && (
        <p
          id={`${id}-error`}
          role="alert"
          data-testid={errorTestId}
          className="mt-1 text-sm text-red-700 dark:text-red-300"
        >
          {error}
        </p>
      )}
    </div>
  );
}

export const cardLabel = (card: Pick<Card, "brand" | "last4">, unknownBrand: string) =>
  `${cardBrandName(card.brand) ?? unknownBrand} •••• ${card.last4}`;

/** The fields as typed → a setting the server accepts, or which fields are wrong. */
function validate(
  draft: { threshold: string; packId: string; monthlyLimit: string; paymentMethodId: string },
  products: Product[],
  cards: Card[],
): { settings: Settings } | { invalid: Field[] } {
  const threshold = parseWholeNumber(draft.threshold, 1, MAX_AUTO_TOP_UP_THRESHOLD);
  const monthlyLimit = parseWholeNumber(draft.monthlyLimit, 1, MAX_MONTHLY_TOP_UPS);
  const packId = isPackId(draft.packId) && products.some((p) => p.id === draft.packId) ? draft.packId : null;
  const card = cards.find((c) => c.id === draft.paymentMethodId);
  const invalid: Field[] = [];
  if (typeof threshold !== "number") invalid.push("threshold");
  if (!packId) invalid.push("packId");
  if (typeof monthlyLimit !== "number") invalid.push("monthlyLimit");
  if (!card) invalid.push("paymentMethodId");
  if (invalid.length || typeof threshold !== "number" || !packId || typeof monthlyLimit !== "number" || !card)
    return { invalid };
  return { settings: { threshold, packId, monthlyLimit, paymentMethodId: card.id } };
}

/**
 * Threshold, pack, monthly limit and card, all required, with the plain summary kept live as they are typed.
 * Save = autoTopUp.set; a refusal shows next to the form and keeps what was typed.
 */
export function AutoTopUpForm({
  products,
  cards,
  initial,
  submitLabel,
  onSaved,
  onCancel,
}: {
  products: Product[];
  cards: Card[];
  initial: Settings | null;
  submitLabel: string;
  onSaved: () => void;
  onCancel?: () => void;
}) {
  const t = useTranslations("autoTopUp");
  const tCard = useTranslations("billing.savedCard");
  const format = useFormatter();
  const packName = usePackName();
  const money = useFormatMoney();
  const summary = useAutoTopUpSummary();
  const utils = api.useUtils();
  const set = api.autoTopUp.set.useMutation({ onSuccess: (view) => utils.autoTopUp.get.setData(undefined, view) });
  const onlyCard = cards.length === 1 ? cards[0]!.id : "";
  const [draft, setDraft] = useState({
    threshold: initial ? String(initial.threshold) : "",
    packId: initial?.packId ?? "",
    monthlyLimit: initial ? String(initial.monthlyLimit) : "",
    // A card no longer saved is not offered again.
    paymentMethodId: cards.some((c) => c.id === initial?.paymentMethodId) ? initial!.paymentMethodId : onlyCard,
  });
  const [invalid, setInvalid] = useState<Field[]>([]);
  const [serverError, setServerError] = useState<string | null>(null);
  const change = (field: Field) => (e: { target: { value: string } }) => {
    setDraft((d) => ({ ...d, [field]: e.target.value }));
    setInvalid((fields) => fields.filter((f) => f !== field));
  };
  const errorOf = (field: Field) => (invalid.includes(field) ? t(FIELD_ERROR[field]) : undefined);

  const checked = validate(draft, products, cards);
  const product = "settings" in checked ? products.find((p) => p.id === checked.settings.packId) : undefined;

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setServerError(null);
    if ("invalid" in checked) {
      setInvalid(checked.invalid);
      return;
    }
    try {
      await set.mutateAsync(checked.settings);
      onSaved();
    } catch (error) {
      const fieldErrors = (error as { data?: { zodError?: { fieldErrors?: Record<string, unknown> } | null } }).data
        ?.zodError?.fieldErrors;
      const fields = Object.keys(fieldErrors ?? {}).filter((f): f is Field => f in FIELD_ERROR);
      if (fields.length) setInvalid(fields);
      else setServerError((error as Error).message);
    }
  }

  return (
    <form
      noValidate
      onSubmit={onSubmit}
      aria-label={t("formLabel")}
      aria-busy={set.isPending}
      data-testid="auto-top-up-form"
      className="mt-4 grid max-w-xl gap-4 sm:grid-cols-2"
    >
      <TextField
        label={t("threshold")}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        maxLength={15}
        required
        data-testid="auto-top-up-threshold"
        value={draft.threshold}
        onChange={change("threshold")}
        error={errorOf("threshold")}
        errorTestId="auto-top-up-threshold-error"
      />
      <SelectField
        label={t("pack")}
        required
        data-testid="auto-top-up-pack"
        value={draft.packId}
        onChange={change("packId")}
        error={errorOf("packId")}
        errorTestId="auto-top-up-pack-error"
      >
        <option value="">{t("packPlaceholder")}</option>
        {products.map((p) => (
          <option key={p.id} value={p.id}>
            {t("packOption", {
              pack: packName(p.id),
              credits: format.number(p.credits),
              price: money(p.unitAmount, p.currency),
            })}
          </option>
        ))}
      </SelectField>
      <TextField
        label={t("monthlyLimit")}
        hint={t("monthlyLimitHint")}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        maxLength={2}
        required
        data-testid="auto-top-up-limit"
        value={draft.monthlyLimit}
        onChange={change("monthlyLimit")}
        error={errorOf("monthlyLimit")}
        errorTestId="auto-top-up-limit-error"
      />
      <SelectField
        label={t("card")}
        required
        data-testid="auto-top-up-card"
        value={draft.paymentMethodId}
        onChange={change("paymentMethodId")}
        error={errorOf("paymentMethodId")}
        errorTestId="auto-top-up-card-error"
      >
        <option value="">{t("cardPlaceholder")}</option>
        {cards.map((c) => (
          <option key={c.id} value={c.id}>
            {t("cardOption", { card: cardLabel(c, tCard("unknownBrand")), expiry: cardExpiry(c.expMonth, c.expYear) })}
          </option>
        ))}
      </SelectField>
      <p
        aria-live="polite"
        data-testid="auto-top-up-summary"
        className="rounded-md bg-gray-50 px-3 py-2 text-sm text-gray-800 sm:col-span-2 dark:bg-gray-900 dark:text-gray-100"
      >
        {"settings" in checked && product
          ? summary(checked.settings.threshold, product, checked.settings.monthlyLimit)
          : t("summaryIncomplete")}
      </p>
      {serverError && (
        <FormMessage tone="error" testId="auto-top-up-save-error" className="sm:col-span-2">
          {t("saveError", { message: serverError })}
        </FormMessage>
      )}
      <div className="flex flex-wrap gap-3 sm:col-span-2">
        <Button type="submit" data-testid="auto-top-up-save" disabled={set.isPending} aria-busy={set.isPending}>
          {submitLabel}
        </Button>
        {onCancel && (
          <Button variant="secondary" data-testid="auto-top-up-cancel" disabled={set.isPending} onClick={onCancel}>
            {t("cancel")}
          </Button>
        )}
      </div>
    </form>
  );
}
