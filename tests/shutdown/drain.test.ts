import { TRPCError } from "@trpc/server";
import type { MockLanguageModelV3 } from "ai/test";
import { afterAll, beforeAll, expect, it, vi } from "vitest";

import { createChatRouter } from "~/server/api/routers/chat";
import { createCallerFactory, createTRPCRouter } from "~/server/api/trpc";
import {
  CHAT_REF_TYPE,
  chatConfigFromEnv,
  creditsFor,
  sendMessage,
  type ChatConfig,
  type ChatDeps,
} from "~/server/chat";
import { buildPrompt, estimatePromptTokens } from "~/server/chat/prompt";
import { countTokens } from "~/server/chat/tokens";
import { getBalance } from "~/server/credits";
import { createDrain, type Drain } from "~/server/shutdown/drain";

import { asChatModel, drain as readAll, fundedUser, scriptedModel, textOf } from "../chat/helpers";
import { ledgerInvariantViolations } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";

vi.setConfig({ testTimeout: 60_000 });

const config: ChatConfig = { ...chatConfigFromEnv(), progressIntervalMs: 20 };
const estimate = estimatePromptTokens(buildPrompt([], "hello"));
const FUNDS = 100_000;

describeEachDb("a shutting-down server loses no reply and no credit", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  const deps = (model: MockLanguageModelV3, drain: Drain): ChatDeps => ({
    db: t.db,
    model: asChatModel(model),
    config,
    maxTitleChars: 120,
    drain,
  });

  async function conversationOf(funds = FUNDS) {
    const u = await fundedUser(t.db, funds);
    const conversation = await t.db.conversation.create({ data: { userId: u.id, title: "shutdown" } });
    const assistant = () =>
      t.db.message.findFirstOrThrow({ where: { conversationId: conversation.id, role: "assistant" } });
    return { userId: u.id, conversationId: conversation.id, assistant };
  }

  it("a message sent while draining is refused with SERVICE_UNAVAILABLE (code service_draining) before anything is written", async () => {
    const drain = createDrain();
    await drain.drain(1_000);
    const c = await conversationOf();
    const router = createTRPCRouter({
      chat: createChatRouter({ model: () => asChatModel(scriptedModel({ chunks: ["x"] })), drain: () => drain }),
    });
    const caller = createCallerFactory(router)({ db: t.db, userId: c.userId, headers: new Headers() });
    const error = await caller.chat.send({ conversationId: c.conversationId, content: "hello" }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("SERVICE_UNAVAILABLE");
    expect(((error as TRPCError).cause as { code?: string }).code).toBe("service_draining");
    expect(await t.db.message.count({ where: { conversationId: c.conversationId } })).toBe(0);
    expect(await t.db.creditHold.count({ where: { userId: c.userId } })).toBe(0);
    expect(await getBalance(t.db, c.userId)).toEqual({ balance: FUNDS, held: 0, spendable: FUNDS });
  });

  it("a reply in progress when draining begins finishes in full within the grace period; the drain waits for it", async () => {
    const drain = createDrain();
    const model = scriptedModel({ chunks: ["One", " two", " three", " four"], delayMs: 50, usage: null });
    const c = await conversationOf();
    const run = await sendMessage(deps(model, drain), {
      userId: c.userId,
      conversationId: c.conversationId,
      content: "hello",
    });
    const reading = readAll(run.events);

    const report = await drain.drain(30_000);
    expect(report).toEqual({ finished: 1, stopped: 0, requests: 0 });
    // The drain resolved only after the reply was settled and written.
    const charged = creditsFor({ inputTokens: estimate, outputTokens: countTokens("One two three four") }, config);
    expect(await c.assistant()).toMatchObject({
      status: "complete",
      content: "One two three four",
      creditsCharged: charged,
    });
    expect(textOf(await reading)).toBe("One two three four");
    expect(await t.db.creditHold.findFirstOrThrow({ where: { userId: c.userId } })).toMatchObject({
      status: "settled",
      settledAmount: charged,
    });
    expect(await getBalance(t.db, c.userId)).toEqual({ balance: FUNDS - charged, held: 0, spendable: FUNDS - charged });
  });

  it("a reply still running when the grace period ends is stopped and charged what it delivered, once; no hold is left for the sweep", async () => {
    const drain = createDrain();
    const model = scriptedModel({ chunks: ["Hello", " wor", "ld"], hang: true });
    const c = await conversationOf();
    const run = await sendMessage(deps(model, drain), {
      userId: c.userId,
      conversationId: c.conversationId,
      content: "hello",
    });
    const reading = readAll(run.events);
    await vi.waitFor(async () => expect((await c.assistant()).content).toBe("Hello world"), {
      timeout: 10_000,
      interval: 20,
    });

    const report = await drain.drain(200);
    expect(report).toEqual({ finished: 0, stopped: 1, requests: 0 });
    const delivered = creditsFor({ inputTokens: estimate, outputTokens: countTokens("Hello world") }, config);
    expect(await c.assistant()).toMatchObject({ status: "stopped", content: "Hello world", creditsCharged: delivered });
    expect(textOf(await reading)).toBe("Hello world");
    expect(
      await t.db.creditHold.findMany({ where: { userId: c.userId }, select: { status: true, settledAmount: true } }),
    ).toEqual([{ status: "settled", settledAmount: delivered }]);
    expect(
      await t.db.creditLedger.findMany({
        where: { userId: c.userId, refType: CHAT_REF_TYPE },
        select: { amount: true },
      }),
    ).toEqual([{ amount: -delivered }]);
    expect(await getBalance(t.db, c.userId)).toEqual({
      balance: FUNDS - delivered,
      held: 0,
      spendable: FUNDS - delivered,
    });
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });

  it("a message admitted just before draining began is waited for; its reply is stopped at the end of the grace period and settled", async () => {
    const drain = createDrain();
    const model = scriptedModel({ chunks: [], hang: true });
    const c = await conversationOf();
    // Past the draining check, still reserving its credits when the shutdown begins.
    const sending = sendMessage(deps(model, drain), {
      userId: c.userId,
      conversationId: c.conversationId,
      content: "hello",
    });
    const report = await drain.drain(300);
    expect(report).toEqual({ finished: 0, stopped: 1, requests: 1 });
    const run = await sending;
    expect(await run.settled).toMatchObject({ status: "stopped" });
    expect(await c.assistant()).toMatchObject({ status: "stopped", content: "" });
    expect(await t.db.creditHold.count({ where: { userId: c.userId, status: "active" } })).toBe(0);
    const balance = await getBalance(t.db, c.userId);
    expect(balance.held).toBe(0);
    expect(balance.balance).toBe(FUNDS - ((await c.assistant()).creditsCharged ?? 0));
  });

  it("work tracked while draining (a webhook request) is waited for, and draining twice is one drain", async () => {
    vi.useFakeTimers();
    try {
      const drain = createDrain();
      let finish!: () => void;
      const webhook = drain.track(new Promise<string>((resolve) => (finish = () => resolve("handled"))));
      let drained = false;
      const first = drain.drain(1_000).then((r) => ((drained = true), r));
      expect(drain.drain(1_000)).toBe(drain.drain(5));
      // The whole grace period passes: a request in flight is still waited for.
      await vi.advanceTimersByTimeAsync(1_000);
      expect(drained).toBe(false);
      finish();
      expect(await webhook).toBe("handled");
      expect(await first).toEqual({ finished: 0, stopped: 0, requests: 1 });
    } finally {
      vi.useRealTimers();
    }
  });
});
