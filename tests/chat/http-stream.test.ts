/**
 * chat.send over the real wire format the app uses: the app's tRPC HTTP handler on the server and
 * httpBatchStreamLink on the client. Proves the contract the chat UI relies on.
 */
import { createTRPCClient, httpBatchStreamLink, TRPCClientError } from "@trpc/client";
import superjson from "superjson";
import { afterAll, beforeAll, expect, it } from "vitest";

import type { AnyTRPCRouter } from "@trpc/server";

import { handleTrpcRequest } from "~/server/api/http-handler";
import { appRouter, type AppRouter } from "~/server/api/root";
import { createChatRouter } from "~/server/api/routers/chat";
import { creditsRouter } from "~/server/api/routers/credits";
import { createTRPCRouter } from "~/server/api/trpc";
import { getBalance } from "~/server/credits";
import { chatConfigFromEnv, creditsFor, getChatModel, type ChatStreamEvent } from "~/server/chat";
import { countTokens } from "~/server/chat/tokens";

import { ledgerInvariantViolations } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { doneOf, fundedUser, textOf, waitFor } from "./helpers";

describeEachDb("chat.send over httpBatchStreamLink", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  function clientFor(userId: string, router: AnyTRPCRouter = appRouter) {
    return createTRPCClient<AppRouter>({
      links: [
        httpBatchStreamLink({
          url: "http://tally.test/api/trpc",
          transformer: superjson,
          // The app's own HTTP handler (origin and format policy, batch limit), as the browser meets it.
          fetch: (url, init) =>
            handleTrpcRequest(new Request(url, init as RequestInit), {
              router,
              createContext: () => Promise.resolve({ db: t.db, userId, headers: new Headers() }),
              appUrl: "http://tally.test",
            }),
        }),
      ],
    });
  }

  it("streams start, deltas and one done; the balance reflects the charge", async () => {
    const u = await fundedUser(t.db, 10_000);
    const client = clientFor(u.id);
    const conv = await client.chat.createConversation.mutate({});
    const events: ChatStreamEvent[] = [];
    for await (const e of await client.chat.send.mutate({ conversationId: conv.id, content: "Hello over HTTP" }))
      events.push(e);
    expect(events[0]!.type).toBe("start");
    expect(events.filter((e) => e.type === "delta").length).toBeGreaterThan(10);
    const done = doneOf(events);
    expect(done.status).toBe("complete");
    expect(textOf(events)).toContain("Hello over HTTP");
    expect((await client.credits.balance.query()).balance).toBe(10_000 - done.creditsCharged);
  });

  it("PAYMENT_REQUIRED rejects the mutation promise itself", async () => {
    const u = await fundedUser(t.db, 1);
    const client = clientFor(u.id);
    const conv = await client.chat.createConversation.mutate({});
    const error = await client.chat.send.mutate({ conversationId: conv.id, content: "hi" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<AppRouter>).data?.code).toBe("PAYMENT_REQUIRED");
    expect(await t.db.message.count({ where: { conversationId: conv.id } })).toBe(0);
  });

  it("aborting the request (stop button) stops the reply and charges only what was streamed", async () => {
    const u = await fundedUser(t.db, 10_000);
    // The app's router shape, with a Demo model slow enough to be stopped mid-reply.
    const slow = getChatModel({ modelId: "demo", demoDelayMs: 20 });
    const client = clientFor(
      u.id,
      createTRPCRouter({ chat: createChatRouter({ model: () => slow }), credits: creditsRouter }),
    );
    const conv = await client.chat.createConversation.mutate({});
    const ac = new AbortController();
    const events: ChatStreamEvent[] = [];
    try {
      for await (const e of await client.chat.send.mutate(
        { conversationId: conv.id, content: "Stop me" },
        { signal: ac.signal },
      )) {
        events.push(e);
        if (e.type === "delta" && events.length >= 3) ac.abort();
      }
    } catch {
      // The client surfaces the abort as an error; the server still settles.
    }
    const start = events[0] as Extract<ChatStreamEvent, { type: "start" }>;
    await waitFor(async () => (await t.db.creditHold.count({ where: { userId: u.id, status: "active" } })) === 0);
    const message = await t.db.message.findUniqueOrThrow({ where: { id: start.assistantMessageId } });
    expect(message.status).toBe("stopped");
    expect(message.outputTokens).toBeLessThan(20);
    expect(message.content.startsWith(textOf(events))).toBe(true);
    expect(message.creditsCharged).toBe(
      creditsFor(
        { inputTokens: message.inputTokens!, outputTokens: countTokens(message.content) },
        chatConfigFromEnv(),
      ),
    );
    expect((await getBalance(t.db, u.id)).balance).toBe(10_000 - message.creditsCharged!);
    expect(await ledgerInvariantViolations(t.db)).toEqual([]);
  });
});
