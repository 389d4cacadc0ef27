import type { EmulatorContext } from "../context";
import type { Charge } from "../objects";
import { listObject } from "../objects";
import { billingDetails, digest } from "./common";

export const receiptUrlOf = (ctx: EmulatorContext, chargeId: string) => `${ctx.publicUrl}/receipts/payment/${chargeId}`;

/** What Stripe's statement shows: the business name, upper case, at most 22 characters. */
export const statementDescriptorOf = (ctx: EmulatorContext) =>
  ctx.businessName
    .toUpperCase()
    .replace(/[^A-Z0-9 .-]/g, "")
    .slice(0, 22);

function cardDetails(ctx: EmulatorContext, charge: Charge) {
  const card = charge.payment_method_details.card;
  if (!card) return charge.payment_method_details;
  const saved = charge.payment_method ? ctx.store.state.paymentMethods[charge.payment_method] : undefined;
  return {
    card: {
      amount_authorized: charge.amount,
      authorization_code: digest(`auth:${charge.id}`, 6).toUpperCase(),
      brand: card.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
      country: "US",
      exp_month: saved?.card.exp_month ?? 12,
      exp_year: saved?.card.exp_year ?? new Date(charge.created * 1000).getUTCFullYear() + 3,
      extended_authorization: { status: "disabled" },
      fingerprint: saved?.card.fingerprint ?? digest(`card:${card.brand}:${card.last4}`, 16),
      funding: "credit",
      incremental_authorization: { status: "unavailable" },
      installments: null,
      last4: card.last4,
      mandate: null,
      multicapture: { status: "unavailable" },
      network: card.brand,
      network_token: { used: false },
      network_transaction_id: digest(`ntid:${charge.id}`, 15),
      overcapture: { maximum_amount_capturable: charge.amount, status: "unavailable" },
      regulated_status: "unregulated",
      three_d_secure: null,
      transaction_link_id: null,
      wallet: null,
    },
    type: "card",
  };
}

/** Stripe includes a charge's refunds only when asked (`expand[]=refunds`, since API version 2022-11-15). */
export function withRefunds(ctx: EmulatorContext, charge: Charge) {
  const refunds = Object.values(ctx.store.state.refunds)
    .filter((refund) => refund.charge === charge.id)
    .reverse();
  return { ...charge, refunds: listObject(`/v1/charges/${charge.id}/refunds`, refunds, false) };
}

/** A Checkout charge: captured at once, with a receipt page served by the emulator. */
export function chargeShape(ctx: EmulatorContext, charge: Charge) {
  const descriptor = statementDescriptorOf(ctx);
  return {
    ...charge,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: null,
    billing_details: billingDetails(charge.billing_details.email, charge.billing_details.name),
    calculated_statement_descriptor: descriptor || null,
    description: null,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    on_behalf_of: null,
    outcome: {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: "approved_by_network",
      reason: null,
      risk_level: "normal",
      seller_message: "Payment complete.",
      type: "authorized",
    },
    payment_method: charge.payment_method ?? null,
    payment_method_details: cardDetails(ctx, charge),
    receipt_number: null,
    receipt_url: receiptUrlOf(ctx, charge.id),
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    transfer_data: null,
    transfer_group: null,
  };
}
