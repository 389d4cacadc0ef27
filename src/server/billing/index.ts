export * from "./errors";
export { billingProducts, type Product, type ProductsMode } from "./products";
export { PACK_IDS, findPack, packsFrom, type Pack, type PackId } from "./packs";
export {
  EMULATOR_API_URL,
  EMULATOR_SECRET_KEY,
  EMULATOR_WEBHOOK_SECRET,
  createStripeClient,
  getStripe,
  setStripeClientForTests,
  stripeSettingsFrom,
  type StripeMode,
  type StripeSettings,
} from "./stripe-client";
export { ensureStripeCustomer } from "./customers";
export { createCheckout, type CheckoutDeps } from "./create-checkout";
export { fulfilCheckoutSession, type FulfilResult } from "./fulfil-checkout-session";
export { applyChargeRefund, type ClawbackOutcome } from "./refunds";
export { applyDispute, disputeSide, type DisputeOutcome } from "./disputes";
// The ledger ref types billing writes, defined once in credits.
export { CHECKOUT_REF_TYPE, DISPUTE_REF_TYPE, DISPUTE_WON_REF_TYPE } from "~/server/credits/ref-types";
export { canMovePurchase, statusesMovingTo } from "./purchase-status";
export { retrieveCheckoutSession, type VerifiedCheckoutSession } from "./stripe-records";
export { handleStripeEvent, type StripeEventOptions, type StripeEventResult } from "./handle-stripe-event";
export { fulfilByPaymentIntent } from "./catch-up-purchase";
export {
  handleWebhookRequest,
  MAX_WEBHOOK_BYTES,
  SIGNATURE_TOLERANCE_SECONDS,
  type WebhookDeps,
} from "./webhook-request";
export { confirmCheckout, type ConfirmResult } from "./confirm-checkout";
export { cancelCheckout } from "./cancel-checkout";
export { listSavedCards, removeSavedCard, savedCardsView, type SavedCard } from "./saved-card";
export { listPurchases, type PurchasePage, type PurchaseView } from "./purchases";
export { isTeamAdmin, listTeamPurchases, mayManagePurchase } from "./team-purchases";
export { reconcileCheckoutSessions, type ReconcileReport } from "./reconcile";
export {
  backfillReceiptLinks,
  receiptLinksOf,
  receiptOrigins,
  safeReceiptUrl,
  STRIPE_RECEIPT_ORIGINS,
  type BackfillReport,
  type ReceiptLinks,
} from "./receipt-links";
