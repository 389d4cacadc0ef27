export * from "./errors";
export { billingProducts, type Product } from "./products";
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
export { CHECKOUT_REF_TYPE, fulfilCheckoutSession, type FulfilResult } from "./fulfil-checkout-session";
export { applyChargeRefund, applyDispute, type ClawbackOutcome } from "./refunds";
export { handleStripeEvent, type StripeEventOptions, type StripeEventResult } from "./handle-stripe-event";
export { fulfilByPaymentIntent } from "./catch-up-purchase";
export { handleWebhookRequest, MAX_WEBHOOK_BYTES, SIGNATURE_TOLERANCE_SECONDS, type WebhookDeps } from "./webhook-request";
export { confirmCheckout, type ConfirmResult } from "./confirm-checkout";
export { listPurchases, type PurchasePage, type PurchaseView } from "./purchases";
export { reconcileCheckoutSessions, type ReconcileReport } from "./reconcile";
