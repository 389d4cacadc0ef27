import type { EmulatorContext } from "../context";
import type { Dispute } from "../objects";

const EVIDENCE_FIELDS = [
  "access_activity_log",
  "billing_address",
  "cancellation_policy",
  "cancellation_policy_disclosure",
  "cancellation_rebuttal",
  "customer_communication",
  "customer_email_address",
  "customer_name",
  "customer_purchase_ip",
  "customer_signature",
  "duplicate_charge_documentation",
  "duplicate_charge_explanation",
  "duplicate_charge_id",
  "product_description",
  "receipt",
  "refund_policy",
  "refund_policy_disclosure",
  "refund_refusal_explanation",
  "service_date",
  "service_documentation",
  "shipping_address",
  "shipping_carrier",
  "shipping_date",
  "shipping_documentation",
  "shipping_tracking_number",
  "uncategorized_file",
  "uncategorized_text",
] as const;

/** Card networks' reason codes for the dispute reasons the emulator opens (Visa's). */
const NETWORK_REASON: Record<string, string> = {
  fraudulent: "10.4",
  duplicate: "12.6.1",
  product_not_received: "13.1",
  general: "13.7",
};

const EVIDENCE_DAYS = 7;

/** A chargeback with no evidence submitted: evidence due a week after it opened. */
export function disputeShape(ctx: EmulatorContext, dispute: Dispute) {
  const card = ctx.store.state.charges[dispute.charge]?.payment_method_details.card;
  const open = dispute.status === "needs_response";
  return {
    ...dispute,
    balance_transactions: [],
    enhanced_eligibility_types: [],
    evidence: { ...Object.fromEntries(EVIDENCE_FIELDS.map((field) => [field, null])), enhanced_evidence: {} },
    evidence_details: {
      due_by: open ? dispute.created + EVIDENCE_DAYS * 24 * 3600 : null,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
    },
    payment_method_details: card
      ? {
          card: {
            brand: card.brand,
            case_type: "chargeback",
            network: card.brand,
            network_reason_code: NETWORK_REASON[dispute.reason] ?? null,
          },
          type: "card",
        }
      : null,
  };
}
