import { afterAll, beforeAll, expect, it } from "vitest";

import { env } from "~/env";
import { verifyEmail } from "~/server/auth/verification";

import { deliver, SECRET, soldSession, stripeEvent } from "../billing/stripe-fixtures";
import { asChatModel, chatCallerFor, drain, fundedUser, scriptedModel } from "../chat/helpers";
import { latestMail, tokenOf } from "../helpers/mail";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { callerFor, fromAddress } from "../helpers/trpc";
import { captureLogs, type CapturedLogs } from "./log-capture";

const PASSWORD = "Sentinel-Password-4f9c2e";
const CARD = "4242424242424242";
const CVC = "737";
const CLIENT_SECRET = "cs_test_secret_sentinel_9b1d";
const CHAT_CONTENT = "my private question sentinel-7c3a";
const REPLY = "a private answer sentinel-e81f";

/** Every captured console line is one JSON object with a timestamp, a level and a message name. */
function expectOnlyStructuredLines(logs: CapturedLogs): void {
  expect(logs.raw.length).toBeGreaterThan(0);
  expect(logs.events).toHaveLength(logs.raw.length);
  for (const e of logs.events)
    expect(e).toMatchObject({
      ts: expect.any(String),
      level: expect.stringMatching(/^(info|warn|error)$/),
      msg: expect.any(String),
    });
}

function expectAbsent(logs: CapturedLogs, needles: string[]): void {
  const text = logs.raw.join("\n");
  for (const needle of needles) expect(text, `logs contain ${needle.slice(0, 12)}…`).not.toContain(needle);
}

describeEachDb("structured logs", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());
  const secrets = () => [
    SECRET,
    env.AUTH_SECRET,
    ...(t.url ? [t.url, new URL(t.url).password].filter((s) => s.length > 3) : []),
  ];

  it("sign-up and verification: one ledger_write line with ids; never the password, its hash, the address or the link", async () => {
    const email = `logs-${Date.now()}@test.local`;
    const { logs } = await captureLogs(async () => {
      await callerFor(t.db, null, fromAddress("10.55.0.1")).auth.signUp({ email, password: PASSWORD });
      await verifyEmail(t.db, tokenOf((await latestMail(t.db, email, "verify_email")).link));
    });
    const result = { userId: (await t.db.user.findUniqueOrThrow({ where: { email } })).id };
    expectOnlyStructuredLines(logs);
    const writes = logs.events.filter((e) => e.msg === "ledger_write");
    expect(writes).toEqual([
      expect.objectContaining({
        userId: result.userId,
        entryId: expect.any(String),
        amount: 10_000,
        reason: "signup_bonus",
        ref: `signup_bonus:${result.userId}`,
      }),
    ]);
    const { passwordHash } = await t.db.user.findUniqueOrThrow({ where: { id: result.userId } });
    expectAbsent(logs, [PASSWORD, passwordHash!, email, ...secrets()]);
  });

  it("fulfilment: one stripe_event line per event and one ledger_write per credit, with ids; never card data, client secrets or signing secrets", async () => {
    const u = await fundedUser(t.db, 0);
    const session = await soldSession(t.db, u.id, "pro", {
      client_secret: CLIENT_SECRET,
      customer_details: { email: "buyer@example.com", name: "Card Holder" },
      payment_method_details: { card: { number: CARD, cvc: CVC, exp_month: 12, exp_year: 2034 } },
    } as never);
    const event = stripeEvent("checkout.session.completed", session);
    const { logs } = await captureLogs(async () => {
      await deliver(t.db, event);
      await deliver(t.db, event); // a redelivery logs its own line, marked duplicate
    });
    expectOnlyStructuredLines(logs);
    expect(logs.events.filter((e) => e.msg === "stripe_event")).toEqual([
      expect.objectContaining({
        eventId: event.id,
        type: "checkout.session.completed",
        objectId: session.id,
        outcome: "credited",
      }),
      expect.objectContaining({ eventId: event.id, outcome: "credited", duplicate: true }),
    ]);
    expect(logs.events.filter((e) => e.msg === "ledger_write")).toEqual([
      expect.objectContaining({
        userId: u.id,
        entryId: expect.any(String),
        amount: 200_000,
        reason: "purchase",
        ref: `stripe_checkout_session:${session.id}`,
      }),
    ]);
    expectAbsent(logs, [CARD, CLIENT_SECRET, "Card Holder", ...secrets()]);
    expect(logs.raw.join("\n")).not.toMatch(new RegExp(`"${CVC}"|cvc`));
  });

  it("chat: the reservation, the usage write and the settle are logged with ids; never the message or the reply", async () => {
    const u = await fundedUser(t.db, 50_000);
    const chat = chatCallerFor(
      t.db,
      u.id,
      asChatModel(scriptedModel({ chunks: [REPLY], usage: { inputTokens: 30, outputTokens: 10 } })),
    ).chat;
    const conversation = await chat.createConversation({});
    const { logs } = await captureLogs(async () =>
      drain(await chat.send({ conversationId: conversation.id, content: CHAT_CONTENT })),
    );
    expectOnlyStructuredLines(logs);
    const assistant = await t.db.message.findFirstOrThrow({
      where: { conversationId: conversation.id, role: "assistant" },
    });
    expect(logs.events.map((e) => e.msg)).toEqual(
      expect.arrayContaining(["hold_reserved", "ledger_write", "chat_reply_settled"]),
    );
    expect(logs.events.find((e) => e.msg === "ledger_write")).toMatchObject({
      userId: u.id,
      reason: "chat_usage",
      ref: `chat_message:${assistant.id}`,
    });
    expectAbsent(logs, [CHAT_CONTENT, REPLY, "private", ...secrets()]);
  });
});
