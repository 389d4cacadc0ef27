import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { PricingView } from "~/components/pricing/pricing-view";
import { api } from "~/trpc/server";

import { currentUser } from "~/app/_lib/current-user";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("pricing");
  return { title: t("title") };
}

/** Public: the packs with their price per 1,000 credits and savings, and how a message is charged. */
export default async function PricingPage() {
  const [{ products }, user] = await Promise.all([api.billing.products(), currentUser()]);
  return <PricingView products={products} signedIn={user !== null} />;
}
