/**
 * The receipt and invoice links a paid purchase shows: Stripe's receipt page (the charge's `receipt_url`)
 * and, when Checkout created an invoice (`invoice_creation`), its hosted page and PDF. They are read from
 * the Checkout Session as fulfilment already retrieves it (charge and invoice expanded, no extra request)
 * and stored on the Purchase. A URL is stored, and later rendered, only when it is http(s) on Stripe's
 * own origins or on the configured emulator's: a forged event or bad data can never put a link to
 * somewhere else on the billing page.
 *
 * Purchases paid before these links existed (or whose links were not ready yet) are filled in by
 * `backfillReceiptLinks`, which the reconcile job runs: once per purchase (receiptLinksAt marks it),
 * a bounded batch per run, never from a page render.
 */
import type Stripe from "stripe";

import { env } from "~/env";
import type { Purchase } from "~/generated/prisma/client";
import { lockAccount } from "~/server/credits/account";
import { inTransaction } from "~/server/database/transaction";
import type { Db } from "~/server/db";
import { logEvent } from "~/server/log";

import { retrieveTopUpIntent } from "./auto-top-up/intents";
import { movePurchase, type PurchaseFacts } from "./purchase-status";
import { EMULATOR_API_URL, stripeApiUrlForTests, type StripeEnv } from "./stripe-client";
import { retrieveCheckoutSession, type VerifiedCheckoutSession } from "./stripe-records";

/** Where Stripe serves receipts (`pay.stripe.com/receipts/…`), invoice PDFs (`pay.stripe.com/invoice/…/pdf`) and hosted invoices. */
export const STRIPE_RECEIPT_ORIGINS = ["https://pay.stripe.com", "https://invoice.stripe.com"] as const;
const MAX_URL_LENGTH = 2048;

/**
 * The origins a stored receipt link may point at: Stripe's, plus the API URL's when the SDK talks to
 * something else (the local emulator in development and tests; production refuses it with a live key).
 */
export function receiptOrigins(source: Pick<StripeEnv, "NODE_ENV" | "STRIPE_SECRET_KEY" | "STRIPE_API_URL"> = env) {
  const apiUrl = source.STRIPE_SECRET_KEY
    ? source.STRIPE_API_URL
    : source.NODE_ENV === "production"
      ? undefined
      : (source.STRIPE_API_URL ?? EMULATOR_API_URL);
  const origins: string[] = [...STRIPE_RECEIPT_ORIGINS];
  for (const url of [apiUrl, stripeApiUrlForTests()]) {
    if (!url) continue;
    try {
      origins.push(new URL(url).origin);
    } catch {
      // env.js validated it as a URL; nothing to add otherwise.
    }
  }
  return origins;
}

/** `value` as a URL the billing page may link to, or null (not a string, not http(s), credentials, another origin, too long). */
export function safeReceiptUrl(value: unknown, origins: readonly string[] = receiptOrigins()): string | null {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_URL_LENGTH) return null;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  if (url.username || url.password) return null;
  if (!origins.includes(url.origin)) return null;
  return url.href;
}

export interface ReceiptLinks {
  receiptUrl: string | null;
  invoiceId: string | null;
  hostedInvoiceUrl: string | null;
  invoicePdfUrl: string | null;
  /** Everything Stripe will ever give for this purchase is here (a receipt, and the invoice's links when it has one). */
  complete: boolean;
}

const NO_LINKS: ReceiptLinks = {
  receiptUrl: null,
  invoiceId: null,
  hostedInvoiceUrl: null,
  invoicePdfUrl: null,
  complete: false,
};

function objectOf<T extends { id: string }>(value: string | T | null | undefined): T | null {
  return value && typeof value === "object" ? value : null;
}

/** The links in a session retrieved with `payment_intent.latest_charge` and `invoice` expanded; refused URLs are logged (ids only). */
export function receiptLinksOf(
  session: VerifiedCheckoutSession,
  origins: readonly string[] = receiptOrigins(),
): ReceiptLinks {
  const charge = objectOf<Stripe.Charge>(objectOf<Stripe.PaymentIntent>(session.payment_intent)?.latest_charge);
  const invoice = objectOf<Stripe.Invoice>(session.invoice);
  const checked = (field: string, value: string | null | undefined): string | null => {
    if (value === null || value === undefined) return null;
    const safe = safeReceiptUrl(value, origins);
    if (!safe) logEvent("receipt_link_refused", { sessionId: session.id, field }, "warn");
    return safe;
  };
  const receiptUrl = checked("receipt_url", charge?.receipt_url);
  const hostedInvoiceUrl = checked("hosted_invoice_url", invoice?.hosted_invoice_url);
  const invoicePdfUrl = checked("invoice_pdf", invoice?.invoice_pdf);
  const invoiceId = typeof session.invoice === "string" ? session.invoice : (session.invoice?.id ?? null);
  const invoiceExpected = invoiceId !== null || session.invoice_creation?.enabled === true;
  return {
    receiptUrl,
    invoiceId: invoiceId && /^in_\w{1,250}$/.test(invoiceId) ? invoiceId : null,
    hostedInvoiceUrl,
    invoicePdfUrl,
    complete: receiptUrl !== null && (!invoiceExpected || (hostedInvoiceUrl !== null && invoicePdfUrl !== null)),
  };
}

