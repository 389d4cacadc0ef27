import type { MockLanguageModelV3 } from "ai/test";
import { afterAll, beforeAll, expect, it, vi } from "vitest";

import { getBalance } from "~/server/credits";
import {
  CHAT_REF_TYPE,
  chatConfigFromEnv,
  creditsFor,
  sendMessage,
  settleStaleReplies,
  type ChatConfig,
  type ChatDeps,
} from "~/server/chat";
import { buildPrompt, estimatePromptTokens } from "~/server/chat/prompt";

import { asChatModel, drain, fundedUser, scriptedModel } from "../chat/helpers";
import { ledgerInvariantViolations, snapshot } from "../helpers/db-snapshot";
import { faultModes, injectWriteFault } from "../helpers/faults";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { injectLimitedWriteFault } from "./limited-fault";

vi.setConfig({ testTimeout: 60_000 });

const config: ChatConfig = { ...chatConfigFromEnv(), progressIntervalMs: 20 };
/** A process whose settle gives up at once (as if it died while the database was down). */
const givesUp: ChatConfig = { ...config, settleRetrySeconds: 0.05 };
const usage = { inputTokens: 40, outputTokens: 120 };
const cost = creditsFor(usage, config);
const inputOnly = creditsFor({ inputTokens: estimatePromptTokens(buildPrompt([], "hello")), outputTokens: 0 }, config);
const FUNDS = 100_000;
const afterTtl = () => new Date(Date.now() + (config.holdTtlSeconds + 1) * 1000);

/** The writes a reply's settle makes: the usage row, the hold it closes, the assistant message it completes. */
const SETTLE_TABLES = ["CreditLedger", "CreditHold", "Message"] as const;

