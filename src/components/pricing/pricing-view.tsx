import Link from "next/link";
import { getFormatter, getTranslations } from "next-intl/server";

import { ModelPrices } from "~/components/pricing/model-prices";
import { buttonClasses } from "~/components/ui/button";
import { minorToMajor } from "~/lib/money";
import { packPricing } from "~/lib/pack-pricing";
import { FEATURED_PACK, isPackId } from "~/lib/packs";
import type { RouterOutputs } from "~/trpc/react";

type Product = RouterOutputs["billing"]["products"]["products"][number];

/** The public pricing page (server-rendered; the model table asks chat.models from the browser): packs, what a credit is, how a message is charged. */
export async function PricingView({ products, signedIn }: { products: Product[]; signedIn: boolean }) {
  const [t, tb, format] = await Promise.all([getTranslations("pricing"), getTranslations("billing"), getFormatter()]);
  const packs = packPricing(products);
  // A price per 1,000 credits can be a fraction of a cent: shown to 1/100 of a cent at most.
  const per1000 = (amount: number, currency: string) =>
    format.number(amount, { style: "currency", currency: currency.toUpperCase(), maximumFractionDigits: 4 });
  const cta = signedIn
    ? { href: "/billing", label: t("buyCta") }
    : { href: "/auth?mode=signup", label: t("signUpCta") };

  return (
    <div className="mx-auto max-w-4xl">
      <h1 className="text-2xl font-bold tracking-tight sm:text-3xl">{t("title")}</h1>
      <p className="mt-2 text-gray-600 dark:text-gray-300">{t("subtitle")}</p>

      <section aria-labelledby="pricing-packs-title" className="mt-8">
        <h2 id="pricing-packs-title" className="sr-only">
          {tb("packsTitle")}
        </h2>
        {packs.length === 0 ? (
          <p className="text-gray-600 dark:text-gray-400">{t("noProducts")}</p>
        ) : (
          <ul className="grid gap-4 sm:grid-cols-3">
            {packs.map((pack) => (
              <li
                key={pack.id}
                data-testid={`pricing-pack-${pack.id}`}
                className={`flex flex-col rounded-xl border bg-white p-5 dark:bg-gray-900 ${
                  pack.id === FEATURED_PACK
                    ? "border-blue-500 ring-1 ring-blue-500"
                    : "border-gray-200 dark:border-gray-800"
                }`}
              >
                <h3 className="text-lg font-semibold">{isPackId(pack.id) ? tb(`packs.${pack.id}`) : pack.id}</h3>
                <p className="mt-2 text-3xl font-bold tabular-nums" data-testid={`pricing-price-${pack.id}`}>
                  {format.number(minorToMajor(pack.unitAmount, pack.currency), {
                    style: "currency",
                    currency: pack.currency.toUpperCase(),
                  })}
                </p>
                <p className="mt-1 text-gray-700 tabular-nums dark:text-gray-300">
                  {tb("perPack", { credits: format.number(pack.credits) })}
                </p>
                <p
                  className="mt-3 text-sm text-gray-700 tabular-nums dark:text-gray-300"
                  data-testid={`pricing-per1000-${pack.id}`}
                >
                  {t("per1000", { price: per1000(pack.per1000, pack.currency), thousand: format.number(1000) })}
                </p>
                <p
                  className={`mt-2 w-fit rounded-full px-2.5 py-0.5 text-xs font-semibold ${
                    pack.savingsPercent
                      ? "bg-green-100 text-green-800 dark:bg-green-950 dark:text-green-200"
                      : "bg-gray-100 text-gray-700 dark:bg-gray-800 dark:text-gray-200"
                  }`}
                  data-testid={`pricing-savings-${pack.id}`}
                  data-percent={pack.savingsPercent ?? 0}
                >
                  {pack.savingsPercent
                    ? t("save", { percent: format.number(pack.savingsPercent / 100, { style: "percent" }) })
                    : t("basePrice")}
                </p>
              </li>
            ))}
          </ul>
        )}
        <Link href={cta.href} className={buttonClasses({ size: "lg", className: "mt-6" })} data-testid="pricing-cta">
          {cta.label}
        </Link>
      </section>

      <section aria-labelledby="pricing-credit-title" className="mt-12 max-w-2xl">
        <h2 id="pricing-credit-title" className="text-lg font-semibold">
          {t("creditTitle")}
        </h2>
        <p className="mt-2 text-gray-700 dark:text-gray-300">{t("creditBody")}</p>
      </section>

      <section aria-labelledby="pricing-charge-title" className="mt-8 max-w-2xl">
        <h2 id="pricing-charge-title" className="text-lg font-semibold">
          {t("chargeTitle")}
        </h2>
        <ol className="mt-2 list-decimal space-y-2 pl-5 text-gray-700 dark:text-gray-300">
          <li>{t("chargeHold")}</li>
          <li>{t("chargeSettle")}</li>
          <li>{t("chargeStop")}</li>
        </ol>
      </section>

      <section aria-labelledby="pricing-models-title" className="mt-8" data-testid="pricing-model-prices">
        <h2 id="pricing-models-title" className="text-lg font-semibold">
          {t("modelsTitle")}
        </h2>
        <ModelPrices className="mt-2" />
      </section>
    </div>
  );
}
