import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";

import { BillingView } from "~/components/billing/billing-view";
import { isPackId } from "~/lib/packs";

import { currentUser } from "~/app/_lib/current-user";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("billing");
  return { title: t("title") };
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

// Same shape billing.confirm accepts; anything else is ignored rather than sent.
const SESSION_ID = /^cs_[A-Za-z0-9_]{1,250}$/;
const TOP_UP_ID = /^topup_[A-Za-z0-9_-]{1,250}$/;
const CHECKOUT_REF = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function BillingPage({ searchParams }: { searchParams: SearchParams }) {
  if (!(await currentUser())) redirect("/auth?callbackUrl=/billing");
  const params = await searchParams;
  const sessionId =
    typeof params.session_id === "string" && SESSION_ID.test(params.session_id) ? params.session_id : null;
  const checkoutRef =
    typeof params.checkout === "string" && CHECKOUT_REF.test(params.checkout) ? params.checkout : null;
  return (
    <BillingView
      success={params.success === "1"}
      canceled={params.canceled === "1"}
      sessionId={sessionId}
      checkoutRef={checkoutRef}
      suggestedPack={isPackId(params.pack) ? params.pack : null}
      topUpId={typeof params.topup === "string" && TOP_UP_ID.test(params.topup) ? params.topup : null}
    />
  );
}
