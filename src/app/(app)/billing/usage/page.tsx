import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";

import { UsageView } from "~/components/billing/usage-view";
import { resolveRange } from "~/lib/usage-range";

import { currentUser } from "~/app/_lib/current-user";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("usage");
  return { title: t("title") };
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** Spend by day, model and conversation over a range that lives in the URL (`?days=7|30|90` or `?from=&to=`). */
export default async function UsagePage({ searchParams }: { searchParams: SearchParams }) {
  if (!(await currentUser())) redirect("/auth?callbackUrl=/billing/usage");
  return <UsageView range={resolveRange(await searchParams)} />;
}