/** An auto top-up's link: the receipt of its PaymentIntent's charge (retrieved with `latest_charge` expanded); no invoice. */
export function receiptLinksOfPaymentIntent(
  intent: Stripe.PaymentIntent,
  origins: readonly string[] = receiptOrigins(),
): ReceiptLinks {
  const value = objectOf<Stripe.Charge>(intent.latest_charge)?.receipt_url;
  const receiptUrl = value ? safeReceiptUrl(value, origins) : null;
  if (value && !receiptUrl)
    logEvent("receipt_link_refused", { paymentIntentId: intent.id, field: "receipt_url" }, "warn");
  return { ...NO_LINKS, receiptUrl, complete: receiptUrl !== null };
}

/**
 * What to write on `current`: each link it does not have yet, and `receiptLinksAt` once the set is complete
 * (or `finalise`: the backfill's one attempt). Links already stored are never replaced, so repeats are no-ops.
 */
export function receiptFacts(current: Purchase, links: ReceiptLinks, finalise = false): PurchaseFacts {
  const facts: PurchaseFacts = {};
  if (!current.receiptUrl && links.receiptUrl) facts.receiptUrl = links.receiptUrl;
  if (!current.invoiceId && links.invoiceId) facts.invoiceId = links.invoiceId;
  if (!current.hostedInvoiceUrl && links.hostedInvoiceUrl) facts.hostedInvoiceUrl = links.hostedInvoiceUrl;
  if (!current.invoicePdfUrl && links.invoicePdfUrl) facts.invoicePdfUrl = links.invoicePdfUrl;
  if (!current.receiptLinksAt && (links.complete || finalise)) facts.receiptLinksAt = new Date();
  return facts;
}

/** A Checkout purchase's links from its session; an auto top-up's from its PaymentIntent's charge. */
async function linksFromStripe(
  deps: { stripe: Stripe; origins?: readonly string[] },
  purchase: Pick<Purchase, "id" | "kind" | "paymentIntentId">,
): Promise<ReceiptLinks> {
  if (purchase.kind === "auto_top_up") {
    const intent = purchase.paymentIntentId ? await retrieveTopUpIntent(deps.stripe, purchase.paymentIntentId) : null;
    return intent ? receiptLinksOfPaymentIntent(intent, deps.origins) : NO_LINKS;
  }
  const session = await retrieveCheckoutSession(deps.stripe, purchase.id);
  return session ? receiptLinksOf(session, deps.origins) : NO_LINKS;
}

export interface BackfillReport {
  /** Purchases whose links were read from Stripe in this run. */
  backfilled: number;
  /** Of those, how many have a receipt link now. */
  withReceipt: number;
}

/**
 * Paid purchases (credited at some point, whatever their status now: refunded and disputed ones keep
 * their receipt) that have no receipt links yet get them from Stripe: one session read each, at most
 * `limit` per run, and each purchase once (receiptLinksAt is set whatever Stripe answered; the write
 * happens under the owner's account lock and re-checks it, so a concurrent run or fulfilment cannot
 * write twice). A Stripe outage stops the run with an error; the next run continues.
 */
export async function backfillReceiptLinks(
  deps: { db: Db; stripe: Stripe; origins?: readonly string[] },
  opts: { limit?: number } = {},
): Promise<BackfillReport> {
  const candidates = await deps.db.purchase.findMany({
    where: { creditedAt: { not: null }, receiptLinksAt: null },
    orderBy: { createdAt: "asc" },
    take: opts.limit ?? 50,
    select: { id: true, userId: true, kind: true, paymentIntentId: true },
  });
  const report: BackfillReport = { backfilled: 0, withReceipt: 0 };
  for (const { id, userId, kind, paymentIntentId } of candidates) {
    const links = await linksFromStripe(deps, { id, kind, paymentIntentId });
    const written = await inTransaction(deps.db, async (tx) => {
      await lockAccount(tx, userId);
      const current = await tx.purchase.findUniqueOrThrow({ where: { id } });
      if (current.receiptLinksAt) return null;
      // Same status: only the link fields are written.
      return movePurchase(tx, current, current.status, receiptFacts(current, links, true));
    });
    if (!written) continue;
    report.backfilled += 1;
    if (written.receiptUrl) report.withReceipt += 1;
  }
  if (report.backfilled > 0) logEvent("receipt_links_backfilled", { ...report });
  return report;
}

/** A stored link as the billing page may render it: re-checked on read, so a row edited by hand renders no link. */
export function renderableReceiptUrl(stored: string | null, origins: readonly string[] = receiptOrigins()) {
  return stored === null ? null : safeReceiptUrl(stored, origins);
}
