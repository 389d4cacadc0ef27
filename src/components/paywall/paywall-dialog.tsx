"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { useRouter } from "next/navigation";
import { useFormatter, useTranslations } from "next-intl";
import { useRef, type RefObject } from "react";

import { usePackName } from "~/components/billing/pack-list";
import { managesTeam, teamBuyHref, teamLimitsHref, useMyTeams, type MyTeam } from "~/components/chat/my-teams";
import { Button } from "~/components/ui/button";
import { missingCredits, type CreditShortfall } from "~/lib/credit-shortfall";
import { minorToMajor } from "~/lib/money";
import { smallestPackCovering } from "~/lib/packs";
import { api, type RouterOutputs } from "~/trpc/react";

import { requestPersonalPayment } from "./pay-personally";

type Product = RouterOutputs["billing"]["products"]["products"][number];

/** Where Buy goes: the billing page with the pack that covers the shortfall (or the largest one) picked out. */
export function billingHrefFor(pack: Pick<Product, "id"> | undefined): string {
  return pack ? `/billing?pack=${encodeURIComponent(pack.id)}` : "/billing";
}

/** The pack to offer: the smallest that covers what is missing, else the largest there is (with covers: false). */
export function packOffer(
  products: readonly Product[] | undefined,
  shortfall: CreditShortfall | null,
): { pack: Product; covers: boolean } | null {
  if (!products?.length || !shortfall) return null;
  const covering = smallestPackCovering(products, missingCredits(shortfall));
  if (covering) return { pack: covering, covers: true };
  const largest = products.reduce((a, b) => (b.credits > a.credits ? b : a));
  return { pack: largest, covers: false };
}

/**
 * The paywall's dialog, loaded by paywall-modal.tsx (which holds its state) before it is first needed.
 * It shows the numbers that refused (needed, available, held by replies in progress) and the pack that
 * covers what is missing. Radix's dialog traps focus, closes on Escape or a click outside, hides the page
 * from assistive technology and (with no trigger of its own) we hand focus back to where it was when the
 * paywall opened.
 */
