/**
 * What an exchange will cost before it is sent: chat.quote. The prompt comes from the same
 * builder as the exchange (exchange-prompt.ts) and the price from the same rule (priceExchange),
 * so `maxCredits` is exactly the hold startExchange would place for the same input. Reads only:
 * no stale-hold sweep, no write.
 */
import { getBalance, getTeamBalance, memberLimitUse, type LimitUse } from "~/server/credits";
import type { DbOrTx } from "~/server/database/transaction";
import { requireTeamRole } from "~/server/teams/access";

import { chooseModel, TYPICAL_MESSAGE_TOKENS, type CatalogModel, type ChatCatalog } from "./catalog";
import { rememberedPayer, requireOwnConversation } from "./conversations";
import { exchangePrompt, type ExchangeKind } from "./exchange-prompt";
import { creditsFor, priceExchange } from "./metering";
import { buildPrompt, estimatePromptTokens } from "./prompt";

export interface QuoteRequest {
  userId: string;
  /** Absent: a first message, in a conversation not created yet. */
  conversationId?: string;
  /** Already validated like a message. Ignored by regenerate (the last message is sent again). */
  content: string;
  modelId?: string;
  /** Which balance would pay: a team's id (the user must be a member), null for their own; undefined: the conversation's last choice. */
  payerTeamId?: string | null;
  kind: ExchangeKind;
}

export interface Quote {
  modelId: string;
  /** The worst case, held before the reply: input now + the model's output cap. */
  maxCredits: number;
  /** Input now + a typical reply. */
  likelyCredits: number;
  inputTokens: number;
  /** Earlier messages left out of the context by the model's budget. */
  omittedTurns: number;
  /** The balance that would pay: a team's pool (the payer's id), or null/absent for the user's own. */
  payerTeamId?: string | null;
  /** What the user can commit from that balance now; for a pool, also within each of their limits. */
  spendable: number;
  /** For a pool: the member limit that leaves the least (when it, not the pool, binds); else null/absent. */
  limit?: LimitUse | null;
  /** The spendable balance covers the worst case (else the exchange would be refused). */
  covers: boolean;
}

interface Spendable {
  spendable: number;
  limit: LimitUse | null;
}

/** What `userId` can spend from `teamId`'s pool now: the pool's spendable, capped by every limit's remaining. */
async function spendableFromPool(db: DbOrTx, teamId: string, userId: string): Promise<Spendable> {
  // The pool's numbers are read alongside the membership check and used only once it passed.
  const [member, pool, limits] = await Promise.allSettled([
    requireTeamRole(db, teamId, userId),
    getTeamBalance(db, teamId),
    memberLimitUse(db, teamId, userId),
  ]);
  if (member.status === "rejected") throw member.reason;
  if (pool.status === "rejected") throw pool.reason;
  if (limits.status === "rejected") throw limits.reason;
  const tightest = limits.value.reduce<LimitUse | null>((a, b) => (a && a.remaining <= b.remaining ? a : b), null);
  if (tightest && tightest.remaining <= pool.value.spendable) return { spendable: tightest.remaining, limit: tightest };
  return { spendable: pool.value.spendable, limit: null };
}

export async function quoteExchange(db: DbOrTx, catalog: ChatCatalog, request: QuoteRequest): Promise<Quote> {
  if (request.modelId !== undefined) chooseModel(catalog, request.modelId);
  const conversation = request.conversationId
    ? await requireOwnConversation(db, request.userId, request.conversationId)
    : null;
  const model = chooseModel(catalog, request.modelId, conversation?.modelId);
  const { prompt, omittedTurns } = await exchangePrompt(
    db,
    request.kind,
    conversation?.id ?? null,
    request.content,
    model,
  );
  const price = priceExchange(estimatePromptTokens(prompt), model);
  // The same payer the exchange would use (exchange.ts).
  const payerTeamId =
    request.payerTeamId !== undefined ? request.payerTeamId : conversation ? rememberedPayer(conversation) : null;
  const { spendable, limit } = payerTeamId
    ? await spendableFromPool(db, payerTeamId, request.userId)
    : { spendable: (await getBalance(db, request.userId)).spendable, limit: null };
  return {
    modelId: model.id,
    ...price,
    omittedTurns,
    payerTeamId,
    spendable,
    limit,
    covers: spendable >= price.maxCredits,
  };
}

export interface ModelOffer {
  id: string;
  label: string;
  demo: boolean;
  creditsPer1kInputTokens: number;
  creditsPer1kOutputTokens: number;
  contextTokens: number;
  maxOutputTokens: number;
  /** The likely cost of a typical first message (for "≈ N messages left"). */
  typicalMessageCredits: number;
  isDefault: boolean;
}

/** The likely cost of a typical short message with no history, at `model`'s prices. */
export function typicalMessageCredits(model: CatalogModel): number {
  const input = estimatePromptTokens(buildPrompt([], "")) + TYPICAL_MESSAGE_TOKENS;
  return Math.max(1, creditsFor({ inputTokens: input, outputTokens: model.typicalOutputTokens }, model));
}

/** The catalog as the model picker and the pricing page show it (public: prices only). */
export function modelOffers(catalog: ChatCatalog): ModelOffer[] {
  return catalog.models.map((m) => ({
    id: m.id,
    label: m.label,
    demo: m.demo,
    creditsPer1kInputTokens: m.creditsPer1kInputTokens,
    creditsPer1kOutputTokens: m.creditsPer1kOutputTokens,
    contextTokens: m.contextTokens,
    maxOutputTokens: m.maxOutputTokens,
    typicalMessageCredits: typicalMessageCredits(m),
    isDefault: m.id === catalog.defaultId,
  }));
}
