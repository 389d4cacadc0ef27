import type Stripe from "stripe";
import { afterAll, beforeAll, expect, it, vi } from "vitest";

import * as log from "~/server/log";
import {
  CHECKOUT_REF_TYPE,
  fulfilCheckoutSession,
  reconcileCheckoutSessions,
  setStripeClientForTests,
  type PackId,
} from "~/server/billing";
import { spend, CHAT_REF_TYPE } from "~/server/credits";

import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { callerFor } from "../helpers/trpc";
import { charge, checkoutSession, deliver, dispute, stripeBook, stripeEvent } from "./stripe-fixtures";
import { accountInvariantViolations, createTeam, poolBalance, teamSnapshot, type TeamFixture } from "./team-fixtures";
import { findPack } from "~/server/billing";

describeEachDb("team purchases: the pool is credited once and clawed back", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind, { poolSize: 20 });
    setStripeClientForTests(stripeBook.client);
  });
  afterAll(async () => {
    setStripeClientForTests(null);
    await t.close();
  });

  /** A session Stripe knows for `teamId`, bought by `buyerId`, and the pending row billing.checkout records for it. */
  async function soldTeamSession(
    team: TeamFixture,
    opts: { buyerId?: string; packId?: PackId; rowTeamId?: string | null; metadataTeamId?: string | null } = {},
  ): Promise<Stripe.Checkout.Session> {
    const buyerId = opts.buyerId ?? team.admin.id;
    const pack = findPack(opts.packId ?? "starter")!;
    const metadataTeamId = opts.metadataTeamId === undefined ? team.id : opts.metadataTeamId;
    const session = checkoutSession(buyerId, pack.id, {
      metadata: {
        userId: buyerId,
        packId: pack.id,
        credits: String(pack.credits),
        ...(metadataTeamId ? { teamId: metadataTeamId } : {}),
      },
    });
    await t.db.purchase.create({
      data: {
        id: session.id,
        userId: buyerId,
        teamId: opts.rowTeamId === undefined ? team.id : opts.rowTeamId,
        packId: pack.id,
        credits: pack.credits,
        amountTotal: pack.unitAmount,
        currency: pack.currency,
      },
    });
    return session;
  }

  const personalBalance = async (userId: string) =>
    (await t.db.user.findUniqueOrThrow({ where: { id: userId } })).balance;
  const events = (teamId: string, action: string) => t.db.teamEvent.findMany({ where: { teamId, action } });

  it("30 concurrent webhook deliveries credit the pool once; the buyer's own balance is untouched", async () => {
    const team = await createTeam(t.db);
    const session = await soldTeamSession(team, { packId: "pro" });
    const event = stripeEvent("checkout.session.completed", session);
    const results = await Promise.all(Array.from({ length: 30 }, () => deliver(t.db, event)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.filter((r) => r.body.outcome === "credited")).toHaveLength(1);

    expect(await poolBalance(t.db, team.id)).toBe(200_000);
    expect(await personalBalance(team.admin.id)).toBe(0);
    const rows = await t.db.creditLedger.findMany({ where: { refType: CHECKOUT_REF_TYPE, refId: session.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ teamId: team.id, userId: team.admin.id, amount: 200_000, reason: "purchase" });
    expect(await t.db.purchase.findUniqueOrThrow({ where: { id: session.id } })).toMatchObject({
      status: "paid",
      teamId: team.id,
    });
    const purchased = await events(team.id, "credits_purchased");
    expect(purchased).toHaveLength(1);
    expect(purchased[0]).toMatchObject({
      actorId: team.admin.id,
      detail: { purchaseId: session.id, credits: 200_000 },
    });
    expect(await accountInvariantViolations(t.db)).toEqual([]);
  });

  it("webhook, confirm (by another admin) and reconcile racing → the pool credited exactly once", async () => {
    const team = await createTeam(t.db);
    const session = await soldTeamSession(team, { buyerId: team.admin.id });
    const reconcileStripe = {
      checkout: {
        sessions: {
          list: () => ({
            async *[Symbol.asyncIterator]() {
              yield structuredClone(stripeBook.sessions.get(session.id)!);
            },
          }),
        },
      },
      paymentIntents: { retrieve: async (id: string) => ({ id, latest_charge: null }) },
    } as unknown as Stripe;
    const [webhook, confirmed, reconciled, confirmedByBuyer] = await Promise.all([
      deliver(t.db, stripeEvent("checkout.session.completed", session)),
      callerFor(t.db, team.owner.id).billing.confirm({ sessionId: session.id }),
      reconcileCheckoutSessions({ db: t.db, stripe: reconcileStripe }, { days: 1 }),
      callerFor(t.db, team.admin.id).billing.confirm({ sessionId: session.id }),
    ]);
    expect(webhook.status).toBe(200);
    expect(confirmed).toEqual({ status: "paid", credited: true, credits: 50_000 });
    expect(confirmedByBuyer).toEqual({ status: "paid", credited: true, credits: 50_000 });
    expect(reconciled.fulfilled + reconciled.alreadyCredited).toBe(1);
    expect(await poolBalance(t.db, team.id)).toBe(50_000);
    expect(await t.db.creditLedger.count({ where: { refType: CHECKOUT_REF_TYPE, refId: session.id } })).toBe(1);
    expect(await events(team.id, "credits_purchased")).toHaveLength(1);

    // Each path alone, again, changes nothing.
    await deliver(t.db, stripeEvent("checkout.session.completed", session));
    await reconcileCheckoutSessions({ db: t.db, stripe: reconcileStripe }, { days: 1 });
    expect(await poolBalance(t.db, team.id)).toBe(50_000);
    expect(await accountInvariantViolations(t.db)).toEqual([]);
  });

  it("confirm of a team purchase: a member is FORBIDDEN, an outsider is FORBIDDEN, nothing is credited", async () => {
    const team = await createTeam(t.db);
    const session = await soldTeamSession(team);
    const before = await teamSnapshot(t.db);
    for (const userId of [team.member.id, team.outsider.id]) {
      await expect(callerFor(t.db, userId).billing.confirm({ sessionId: session.id })).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
    }
    expect(await teamSnapshot(t.db)).toEqual(before);
  });

  it("a session whose metadata disagrees with the recorded purchase about the team grants nothing, and is logged", async () => {
    const team = await createTeam(t.db);
    const other = await createTeam(t.db);
    const warn = vi.spyOn(log, "logEvent");
    const cases = [
      // The row says team, the session says another team.
      await soldTeamSession(team, { metadataTeamId: other.id }),
      // The row is a personal purchase, the session claims a team.
      await soldTeamSession(team, { rowTeamId: null }),
      // The row says team, the session names none (it would credit the buyer personally).
      await soldTeamSession(team, { metadataTeamId: null }),
    ];
    const before = await teamSnapshot(t.db);
    for (const session of cases) {
      const res = await deliver(t.db, stripeEvent("checkout.session.completed", session));
      expect(res.status).toBe(200);
      expect(res.body.outcome).not.toBe("credited");
      expect(await fulfilCheckoutSession(t.db, stripeBook.sessions.get(session.id)!)).toEqual({
        kind: "refused",
        reason: "session_team_mismatch",
      });
      expect(warn).toHaveBeenCalledWith(
        "checkout_fulfil_refused",
        { sessionId: session.id, reason: "session_team_mismatch" },
        "warn",
      );
    }
    warn.mockRestore();
    const after = await teamSnapshot(t.db);
    expect({ ...after, events: 0 }).toEqual({ ...before, events: 0 }); // only the StripeEvent rows were added
    expect(await poolBalance(t.db, team.id)).toBe(0);
    expect(await poolBalance(t.db, other.id)).toBe(0);
    expect(await personalBalance(team.admin.id)).toBe(0);
  });

  /** A paid team starter purchase: 50,000 credits in the pool for 500 cents. */
  async function paidTeamPurchase() {
    const team = await createTeam(t.db);
    const session = await soldTeamSession(team);
    expect((await fulfilCheckoutSession(t.db, stripeBook.sessions.get(session.id)!)).kind).toBe("credited");
    return { team, sessionId: session.id, pi: session.payment_intent as string };
  }

  it("a partial then a full refund claw back from the pool (which may go negative), once each", async () => {
    const { team, sessionId, pi } = await paidTeamPurchase();
    await spend(t.db, {
      userId: team.member.id,
      teamId: team.id,
      amount: 40_000,
      reason: "chat_usage",
      refType: CHAT_REF_TYPE,
      refId: `msg_${sessionId}`,
    });
    expect(await poolBalance(t.db, team.id)).toBe(10_000);

    const partial = stripeEvent("charge.refunded", charge(pi, 500, 100, `ch_${sessionId}`));
    await Promise.all([deliver(t.db, partial), deliver(t.db, partial)]);
    expect(await poolBalance(t.db, team.id)).toBe(0);
    await deliver(t.db, stripeEvent("charge.refunded", charge(pi, 500, 500, `ch_${sessionId}`)));
    expect(await poolBalance(t.db, team.id)).toBe(-40_000);
    expect(await personalBalance(team.admin.id)).toBe(0);

    const refunds = await t.db.creditLedger.findMany({ where: { teamId: team.id, reason: "refund" } });
    expect(refunds.map((r) => r.amount).sort((a, b) => a - b)).toEqual([-40_000, -10_000]);
    expect(refunds.every((r) => r.userId === team.admin.id)).toBe(true);
    expect(await t.db.purchase.findUniqueOrThrow({ where: { id: sessionId } })).toMatchObject({
      status: "refunded",
      creditsClawedBack: 50_000,
    });
    const logged = await events(team.id, "credits_refunded");
    expect(logged.map((e) => (e.detail as { credits: number }).credits).sort((a, b) => a - b)).toEqual([
      10_000, 40_000,
    ]);
    expect(logged.every((e) => e.actorId === null)).toBe(true);
    expect(await accountInvariantViolations(t.db)).toEqual([]);
  });

  it("a refund that overtakes the team purchase's webhook credits the pool from Stripe first, then claws back", async () => {
    const team = await createTeam(t.db);
    const session = await soldTeamSession(team);
    const pi = session.payment_intent as string;
    const res = await deliver(t.db, stripeEvent("charge.refunded", charge(pi, 500, 250, `ch_${session.id}`)));
    expect(res.body.outcome).toBe("clawed_back");
    expect(await poolBalance(t.db, team.id)).toBe(25_000);
    expect(await personalBalance(team.admin.id)).toBe(0);
    // The purchase's own webhook, late, adds nothing.
    expect((await deliver(t.db, stripeEvent("checkout.session.completed", session))).body.outcome).toBe(
      "already_credited",
    );
    expect(await poolBalance(t.db, team.id)).toBe(25_000);
    expect((await events(team.id, "credits_purchased")).length).toBe(1);
    expect((await events(team.id, "credits_refunded")).length).toBe(1);
    expect(await accountInvariantViolations(t.db)).toEqual([]);
  });

  it("a dispute takes the purchase back from the pool; lost keeps it taken", async () => {
    const { team, sessionId, pi } = await paidTeamPurchase();
    const opened = dispute(pi);
    await deliver(t.db, stripeEvent("charge.dispute.created", opened));
    expect(await poolBalance(t.db, team.id)).toBe(0);
    const lost = stripeBook.record({ ...opened, status: "lost" as const });
    await deliver(t.db, stripeEvent("charge.dispute.closed", lost));
    await deliver(t.db, stripeEvent("charge.dispute.closed", lost));
    expect(await poolBalance(t.db, team.id)).toBe(0);
    expect(await t.db.purchase.findUniqueOrThrow({ where: { id: sessionId } })).toMatchObject({
      status: "dispute_lost",
    });
    const logged = await events(team.id, "credits_disputed");
    expect(logged).toHaveLength(1);
    expect(logged[0]!.detail).toMatchObject({ purchaseId: sessionId, clawedBack: 50_000, reinstated: 0 });
    expect(await accountInvariantViolations(t.db)).toEqual([]);
  });

  it("a dispute won reinstates exactly what it took to the pool, once", async () => {
    const { team, sessionId, pi } = await paidTeamPurchase();
    const opened = dispute(pi);
    await deliver(t.db, stripeEvent("charge.dispute.created", opened));
    expect(await poolBalance(t.db, team.id)).toBe(0);
    const won = stripeBook.record({ ...opened, status: "won" as const });
    const closed = stripeEvent("charge.dispute.closed", won);
    await Promise.all([deliver(t.db, closed), deliver(t.db, stripeEvent("charge.dispute.funds_reinstated", won))]);
    expect(await poolBalance(t.db, team.id)).toBe(50_000);
    expect(await personalBalance(team.admin.id)).toBe(0);
    const rows = await t.db.creditLedger.findMany({ where: { teamId: team.id }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => r.reason)).toEqual(["purchase", "dispute", "dispute_won"]);
    expect(await t.db.purchase.findUniqueOrThrow({ where: { id: sessionId } })).toMatchObject({
      status: "dispute_won",
      creditsClawedBack: 0,
    });
    const logged = await events(team.id, "credits_disputed");
    expect(logged.map((e) => (e.detail as { reinstated: number }).reinstated).sort((a, b) => a - b)).toEqual([
      0, 50_000,
    ]);
    expect(await accountInvariantViolations(t.db)).toEqual([]);
  });

  it("billing.purchases: personal lists exclude team purchases; the team's list is for its owner and admins only", async () => {
    const team = await createTeam(t.db);
    const { id: sessionId } = await soldTeamSession(team);
    const own = checkoutSession(team.admin.id, "pro");
    await t.db.purchase.create({
      data: { id: own.id, userId: team.admin.id, packId: "pro", credits: 200_000, amountTotal: 1500, currency: "usd" },
    });
    const mine = await callerFor(t.db, team.admin.id).billing.purchases();
    expect(mine.items.map((p) => p.id)).toEqual([own.id]);
    for (const userId of [team.owner.id, team.admin.id]) {
      const list = await callerFor(t.db, userId).billing.purchases({ teamId: team.id, limit: 20 });
      expect(list.items.map((p) => p.id)).toEqual([sessionId]);
    }
    await expect(
      callerFor(t.db, team.member.id).billing.purchases({ teamId: team.id, limit: 20 }),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(
      callerFor(t.db, team.outsider.id).billing.purchases({ teamId: team.id, limit: 20 }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      callerFor(t.db, team.admin.id).billing.purchases({ teamId: "not a team id!", limit: 20 }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
