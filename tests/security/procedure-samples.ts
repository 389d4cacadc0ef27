/** A valid input for every tRPC procedure that takes one; the security suites break or misuse each in turn. */
export const VALID_INPUTS: Record<string, Record<string, unknown>> = {
  "auth.signUp": { email: "bad-input@test.local", password: "a perfectly fine passphrase", name: "Bad Input" },
  "auth.verifyEmail": { token: "a-well-formed-but-unknown-token-0123456789" },
  "auth.requestPasswordReset": { email: "bad-input@test.local" },
  "auth.resetPassword": {
    token: "a-well-formed-but-unknown-token-0123456789",
    password: "a perfectly fine passphrase",
  },
  "auth.changePassword": { currentPassword: "the current passphrase", password: "a perfectly fine passphrase" },
  "account.updateName": { name: "Ada Lovelace" },
  "account.revokeSession": { id: "session-1" },
  "account.delete": { password: "the current passphrase" },
  "credits.history": { limit: 10 },
  "credits.spentPerDay": { days: 30 },
  "credits.setLowBalanceAlert": { mode: "custom", threshold: 2_500 },
  "credits.usage": { from: "2026-01-01", to: "2026-01-31" },
  "billing.checkout": { packId: "starter" },
  "billing.confirm": { sessionId: "cs_test_abc123" },
  "billing.cancel": { checkoutRef: "3f2a8c1e-5b6d-4e7f-8a9b-0c1d2e3f4a5b" },
  "billing.purchases": { limit: 10 },
  "billing.removeSavedCard": { paymentMethodId: "pm_test_abc123" },
  "autoTopUp.set": { threshold: 5_000, packId: "starter", monthlyLimit: 3, paymentMethodId: "pm_test_abc123" },
  "autoTopUp.authenticate": { purchaseId: "topup_abc123" },
  "autoTopUp.confirm": { purchaseId: "topup_abc123" },
  "chat.createConversation": { title: "A title" },
  "chat.renameConversation": { id: "conversation-1", title: "A title" },
  "chat.deleteConversation": { id: "conversation-1" },
  "chat.messages": { conversationId: "conversation-1" },
  "chat.send": { conversationId: "conversation-1", content: "Hello" },
  "chat.regenerate": { conversationId: "conversation-1" },
  "chat.editLast": { conversationId: "conversation-1", content: "Hello again" },
  "chat.listConversations": { search: "hello" },
  // Only the required field: the optional ones (conversationId, modelId, kind) may be omitted.
  "chat.quote": { content: "Hello" },
};

/** Procedures that take no input. */
export const NO_INPUT = new Set([
  "credits.balance",
  "credits.lowBalance",
  "billing.products",
  "billing.savedCards",
  "autoTopUp.get",
  "autoTopUp.turnOff",
  "chat.model",
  "chat.models",
  "auth.providers",
  "auth.status",
  "auth.resendVerification",
  "auth.signOutEverywhere",
  "account.profile",
  "account.sessions",
  "account.clearName",
]);

/** Procedures anyone may call (tests/auth/protected-procedures.test.ts keeps the same list). */
export const PUBLIC_PROCEDURES = new Set([
  "auth.signUp",
  "auth.providers",
  "auth.verifyEmail",
  "auth.requestPasswordReset",
  "auth.resetPassword",
  "billing.products",
  "chat.model",
  "chat.models",
]);
