import { afterAll, beforeAll, expect, it } from "vitest";

import { getBalance } from "~/server/credits";
import { CHAT_REF_TYPE, chatConfigFromEnv, chatRateLimitStore, creditsFor, releaseStaleReplies, sendMessage, type ChatDeps } from "~/server/chat";

import { asChatModel, drain, fundedUser, ScriptedModel } from "../chat/helpers";
import { ledgerInvariantViolations, snapshot } from "../helpers/db-snapshot";
import { faultModes, injectWriteFault } from "../helpers/faults";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { GatedModel } from "./gated-model";
import { injectLimitedWriteFault } from "./limited-fault";

const config = chatConfigFromEnv();
const usage = { inputTokens: 40, outputTokens: 120 };
const cost = creditsFor(usage, config);
const FUNDS = 100_000;

/** The writes a reply's settle makes: the usage row, the hold it closes, the assistant message it completes. */
const SETTLE_TABLES = ["CreditLedger", "CreditHold", "Message"] as const;

describeEachDb("faults during a chat settle", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  const deps = (model: ScriptedModel): ChatDeps => ({
    db: t.db,
    model: asChatModel(model),
    config,
    rateLimitStore: chatRateLimitStore(t.db),
    maxTitleChars: 120,
  });
  const usageRows = (userId: string) => t.db.creditLedger.count({ where: { userId, refType: CHAT_REF_TYPE } });

  /** A funded user with a reply reserved and streaming, held at the gate until the test opens it. */
  async function replyInFlight() {
    const u = await fundedUser(t.db, FUNDS);
    const conversation = await t.db.conversation.create({ data: { userId: u.id, title: "faults" } });
    const model = new GatedModel({ chunks: ["Hello", " there"], usage });
    const run = await sendMessage(deps(model), { userId: u.id, conversationId: conversation.id, content: "hello" });
    return { userId: u.id, conversationId: conversation.id, model, run };
  }

  for (const mode of faultModes(kind)) {
    for (const table of SETTLE_TABLES) {
      it(`an injected ${mode} on ${table} at every settle attempt → a clean error, nothing half-written; the sweep frees the hold; a resend charges once`, async () => {
        const { userId, conversationId, model, run } = await replyInFlight();
        expect((await getBalance(t.db, userId)).held).toBeGreaterThan(0);
        const afterSend = await snapshot(t.db);

        const remove = await injectWriteFault(t, table, mode);
        let outcome: Awaited<typeof run.settled>;
        try {
          model.open();
          outcome = await run.settled;
        } finally {
          await remove();
        }
        expect(outcome).toMatchObject({ status: "error", error: "settle_failed", creditsCharged: 0 });
        const events = await drain(run.events);
        expect(events.at(-1)).toMatchObject({ type: "done", status: "error", error: "settle_failed", creditsCharged: 0 });
        // Every settle attempt rolled back whole: no usage row, the hold still active, the message still "streaming".
        expect(await snapshot(t.db)).toEqual(afterSend);
        expect(await ledgerInvariantViolations(t.db)).toEqual([]);

        // What a crashed stream leaves is cleaned up by the sweep once the hold has expired; the user pays nothing for it.
        const later = new Date(Date.now() + (config.holdTtlSeconds + 1) * 1000);
        expect(await releaseStaleReplies(t.db, { ttlSeconds: config.holdTtlSeconds, userId, now: later })).toBe(1);
        expect(await getBalance(t.db, userId)).toEqual({ balance: FUNDS, held: 0, spendable: FUNDS });
        expect(await t.db.message.count({ where: { conversationId, status: "streaming" } })).toBe(0);
        expect(await usageRows(userId)).toBe(0);

        // The retry (sending again) goes through and is charged exactly once.
        const retry = await sendMessage(deps(new ScriptedModel({ chunks: ["ok"], usage })), { userId, conversationId, content: "again" });
        expect(await retry.settled).toMatchObject({ status: "complete", creditsCharged: cost });
        expect(await usageRows(userId)).toBe(1);
        expect(await getBalance(t.db, userId)).toEqual({ balance: FUNDS - cost, held: 0, spendable: FUNDS - cost });
        expect(await ledgerInvariantViolations(t.db)).toEqual([]);
      });
    }

    it(`an injected ${mode} on the first settle attempt only → the retry settles it exactly once`, async () => {
      const { userId, model, run } = await replyInFlight();
      const fault = await injectLimitedWriteFault(t, "CreditLedger", mode, 1);
      try {
        model.open();
        expect(await run.settled).toMatchObject({ status: "complete", content: "Hello there", creditsCharged: cost });
        expect(await fault.writesSeen()).toBe(2); // the failed attempt and the retry
      } finally {
        await fault.remove();
      }
      const assistant = await t.db.message.findFirstOrThrow({ where: { conversation: { userId }, role: "assistant" } });
      expect(assistant).toMatchObject({ status: "complete", content: "Hello there", creditsCharged: cost });
      expect(await t.db.creditLedger.findMany({ where: { userId, refType: CHAT_REF_TYPE }, select: { refId: true, amount: true } })).toEqual([
        { refId: assistant.id, amount: -cost },
      ]);
      expect(await getBalance(t.db, userId)).toEqual({ balance: FUNDS - cost, held: 0, spendable: FUNDS - cost });
      expect(await ledgerInvariantViolations(t.db)).toEqual([]);
    });
  }
});
