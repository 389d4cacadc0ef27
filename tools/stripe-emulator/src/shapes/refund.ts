import type { EmulatorContext } from "../context";
import type { Refund } from "../objects";

/** A refund back to the card (or to the customer's cash balance for a bank transfer). */
export function refundShape(ctx: EmulatorContext, refund: Refund) {
  const charge = ctx.store.state.charges[refund.charge];
  const toCard = charge?.payment_method_details.type === "card";
  return {
    ...refund,
    balance_transaction: null,
    customer: charge?.customer ?? null,
    customer_account: null,
    destination_details: toCard
      ? {
          card: {
            reference: null,
            reference_status: "pending",
            reference_type: "acquirer_reference_number",
            type: "refund",
          },
          type: "card",
        }
      : { customer_cash_balance: {}, type: "customer_cash_balance" },
    payment_method: charge?.payment_method ?? null,
    receipt_number: null,
    source_transfer_reversal: null,
    transfer_reversal: null,
  };
}