describeEachDb("faults during a chat settle", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  const deps = (model: MockLanguageModelV3, chatConfig = config): ChatDeps => ({
    db: t.db,
    model: asChatModel(model),
    config: chatConfig,
    maxTitleChars: 120,
  });
  const usageRows = (userId: string) => t.db.creditLedger.count({ where: { userId, refType: CHAT_REF_TYPE } });

  /**
   * A funded user with a reply reserved and sent to the provider (its input is on the message),
   * held at the gate until the test opens it.
   */
  async function replyInFlight(chatConfig = config) {
    const u = await fundedUser(t.db, FUNDS);
    const conversation = await t.db.conversation.create({ data: { userId: u.id, title: "faults" } });
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const model = scriptedModel({ chunks: ["Hello", " there"], usage, gate });
    const run = await sendMessage(deps(model, chatConfig), {
      userId: u.id,
      conversationId: conversation.id,
      content: "hello",
    });
    const assistant = () =>
      t.db.message.findFirstOrThrow({ where: { conversationId: conversation.id, role: "assistant" } });
    await vi.waitFor(async () => expect((await assistant()).inputTokens).toBeGreaterThan(0), {
      timeout: 10_000,
      interval: 10,
    });
    return { userId: u.id, conversationId: conversation.id, open, run, assistant };
  }

  for (const mode of faultModes(kind)) {
    for (const table of SETTLE_TABLES) {
      it(`an injected ${mode} on ${table} until the settle gives up → a clean error, nothing half-written; the sweep charges what was delivered, once`, async () => {
        const { userId, conversationId, open, run, assistant } = await replyInFlight(givesUp);
        expect((await getBalance(t.db, userId)).held).toBeGreaterThan(0);
        const afterSend = await snapshot(t.db);

        const remove = await injectWriteFault(t, table, mode);
        let outcome: Awaited<typeof run.settled>;
        try {
          open();
          outcome = await run.settled;
        } finally {
          await remove();
        }
        expect(outcome).toMatchObject({ status: "error", error: "settle_failed", creditsCharged: 0 });
        const events = await drain(run.events);
        expect(events.at(-1)).toMatchObject({
          type: "done",
          status: "error",
          error: "settle_failed",
          creditsCharged: 0,
        });
        // Every settle attempt rolled back whole: no usage row, the hold still active, the message still "streaming".
        expect(await snapshot(t.db)).toEqual(afterSend);
        expect(await ledgerInvariantViolations(t.db)).toEqual([]);

        // Unless the message itself could not be written, the whole reply and its usage were kept on it;
        // once the hold has expired the sweep charges exactly that.
        const delivered = table === "Message" ? inputOnly : cost;
        expect(await assistant()).toMatchObject(
          table === "Message"
            ? { status: "streaming", content: "" }
            : { status: "streaming", content: "Hello there", ...usage },
        );
        expect(await settleStaleReplies(t.db, config, { userId, now: afterTtl() })).toBe(1);
        expect(await getBalance(t.db, userId)).toEqual({
          balance: FUNDS - delivered,
          held: 0,
          spendable: FUNDS - delivered,
        });
        expect(await t.db.message.count({ where: { conversationId, status: "streaming" } })).toBe(0);
        expect(await assistant()).toMatchObject({
          creditsCharged: delivered,
          ...(table === "Message" ? {} : { status: "stopped", content: "Hello there" }),
        });
        expect(await usageRows(userId)).toBe(1);

        // The retry (sending again) goes through and is charged exactly once.
        const retry = await sendMessage(deps(scriptedModel({ chunks: ["ok"], usage })), {
          userId,
          conversationId,
          content: "again",
        });
        expect(await retry.settled).toMatchObject({ status: "complete", creditsCharged: cost });
        expect(await usageRows(userId)).toBe(2);
        const spent = delivered + cost;
        expect(await getBalance(t.db, userId)).toEqual({ balance: FUNDS - spent, held: 0, spendable: FUNDS - spent });
        expect(await ledgerInvariantViolations(t.db)).toEqual([]);
      });
    }

    it(`the database down (${mode}) while a reply finishes → the settle keeps retrying until it is back: text kept, charged once`, async () => {
      const { userId, open, run, assistant } = await replyInFlight();
      const outage = await injectLimitedWriteFault(t, "CreditLedger", mode, 1_000_000);
      const messageOutage = await injectWriteFault(t, "Message", mode);
      try {
        open();
        // Well past the three attempts (about 0.6 s) after which the settle used to give up.
        await vi.waitFor(async () => expect(await outage.writesSeen()).toBeGreaterThanOrEqual(5), {
          timeout: 30_000,
          interval: 50,
        });
      } finally {
        await messageOutage();
        await outage.remove();
      }
      expect(await run.settled).toMatchObject({ status: "complete", content: "Hello there", creditsCharged: cost });
      const message = await assistant();
      expect(message).toMatchObject({ status: "complete", content: "Hello there", creditsCharged: cost });
      expect(
        await t.db.creditLedger.findMany({
          where: { userId, refType: CHAT_REF_TYPE },
          select: { refId: true, amount: true },
        }),
      ).toEqual([{ refId: message.id, amount: -cost }]);
      expect(await getBalance(t.db, userId)).toEqual({ balance: FUNDS - cost, held: 0, spendable: FUNDS - cost });
      expect(await ledgerInvariantViolations(t.db)).toEqual([]);
    });

    it(`the sweep and a retrying settle (${mode}) racing after an outage → the reply is charged once, by one of them`, async () => {
      const { userId, open, run, assistant } = await replyInFlight();
      const outage = await injectLimitedWriteFault(t, "CreditLedger", mode, 1_000_000);
      try {
        open();
        await vi.waitFor(async () => expect(await outage.writesSeen()).toBeGreaterThanOrEqual(2), {
          timeout: 30_000,
          interval: 20,
        });
      } finally {
        await outage.remove();
      }
      await settleStaleReplies(t.db, config, { userId, now: afterTtl() });
      expect(await run.settled).toMatchObject({ status: "complete", content: "Hello there", creditsCharged: cost });
      const message = await assistant();
      expect(message).toMatchObject({ status: "complete", content: "Hello there", creditsCharged: cost });
      expect(
        await t.db.creditLedger.findMany({
          where: { userId, refType: CHAT_REF_TYPE },
          select: { refId: true, amount: true },
        }),
      ).toEqual([{ refId: message.id, amount: -cost }]);
      expect(await getBalance(t.db, userId)).toEqual({ balance: FUNDS - cost, held: 0, spendable: FUNDS - cost });
      expect(await ledgerInvariantViolations(t.db)).toEqual([]);
    });

    it(`an injected ${mode} on the first settle attempt only → the retry settles it exactly once`, async () => {
      const { userId, open, run } = await replyInFlight();
      const fault = await injectLimitedWriteFault(t, "CreditLedger", mode, 1);
      try {
        open();
        expect(await run.settled).toMatchObject({ status: "complete", content: "Hello there", creditsCharged: cost });
        expect(await fault.writesSeen()).toBe(2); // the failed attempt and the retry
      } finally {
        await fault.remove();
      }
      const assistant = await t.db.message.findFirstOrThrow({ where: { conversation: { userId }, role: "assistant" } });
      expect(assistant).toMatchObject({ status: "complete", content: "Hello there", creditsCharged: cost });
      expect(
        await t.db.creditLedger.findMany({
          where: { userId, refType: CHAT_REF_TYPE },
          select: { refId: true, amount: true },
        }),
      ).toEqual([{ refId: assistant.id, amount: -cost }]);
      expect(await getBalance(t.db, userId)).toEqual({ balance: FUNDS - cost, held: 0, spendable: FUNDS - cost });
      expect(await ledgerInvariantViolations(t.db)).toEqual([]);
    });
  }
});
