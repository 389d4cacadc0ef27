"use client";

import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";

import { Button } from "~/components/ui/button";
import { FormMessage } from "~/components/ui/form-message";
import { TextField } from "~/components/ui/text-field";
import { api } from "~/trpc/react";
import { AccountSection } from "./account-section";

/** Display name (editable) and email (shown; changing it is not offered yet). */
export function ProfileSection() {
  const t = useTranslations("account");
  const profile = api.account.profile.useQuery();
  const utils = api.useUtils();
  const update = api.account.updateName.useMutation({ onSuccess: () => utils.account.profile.invalidate() });
  const clear = api.account.clearName.useMutation({ onSuccess: () => utils.account.profile.invalidate() });
  const pending = update.isPending || clear.isPending;
  // null until the person types: the field shows the saved name, and a refetch never overwrites typing.
  const [draft, setDraft] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [failed, setFailed] = useState(false);
  const name = draft ?? profile.data?.name ?? "";

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    setFailed(false);
    try {
      if (name.trim() === "") await clear.mutateAsync();
      else await update.mutateAsync({ name });
      setDraft(null);
      setSaved(true);
    } catch {
      setFailed(true);
    }
  }

  return (
    <AccountSection id="profile-title" title={t("profileTitle")}>
      <form noValidate onSubmit={onSubmit} className="mt-4 max-w-sm space-y-4" aria-busy={pending}>
        <TextField
          label={t("displayName")}
          hint={t("displayNameHint")}
          type="text"
          name="name"
          autoComplete="name"
          maxLength={80}
          data-testid="profile-name"
          value={name}
          disabled={!profile.data}
          onChange={(e) => setDraft(e.target.value)}
          invalid={failed}
        />
        <div className="text-sm">
          <span className="block font-medium">{t("email")}</span>
          <span data-testid="profile-email" className="mt-1 block text-gray-700 dark:text-gray-200">
            {profile.data?.email ?? "…"}
          </span>
          {profile.data && (
            <span data-testid="profile-email-status" className="mt-1 block text-xs text-gray-500 dark:text-gray-400">
              {profile.data.emailVerified ? t("emailVerified") : t("emailNotVerified")}
            </span>
          )}
        </div>
        {failed && (
          <FormMessage tone="error" testId="profile-error">
            {t("nameInvalid")}
          </FormMessage>
        )}
        {saved && (
          <FormMessage tone="success" testId="profile-saved">
            {t("nameSaved")}
          </FormMessage>
        )}
        <Button type="submit" size="lg" data-testid="profile-save" disabled={pending || !profile.data}>
          {t("saveName")}
        </Button>
      </form>
    </AccountSection>
  );
}
