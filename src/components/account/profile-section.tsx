"use client";

import { useTranslations } from "next-intl";
import { useId, useState, type FormEvent } from "react";

import { api } from "~/trpc/react";

import { errorClass, inputClass, sectionClass, successClass } from "./styles";

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
  const nameHint = useId();
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
    <section aria-labelledby="profile-title" className={sectionClass}>
      <h2 id="profile-title" className="text-lg font-semibold">
        {t("profileTitle")}
      </h2>
      <form noValidate onSubmit={onSubmit} className="mt-4 max-w-sm space-y-4" aria-busy={pending}>
        <label className="block text-sm font-medium">
          {t("displayName")}
          <input
            type="text"
            name="name"
            autoComplete="name"
            maxLength={80}
            data-testid="profile-name"
            value={name}
            disabled={!profile.data}
            onChange={(e) => setDraft(e.target.value)}
            aria-invalid={failed || undefined}
            aria-describedby={nameHint}
            className={inputClass}
          />
          <span id={nameHint} className="mt-1 block text-xs font-normal text-gray-500 dark:text-gray-400">
            {t("displayNameHint")}
          </span>
        </label>
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
          <p role="alert" data-testid="profile-error" className={errorClass}>
            {t("nameInvalid")}
          </p>
        )}
        {saved && (
          <p role="status" data-testid="profile-saved" className={successClass}>
            {t("nameSaved")}
          </p>
        )}
        <button
          type="submit"
          data-testid="profile-save"
          disabled={pending || !profile.data}
          className="rounded-md bg-blue-600 px-4 py-2.5 font-medium text-white hover:bg-blue-700 disabled:opacity-60"
        >
          {t("saveName")}
        </button>
      </form>
    </section>
  );
}
