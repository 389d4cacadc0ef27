import { expect, it } from "vitest";

import { env } from "~/env";
import { ABANDON_AFTER_MS, retryAutoTopUps } from "~/server/billing/auto-top-up/retry";

import { describeEachDb } from "../../helpers/test-db";
import { callerFor, outcome } from "../../helpers/trpc";
import { CARDS, chargesSettled, spendCredits, topUpGrants, topUpsOf, topUpUser, useAutoTopUpSuite } from "./rig";

describeEachDb("auto top-up: authentication required (SCA)", (kind) => {
  const suite = useAutoTopUpSuite(kind, { webhooks: true });

  /** The payer answers on the bank's page (the emulator's 3D Secure page); returns where it sends the browser back. */
  async function answer(url: string, result: "complete" | "fail"): Promise<URL> {
    const page = new URL(url);
    const res = await fetch(new URL(page.pathname, page), {
      method: "POST",
      body: new URLSearchParams({ client_secret: page.searchParams.get("client_secret") ?? "", outcome: result }),
      redirect: "manual",
    });
    expect(res.status).toBe(303);
    return new URL(String(res.headers.get("location")));
  }

  /** A user whose off-session charge needs authentication, with that top-up waiting. */
  async function waiting() {
    const u = await topUpUser(suite, { card: CARDS.alwaysAuth, balance: 6_000, threshold: 5_000 });
    await spendCredits(suite, u.id, 2_000);
    await chargesSettled();
    const [topUp] = await topUpsOf(suite, u.id);
    return { u, topUp: topUp! };
  }

  it("requires_action until authenticated on the bank's page, then credited once (confirm and webhook both arriving)", async () => {
    const { u, topUp } = await waiting();
    expect(topUp).toMatchObject({
      status: "requires_action",
      failureCode: "authentication_required",
      creditedAt: null,
    });
    const caller = callerFor(suite.t.db, u.id);
    expect((await caller.autoTopUp.get()).inFlight).toMatchObject({ purchaseId: topUp.id, status: "requires_action" });
    const mails = await suite.t.db.mailOutbox.findMany({ where: { to: u.email, template: "auto_top_up_action" } });
    expect(mails).toHaveLength(1);
    expect(mails[0]!.params).toMatchObject({ link: `${env.APP_URL}/billing?topup=${topUp.id}` });

    // Still waiting: more spends start no second top-up, and confirming early changes nothing.
    await spendCredits(suite, u.id, 100);
    await chargesSettled();
    expect(await topUpsOf(suite, u.id)).toHaveLength(1);
    expect(await caller.autoTopUp.confirm({ purchaseId: topUp.id })).toEqual({
      status: "requires_action",
      credited: false,
    });

    const { url } = await caller.autoTopUp.authenticate({ purchaseId: topUp.id });
    expect(new URL(url).pathname).toBe(`/3ds/authenticate/${topUp.paymentIntentId}`);
    // Asking again gives the same page (no second confirmation at Stripe).
    expect((await caller.autoTopUp.authenticate({ purchaseId: topUp.id })).url).toBe(url);

    const back = await answer(url, "complete");
    expect(`${back.origin}${back.pathname}`).toBe(`${env.APP_URL}/billing`);
    expect(back.searchParams.get("topup")).toBe(topUp.id);
    // The browser's confirm races the webhook's redeliveries.
    const [succeeded] = (
      await suite.rig.stripe.events.list({ type: "payment_intent.succeeded", limit: 10 })
    ).data.filter((e) => (e.data.object as { id: string }).id === topUp.paymentIntentId);
    const results = await Promise.all([
      caller.autoTopUp.confirm({ purchaseId: topUp.id }),
      caller.autoTopUp.confirm({ purchaseId: topUp.id }),
      suite.rig.control(`/_emulator/events/${succeeded!.id}/deliver`, { times: 5, concurrent: true }),
    ]);
    expect(results.slice(0, 2)).toEqual([
      { status: "paid", credited: true },
      { status: "paid", credited: true },
    ]);
    expect(await topUpGrants(suite, u.id)).toHaveLength(1);
    const user = await suite.t.db.user.findUniqueOrThrow({ where: { id: u.id } });
    expect(user.balance).toBe(6_000 - 2_100 + topUp.credits);
    expect(await caller.autoTopUp.get()).toMatchObject({ enabled: true, inFlight: null, usedThisMonth: 1 });
    expect(await topUpsOf(suite, u.id)).toEqual([
      expect.objectContaining({ status: "paid", failureCode: null, receiptUrl: expect.stringContaining("/receipts/") }),
    ]);
    expect(await outcome(caller, "autoTopUp.authenticate", { purchaseId: topUp.id })).toBe("CONFLICT");
  });

  it("a failed authentication fails the top-up and turns auto top-up off (authentication_failed), told once", async () => {
    const { u, topUp } = await waiting();
    const caller = callerFor(suite.t.db, u.id);
    const { url } = await caller.autoTopUp.authenticate({ purchaseId: topUp.id });
    const back = await answer(url, "fail");
    expect(back.searchParams.get("redirect_status")).toBe("failed");
    expect(await caller.autoTopUp.confirm({ purchaseId: topUp.id })).toEqual({ status: "failed", credited: false });
    expect(await caller.autoTopUp.get()).toMatchObject({
      enabled: false,
      inFlight: null,
      turnedOff: { reason: "authentication_failed" },
    });
    expect(await suite.t.db.mailOutbox.count({ where: { to: u.email, template: "auto_top_up_failed" } })).toBe(1);
    expect(await topUpGrants(suite, u.id)).toEqual([]);
  });

  it("a top-up never authenticated is canceled at Stripe after a week by the job: failed, off, the slot freed", async () => {
    const { u, topUp } = await waiting();
    const deps = { db: suite.t.db, stripe: () => suite.rig.stripe };
    expect(await retryAutoTopUps(deps, { minAgeMs: 0 })).toMatchObject({ settled: 1, abandoned: 0 });
    expect((await suite.t.db.purchase.findUniqueOrThrow({ where: { id: topUp.id } })).status).toBe("requires_action");
    const later = new Date(Date.now() + ABANDON_AFTER_MS + 60_000);
    expect(await retryAutoTopUps(deps, { now: later })).toMatchObject({ abandoned: 1, errors: 0 });
    expect((await suite.rig.stripe.paymentIntents.retrieve(topUp.paymentIntentId!)).status).toBe("canceled");
    expect(await suite.t.db.purchase.findUniqueOrThrow({ where: { id: topUp.id } })).toMatchObject({
      status: "failed",
    });
    expect(await callerFor(suite.t.db, u.id).autoTopUp.get()).toMatchObject({
      enabled: false,
      inFlight: null,
      turnedOff: { reason: "authentication_failed" },
    });
    expect(await topUpGrants(suite, u.id)).toEqual([]);
  });

  it("one user cannot authenticate or confirm another's top-up (NOT_FOUND), nor a made-up one", async () => {
    const { topUp } = await waiting();
    const other = await topUpUser(suite);
    const caller = callerFor(suite.t.db, other.id);
    const before = await suite.t.db.purchase.findUniqueOrThrow({ where: { id: topUp.id } });
    for (const purchaseId of [topUp.id, "topup_made_up"]) {
      expect(await outcome(caller, "autoTopUp.authenticate", { purchaseId })).toBe("NOT_FOUND");
      expect(await outcome(caller, "autoTopUp.confirm", { purchaseId })).toBe("NOT_FOUND");
    }
    expect(await outcome(callerFor(suite.t.db, null), "autoTopUp.confirm", { purchaseId: topUp.id })).toBe(
      "UNAUTHORIZED",
    );
    expect(await suite.t.db.purchase.findUniqueOrThrow({ where: { id: topUp.id } })).toEqual(before);
  });
});
