"use client";

import { useFormatter, useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";

import { Button } from "~/components/ui/button";
import { FormMessage } from "~/components/ui/form-message";
import { TextField } from "~/components/ui/text-field";
import { parseWholeNumber } from "~/lib/whole-number";
import { MAX_LOW_BALANCE_THRESHOLD } from "~/lib/setting-bounds";
import { api, type RouterInputs } from "~/trpc/react";
import { AccountSection } from "./account-section";

type SetInput = RouterInputs["credits"]["setLowBalanceAlert"];

/** The field's text → a threshold: "" = the default, null = not a valid number. */
const parseThreshold = (text: string) => parseWholeNumber(text, 1, MAX_LOW_BALANCE_THRESHOLD);

/** Low-balance alert: on/off (explicit), and the threshold (empty = the default, which is shown). */
export function LowBalanceSection() {
  const t = useTranslations("lowBalance");
  const format = useFormatter();
  const status = api.credits.lowBalance.useQuery();
  const utils = api.useUtils();
  const save = api.credits.setLowBalanceAlert.useMutation({
    onSuccess: (next) => utils.credits.lowBalance.setData(undefined, next),
  });
  // null until the person edits: the form shows the saved setting, and a refetch never overwrites typing.
  const [enabledDraft, setEnabledDraft] = useState<boolean | null>(null);
  const [thresholdDraft, setThresholdDraft] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<"saved" | "invalid" | "error" | null>(null);
  const data = status.data;
  const enabled = enabledDraft ?? data?.enabled ?? true;
  const thresholdText = thresholdDraft ?? (data?.custom != null ? String(data.custom) : "");

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setOutcome(null);
    const threshold = parseThreshold(thresholdText);
    if (threshold === null) {
      setOutcome("invalid");
      return;
    }
    const input: SetInput = !enabled
      ? { mode: "off", ...(threshold === "" ? {} : { threshold }) }
      : threshold === ""
        ? { mode: "default" }
        : { mode: "custom", threshold };
    try {
      await save.mutateAsync(input);
      setEnabledDraft(null);
      setThresholdDraft(null);
      setOutcome("saved");
    } catch (error) {
      setOutcome((error as { data?: { code?: string } }).data?.code === "BAD_REQUEST" ? "invalid" : "error");
    }
  }

  return (
    <AccountSection id="low-balance" title={t("title")}>
      <p className="mt-1 text-sm text-gray-600 dark:text-gray-300">{t("hint")}</p>
      <form noValidate onSubmit={onSubmit} className="mt-4 max-w-sm space-y-4" aria-busy={save.isPending}>
        <label className="flex items-center gap-2 text-sm font-medium">
          <input
            type="checkbox"
            data-testid="low-balance-enabled"
            className="h-4 w-4 rounded border-gray-300 accent-blue-600"
            checked={enabled}
            disabled={!data}
            onChange={(e) => setEnabledDraft(e.target.checked)}
          />
          {t("enabled")}
        </label>
        <TextField
          label={t("threshold")}
          hint={data ? t("thresholdHint", { default: data.defaultThreshold }) : undefined}
          type="text"
          inputMode="numeric"
          name="lowBalanceThreshold"
          autoComplete="off"
          maxLength={15}
          data-testid="low-balance-threshold"
          placeholder={data ? format.number(data.defaultThreshold) : undefined}
          value={thresholdText}
          disabled={!data}
          onChange={(e) => setThresholdDraft(e.target.value)}
          invalid={outcome === "invalid"}
        />
        {data && (
          <p data-testid="low-balance-status" className="text-sm text-gray-700 dark:text-gray-200">
            {data.threshold === null ? t("statusOff") : t("statusOn", { threshold: data.threshold })}
          </p>
        )}
        {outcome === "invalid" && (
          <FormMessage tone="error" testId="low-balance-error">
            {t("invalid")}
          </FormMessage>
        )}
        {outcome === "error" && (
          <FormMessage tone="error" testId="low-balance-error">
            {t("error")}
          </FormMessage>
        )}
        {outcome === "saved" && (
          <FormMessage tone="success" testId="low-balance-saved">
            {t("saved")}
          </FormMessage>
        )}
        <Button type="submit" size="lg" data-testid="low-balance-save" disabled={save.isPending || !data}>
          {t("save")}
        </Button>
      </form>
    </AccountSection>
  );
}
