import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";

import { appRouter } from "~/server/api/root";
import { fulfilCheckoutSession, setStripeClientForTests } from "~/server/billing";
import { grant, spend } from "~/server/credits";
import { createTeam, inviteMember } from "~/server/teams";

import { checkoutSession, recordCheckout, soldSession } from "../billing/stripe-fixtures";
import { snapshot } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { callerFor, outcome, procedurePaths } from "../helpers/trpc";
import { createUser } from "../helpers/users";
import { NO_INPUT, PUBLIC_PROCEDURES, VALID_INPUTS } from "./procedure-samples";

type Procedures = Record<string, { _def: { inputs: z.ZodType[] } }>;

/** Field names of a procedure's input object (through .default()/.optional() wrappers). */
function inputFields(schema: z.ZodType): string[] {
  const def = (
    schema as unknown as { _zod: { def: { type: string; innerType?: z.ZodType; shape?: Record<string, unknown> } } }
  )._zod.def;
  if (def.innerType) return inputFields(def.innerType);
  return def.type === "object" && def.shape ? Object.keys(def.shape) : [];
}

describe("authorization by construction", () => {
  it("no procedure lets the caller name whose data it acts on: the user always comes from the session", () => {
    const procedures = appRouter._def.procedures as unknown as Procedures;
    const fields = procedurePaths().flatMap((p) =>
      procedures[p]!._def.inputs.flatMap(inputFields).map((f) => `${p}.${f}`),
    );
    expect(fields.length).toBeGreaterThan(10);
    expect(fields.filter((f) => /user|owner|account|customer/i.test(f.split(".").pop()!))).toEqual([]);
  });
});

