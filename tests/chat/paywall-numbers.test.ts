/**
 * The paywall's numbers come from the refusal itself: a send that cannot be covered rejects with
 * PAYMENT_REQUIRED whose error data `credits` = {needed, spendable, held, balance}, read in the
 * transaction that refused, and writes nothing. Over the app's real HTTP handler (the error
 * formatter runs there) and through a direct caller (the domain error's own numbers).
 */
import { createTRPCClient, httpBatchStreamLink, TRPCClientError } from "@trpc/client";
import { TRPCError } from "@trpc/server";
import superjson from "superjson";
import { afterAll, beforeAll, expect, it, vi } from "vitest";

import { handleTrpcRequest } from "~/server/api/http-handler";
import { appRouter, type AppRouter } from "~/server/api/root";
import { getBalance, InsufficientCreditsError } from "~/server/credits";
import { chatConfigFromEnv, worstCaseCredits } from "~/server/chat";
import { buildPrompt, estimatePromptTokens } from "~/server/chat/prompt";

import { ledgerInvariantViolations, snapshot } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { asChatModel, chatCallerFor, doneOf, drain, fundedUser, scriptedModel } from "./helpers";

vi.setConfig({ testTimeout: 60_000 });

const config = chatConfigFromEnv();
const FIRST = "Tell me a long story about ledgers.";
const SECOND = "And another one, please, about holds and settlements.";
const worstFirst = worstCaseCredits(estimatePromptTokens(buildPrompt([], FIRST)), config);
const worstSecond = worstCaseCredits(estimatePromptTokens(buildPrompt([], SECOND)), config);

describeEachDb("PAYMENT_REQUIRED carries the paywall's numbers", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  function httpClientFor(userId: string) {
    return createTRPCClient<AppRouter>({
      links: [
        httpBatchStreamLink({
          url: "http://tally.test/api/trpc",
          transformer: superjson,
          fetch: (url, init) =>
            handleTrpcRequest(new Request(url, init as RequestInit), {
              router: appRouter,
              createContext: () => Promise.resolve({ db: t.db, userId, headers: new Headers() }),
              appUrl: "http://tally.test",
            }),
        }),
      ],
    });
  }

  /**
   * A user whose first reply is still being written (its model waits on a gate) and holds its worst
   * case; `spare` credits beyond that hold are not enough for the second message.
   */
  async function userWithReplyInProgress(spare: number) {
    const u = await fundedUser(t.db, worstFirst + spare);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const model = scriptedModel({
      chunks: ["Once", " upon", " a time."],
      usage: { inputTokens: 9, outputTokens: 4 },
      gate,
    });
    const chat = chatCallerFor(t.db, u.id, asChatModel(model)).chat;
    const busy = await chat.createConversation({});
    // Resolves once the hold is in place; the reply waits on the gate.
    const events = await chat.send({ conversationId: busy.id, content: FIRST });
    const other = await chat.createConversation({});
    return {
      u,
      chat,
      other,
      async finishReply() {
        open();
        return doneOf(await drain(events));
      },
    };
  }

  it("over HTTP: data.credits = {needed, spendable, held, balance} matching the locked account row; nothing written", async () => {
    const spare = worstSecond - 1;
    const { u, other, finishReply } = await userWithReplyInProgress(spare);
    const row = await t.db.user.findUniqueOrThrow({ where: { id: u.id } });
    expect(row.heldCredits).toBe(worstFirst);

    const before = await snapshot(t.db);
    const client = httpClientFor(u.id);
    const error = await client.chat.send.mutate({ conversationId: other.id, content: SECOND }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    const data = (error as TRPCClientError<AppRouter>).data;
    expect(data?.code).toBe("PAYMENT_REQUIRED");
    expect(data?.httpStatus).toBe(402);
    expect(data?.credits).toEqual({
      needed: worstSecond,
      spendable: row.balance - row.heldCredits,
      held: row.heldCredits,
      balance: row.balance,
    });
    // The same numbers, spelled out: one reply holds its worst case, the rest is one credit short.
    expect(data?.credits).toEqual({
      needed: worstSecond,
      spendable: worstSecond - 1,
      held: worstFirst,
      balance: worstFirst + worstSecond - 1,
    });
    // What credits.balance (the header) calls spendable is the paywall's "available".
    expect((await client.credits.balance.query()).spendable).toBe(data?.credits?.spendable);
    expect(await snapshot(t.db)).toEqual(before);
    expect(await t.db.message.count({ where: { conversationId: other.id } })).toBe(0);

    // Once the reply finishes, its hold comes back (less what it cost) and the message fits.
    const done = await finishReply();
    const after = await getBalance(t.db, u.id);
    expect(after).toEqual({
      balance: worstFirst + spare - done.creditsCharged,
      held: 0,
      spendable: worstFirst + spare - done.creditsCharged,
    });
    expect(after.spendable).toBeGreaterThanOrEqual(worstSecond);
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });

  it("direct caller: the TRPCError's cause is the domain error with the same numbers", async () => {
    const { u, chat, other, finishReply } = await userWithReplyInProgress(5);
    const error = await chat.send({ conversationId: other.id, content: SECOND }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("PAYMENT_REQUIRED");
    const cause = (error as TRPCError).cause;
    expect(cause).toBeInstanceOf(InsufficientCreditsError);
    expect((cause as InsufficientCreditsError).shortfall).toEqual({
      needed: worstSecond,
      spendable: 5,
      held: worstFirst,
      balance: worstFirst + 5,
    });
    await finishReply();
    expect(await getBalance(t.db, u.id)).toMatchObject({ held: 0 });
  });

  it("with nothing held: held 0, balance == spendable", async () => {
    const u = await fundedUser(t.db, 7);
    const client = httpClientFor(u.id);
    const conv = await client.chat.createConversation.mutate({});
    const before = await snapshot(t.db);
    const error = await client.chat.send.mutate({ conversationId: conv.id, content: SECOND }).catch((e: unknown) => e);
    expect((error as TRPCClientError<AppRouter>).data?.credits).toEqual({
      needed: worstSecond,
      spendable: 7,
      held: 0,
      balance: 7,
    });
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("other refusals carry no credit numbers (an unknown conversation, bad input), and write nothing", async () => {
    const u = await fundedUser(t.db, 10_000);
    const client = httpClientFor(u.id);
    const before = await snapshot(t.db);
    const notFound = await client.chat.send
      .mutate({ conversationId: "c".repeat(25), content: SECOND })
      .catch((e: unknown) => e);
    expect((notFound as TRPCClientError<AppRouter>).data).toMatchObject({ code: "NOT_FOUND", credits: null });
    const bad = await client.chat.send.mutate({ conversationId: "c".repeat(25), content: "" }).catch((e: unknown) => e);
    expect((bad as TRPCClientError<AppRouter>).data).toMatchObject({ code: "BAD_REQUEST", credits: null });
    expect(await snapshot(t.db)).toEqual(before);
  });
});