export default function PaywallDialog({
  open,
  onOpenChange,
  shortfall,
  focusBefore,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  shortfall: CreditShortfall | null;
  focusBefore: RefObject<HTMLElement | null>;
}) {
  const primaryRef = useRef<HTMLButtonElement>(null);
  const products = api.billing.products.useQuery(undefined, { enabled: open && shortfall !== null });
  const teamId = shortfall?.teamId;
  // A pack for a team's pool covers what the pool lacks, whatever a member's limit leaves.
  const poolShortfall = shortfall?.memberLimit && {
    ...shortfall,
    spendable: Math.max(shortfall.balance - shortfall.held, 0),
  };
  const offer = packOffer(products.data?.products, poolShortfall || shortfall);

  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay data-testid="paywall-overlay" className="fixed inset-0 z-50 bg-black/50 dark:bg-black/70" />
        <Dialog.Content
          aria-modal="true"
          data-testid="paywall"
          data-team={teamId}
          onOpenAutoFocus={(e) => {
            // The way forward has the focus (Buy, or for a team's member their own balance); else Radix picks the first.
            if (!primaryRef.current) return;
            e.preventDefault();
            primaryRef.current.focus();
          }}
          onCloseAutoFocus={(e) => {
            const before = focusBefore.current;
            if (!before?.isConnected) return;
            e.preventDefault();
            before.focus();
          }}
          className="fixed top-1/2 left-1/2 z-50 max-h-[calc(100dvh-2rem)] w-[calc(100%-2rem)] max-w-md -translate-x-1/2 -translate-y-1/2 overflow-y-auto rounded-xl bg-white p-6 shadow-xl ring-1 ring-gray-200 dark:bg-gray-900 dark:ring-gray-700"
        >
          {shortfall && teamId ? (
            <TeamPaywall
              teamId={teamId}
              shortfall={shortfall}
              offer={offer}
              loading={products.isPending}
              primaryRef={primaryRef}
              onOpenChange={onOpenChange}
            />
          ) : (
            <PersonalPaywall
              shortfall={shortfall}
              offer={offer}
              loading={products.isPending}
              primaryRef={primaryRef}
              onOpenChange={onOpenChange}
            />
          )}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

interface VariantProps {
  offer: { pack: Product; covers: boolean } | null;
  loading: boolean;
  primaryRef: RefObject<HTMLButtonElement | null>;
  onOpenChange: (open: boolean) => void;
}

/** The user's own balance refused: the numbers and the pack that covers what is missing. */
function PersonalPaywall({
  shortfall,
  offer,
  loading,
  primaryRef,
  onOpenChange,
}: VariantProps & { shortfall: CreditShortfall | null }) {
  const t = useTranslations("paywall");
  const router = useRouter();
  return (
    <>
      <Dialog.Title className="text-xl font-semibold text-gray-900 dark:text-gray-100">{t("title")}</Dialog.Title>
      <Dialog.Description className="mt-3 text-gray-600 dark:text-gray-300">
        {shortfall ? t("explain") : t("prompt")}
      </Dialog.Description>
      {shortfall && <ShortfallDetails shortfall={shortfall} offer={offer} loading={loading} />}
      <div className="mt-6 flex flex-col-reverse gap-3 sm:flex-row sm:justify-end">
        <Dialog.Close asChild>
          <Button variant="secondary" data-testid="paywall-cancel">
            {t("cancel")}
          </Button>
        </Dialog.Close>
        <Button
          ref={primaryRef}
          data-testid="paywall-buy"
          data-pack={offer?.pack.id}
          onClick={() => {
            onOpenChange(false);
            router.push(billingHrefFor(offer?.pack));
          }}
        >
          {t("buy")}
        </Button>
      </div>
    </>
  );
}

/**
 * A team's pool or the member's own limit refused. It names the team and, for a limit, the period,
 * the limit and what counted; what it offers fits the reader's role in that team (teams.list): an
 * admin or the owner buys for the team (a pool too low) or changes limits (a limit), a member asks an
 * admin. Anyone whose own balance covers the message may pay it from there instead.
 */
function TeamPaywall({
  teamId,
  shortfall,
  offer,
  loading,
  primaryRef,
  onOpenChange,
}: VariantProps & { teamId: string; shortfall: CreditShortfall }) {
  const t = useTranslations("paywall");
  const router = useRouter();
  const { teams, loaded } = useMyTeams();
  const personal = api.credits.balance.useQuery();
  const team: MyTeam | undefined = teams.find((x) => x.id === teamId);
  const name = team?.name ?? t("someTeam");
  const admin = managesTeam(team);
  const limit = shortfall.memberLimit;
  // A limit refusal may also meet a pool too low for the message: then buying helps as well.
  const poolShort = !limit || shortfall.balance - shortfall.held < shortfall.needed;
  const personalCovers = (personal.data?.spendable ?? 0) >= shortfall.needed;
  const go = (href: string) => {
    onOpenChange(false);
    router.push(href);
  };
  const actions: { id: string; label: string; run: () => void }[] = [];
  if (admin && limit) actions.push({ id: "limits", label: t("changeLimits"), run: () => go(teamLimitsHref(teamId)) });
  if (admin && poolShort)
    actions.push({
      id: "team-buy",
      label: t("buyForTeam", { team: name }),
      run: () => go(teamBuyHref(teamId, offer?.pack.id)),
    });
  if (personalCovers)
    actions.push({
      id: "personal",
      label: t("payPersonally", { credits: personal.data!.spendable }),
      run: () => {
        onOpenChange(false);
        requestPersonalPayment();
      },
    });

  return (
    <>
      <Dialog.Title className="text-xl font-semibold text-gray-900 dark:text-gray-100">
        {limit ? t("limitTitle") : t("teamTitle", { team: name })}
      </Dialog.Title>
      <Dialog.Description data-testid="paywall-explain" className="mt-3 text-gray-600 dark:text-gray-300">
        {limit
          ? t("limitExplain", { period: limit.period, limit: limit.limit, used: limit.used, team: name })
          : t("teamExplain", { team: name })}
      </Dialog.Description>
      <ShortfallDetails shortfall={shortfall} offer={admin && poolShort ? offer : null} loading={admin && loading} />
      {loaded && !admin && (
        <p data-testid="paywall-ask-admin" className="mt-4 text-sm font-medium text-gray-900 dark:text-gray-100">
          {limit ? t("askAdminLimit") : t("askAdminPool", { team: name })}
        </p>
      )}
      <div className="mt-6 flex flex-col-reverse gap-3 sm:flex-row sm:flex-wrap sm:justify-end">
        <Dialog.Close asChild>
          <Button variant="secondary" data-testid="paywall-cancel">
            {t("cancel")}
          </Button>
        </Dialog.Close>
        {actions.map((action, i) => (
          <Button
            key={action.id}
            ref={i === 0 ? primaryRef : undefined}
            variant={i === 0 ? "primary" : "secondary"}
            data-testid={`paywall-${action.id}`}
            data-pack={action.id === "team-buy" ? offer?.pack.id : undefined}
            onClick={action.run}
          >
            {action.label}
          </Button>
        ))}
      </div>
    </>
  );
}

function ShortfallDetails({
  shortfall,
  offer,
  loading,
}: {
  shortfall: CreditShortfall;
  offer: { pack: Product; covers: boolean } | null;
  loading: boolean;
}) {
  const t = useTranslations();
  const format = useFormatter();
  const packName = usePackName();
  const rows: { id: string; label: string; value: number }[] = [
    { id: "needed", label: t("paywall.needed"), value: shortfall.needed },
    {
      id: "available",
      label: shortfall.memberLimit ? t("paywall.availableToYou") : t("paywall.available"),
      value: shortfall.spendable,
    },
    ...(shortfall.held > 0 ? [{ id: "held", label: t("paywall.held"), value: shortfall.held }] : []),
  ];
  const price = (p: Product) =>
    format.number(minorToMajor(p.unitAmount, p.currency), { style: "currency", currency: p.currency.toUpperCase() });

  return (
    <>
      <dl className="mt-4 divide-y divide-gray-200 rounded-lg bg-gray-50 px-4 text-sm dark:divide-gray-700 dark:bg-gray-800">
        {rows.map((row) => (
          <div key={row.id} className="flex items-baseline justify-between gap-4 py-2">
            <dt className="text-gray-700 dark:text-gray-300">{row.label}</dt>
            <dd
              data-testid={`paywall-${row.id}`}
              data-value={row.value}
              className="font-semibold whitespace-nowrap text-gray-900 tabular-nums dark:text-gray-100"
            >
              {t("common.credits", { count: row.value })}
            </dd>
          </div>
        ))}
      </dl>
      {shortfall.held > 0 && (
        <p data-testid="paywall-held-note" className="mt-3 text-sm text-gray-600 dark:text-gray-300">
          {t("paywall.heldNote")}
        </p>
      )}
      {offer ? (
        <p
          data-testid="paywall-pack"
          data-pack={offer.pack.id}
          data-covers={offer.covers}
          className="mt-4 text-sm font-medium text-gray-900 dark:text-gray-100"
        >
          {offer.covers
            ? t("paywall.packCovers", {
                pack: packName(offer.pack.id),
                packCredits: offer.pack.credits,
                price: price(offer.pack),
              })
            : t("paywall.packNone", {
                pack: packName(offer.pack.id),
                packCredits: offer.pack.credits,
                missing: missingCredits(shortfall),
              })}
        </p>
      ) : (
        loading && <div aria-hidden className="mt-4 h-5 w-3/4 animate-pulse rounded bg-gray-200 dark:bg-gray-700" />
      )}
    </>
  );
}