describeEachDb("authorization", (kind) => {
  let t: TestDb;
  const sessions = new Map<string, Stripe.Checkout.Session>();
  let a: string;
  let b: string;
  let bConversation: string;
  let bMessage: string;
  let bSession: Stripe.Checkout.Session;
  let bLedgerCursor: string;

  beforeAll(async () => {
    t = await createTestDb(kind);
    setStripeClientForTests({
      checkout: { sessions: { retrieve: async (id: string) => structuredClone(sessions.get(id)!) } },
    } as unknown as Stripe);
    a = (await createUser(t.db)).id;
    b = (await createUser(t.db)).id;
    // B has a balance, a purchase, chat spending, a conversation with messages, and an open checkout.
    await grant(t.db, { userId: b, amount: 10_000, reason: "signup_bonus", refType: "signup_bonus", refId: b });
    const paid = await soldSession(t.db, b, "pro");
    await fulfilCheckoutSession(t.db, paid);
    await spend(t.db, { userId: b, amount: 300, refType: "chat_message", refId: `m-${b}` });
    const conversation = await t.db.conversation.create({ data: { userId: b, title: "B's secrets" } });
    bConversation = conversation.id;
    bMessage = (
      await t.db.message.create({
        data: { conversationId: bConversation, role: "user", content: "B's private words", status: "complete" },
      })
    ).id;
    bSession = checkoutSession(b, "enterprise");
    await recordCheckout(t.db, bSession);
    sessions.set(bSession.id, bSession);
    const bLedger = await t.db.creditLedger.findFirstOrThrow({ where: { userId: b }, orderBy: { createdAt: "desc" } });
    bLedgerCursor = `${bLedger.createdAt.getTime()}_${bLedger.id}`;
  });
  afterAll(async () => {
    setStripeClientForTests(null);
    await t.close();
  });

  it("without a session every protected procedure, given a valid input, is UNAUTHORIZED and writes nothing", async () => {
    const anonymous = callerFor(t.db, null);
    const before = await snapshot(t.db);
    const paths = procedurePaths().filter((p) => !PUBLIC_PROCEDURES.has(p));
    const codes = await Promise.all(
      paths.map(async (p) => [p, await outcome(anonymous, p, NO_INPUT.has(p) ? undefined : VALID_INPUTS[p])] as const),
    );
    expect(codes.filter(([, code]) => code !== "UNAUTHORIZED")).toEqual([]);
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("A reads only A's balance, history, spending and purchases, whatever cursor A passes", async () => {
    const caller = callerFor(t.db, a);
    expect(await caller.credits.balance()).toEqual({ balance: 0, held: 0, spendable: 0 });
    for (const cursor of [undefined, bLedgerCursor, bSession.id]) {
      expect((await caller.credits.history({ limit: 100, ...(cursor ? { cursor } : {}) })).items).toEqual([]);
      expect((await caller.billing.purchases({ limit: 100, ...(cursor ? { cursor } : {}) })).items).toEqual([]);
    }
    expect((await caller.credits.spentPerDay({ days: 90 })).every((d) => d.spent === 0)).toBe(true);
    // B, asking the same questions, sees B's own data: the answers above are empty because of who asked.
    expect((await callerFor(t.db, b).credits.history({ limit: 100 })).items.length).toBeGreaterThan(0);
    expect((await callerFor(t.db, b).billing.purchases({ limit: 100 })).items.length).toBe(2); // the paid one and the open checkout
  });

  it("A cannot see, read, rename, delete or post into B's conversation: NOT_FOUND, nothing written", async () => {
    const caller = callerFor(t.db, a);
    const before = await snapshot(t.db);
    expect(await caller.chat.listConversations()).toEqual([]);
    expect(await outcome(caller, "chat.messages", { conversationId: bConversation })).toBe("NOT_FOUND");
    expect(await outcome(caller, "chat.renameConversation", { id: bConversation, title: "pwned" })).toBe("NOT_FOUND");
    expect(await outcome(caller, "chat.deleteConversation", { id: bConversation })).toBe("NOT_FOUND");
    expect(await outcome(caller, "chat.send", { conversationId: bConversation, content: "hi" })).toBe("NOT_FOUND");
    // A message id is not a conversation id either.
    expect(await outcome(caller, "chat.messages", { conversationId: bMessage })).toBe("NOT_FOUND");
    expect(await snapshot(t.db)).toEqual(before);
    expect(await t.db.conversation.findUniqueOrThrow({ where: { id: bConversation } })).toMatchObject({
      userId: b,
      title: "B's secrets",
    });
    expect((await callerFor(t.db, b).chat.messages({ conversationId: bConversation })).map((m) => m.content)).toEqual([
      "B's private words",
    ]);
  });

  it("A cannot authenticate, confirm or see B's auto top-up: NOT_FOUND, nothing written", async () => {
    await t.db.purchase.create({
      data: {
        id: `topup_${b}`,
        kind: "auto_top_up",
        userId: b,
        packId: "starter",
        credits: 50_000,
        amountTotal: 500,
        currency: "usd",
        status: "requires_action",
        paymentIntentId: `pi_${b}`,
      },
    });
    const before = await snapshot(t.db);
    const caller = callerFor(t.db, a);
    expect(await outcome(caller, "autoTopUp.authenticate", { purchaseId: `topup_${b}` })).toBe("NOT_FOUND");
    expect(await outcome(caller, "autoTopUp.confirm", { purchaseId: `topup_${b}` })).toBe("NOT_FOUND");
    expect((await caller.autoTopUp.get()).inFlight).toBeNull();
    expect(await snapshot(t.db)).toEqual(before);
  });

  it("A cannot confirm B's checkout session (paid or not): FORBIDDEN, nothing credited to anyone", async () => {
    const before = await snapshot(t.db);
    expect(await outcome(callerFor(t.db, a), "billing.confirm", { sessionId: bSession.id })).toBe("FORBIDDEN");
    expect(await snapshot(t.db)).toEqual(before);
    // B confirming the same session is credited: the refusal above was about the caller.
    expect(await callerFor(t.db, b).billing.confirm({ sessionId: bSession.id })).toMatchObject({
      credited: true,
      credits: 1_000_000,
    });
  });
  it("an admin of team X reaches nothing of team Y through X's id: Y's invitations and members are NOT_FOUND, nothing written", async () => {
    const x = await createTeam(t.db, a, "X");
    const y = await createTeam(t.db, b, "Y");
    const yMember = (await createUser(t.db)).id;
    await t.db.teamMember.create({ data: { teamId: y.id, userId: yMember, role: "member" } });
    const { inviteId } = await inviteMember({ db: t.db, appUrl: "https://tally.test" }, b, {
      teamId: y.id,
      email: "invited-to-y@test.local",
      role: "member",
      locale: "en",
    });
    const caller = callerFor(t.db, a);
    const before = await snapshot(t.db);
    const yRows = async () => ({
      members: await t.db.teamMember.findMany({ where: { teamId: y.id }, orderBy: { userId: "asc" } }),
      invite: await t.db.teamInvite.findUniqueOrThrow({ where: { id: inviteId } }),
    });
    const yBefore = await yRows();
    expect(await outcome(caller, "teams.revokeInvite", { teamId: x.id, inviteId })).toBe("NOT_FOUND");
    for (const path of ["teams.removeMember", "teams.transferOwnership"])
      expect(await outcome(caller, path, { teamId: x.id, memberId: yMember })).toBe("NOT_FOUND");
    expect(await outcome(caller, "teams.setRole", { teamId: x.id, memberId: yMember, role: "admin" })).toBe(
      "NOT_FOUND",
    );
    const limits = { day: 1, week: null, month: null };
    expect(await outcome(caller, "teams.setLimits", { teamId: x.id, memberId: yMember, limits })).toBe("NOT_FOUND");
    expect((await caller.teams.invites({ teamId: x.id })).map((i) => i.id)).toEqual([]);
    expect((await caller.teams.members({ teamId: x.id })).map((m) => m.userId)).toEqual([a]);
    expect((await caller.teams.list()).map((team) => team.id)).toEqual([x.id]);
    expect(await snapshot(t.db)).toEqual(before);
    expect(await yRows()).toEqual(yBefore);
  });
});
