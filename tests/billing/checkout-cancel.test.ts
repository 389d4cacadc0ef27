import type Stripe from "stripe";
import { expect, it, vi } from "vitest";

import { cancelCheckout } from "~/server/billing/cancel-checkout";

import { snapshot } from "../helpers/db-snapshot";
import { describeEachDb } from "../helpers/test-db";
import { callerFor, outcome } from "../helpers/trpc";
import { createUser } from "../helpers/users";
import { useEmulatorSuite } from "./emulator-harness";

describeEachDb("billing.cancel against the Stripe emulator", (kind) => {
  const suite = useEmulatorSuite(kind, { webhooks: true });

  /** A checkout as the browser sees it: the session id and the reference its cancel link carries. */
  async function checkoutFor(userId: string) {
    await callerFor(suite.t.db, userId).billing.checkout({ packId: "starter" });
    const purchase = await suite.t.db.purchase.findFirstOrThrow({ where: { userId }, orderBy: { createdAt: "desc" } });
    const session = await suite.rig.stripe.checkout.sessions.retrieve(purchase.id);
    const checkoutRef = new URL(session.cancel_url!).searchParams.get("checkout");
    expect(checkoutRef).toBe(purchase.checkoutRef);
    return { sessionId: purchase.id, checkoutRef: checkoutRef! };
  }
  const statusOf = async (id: string) => (await suite.t.db.purchase.findUniqueOrThrow({ where: { id } })).status;

  it("expires the session at Stripe and shows the purchase canceled; the expired webhook after it changes nothing", async () => {
    const u = await createUser(suite.t.db);
    const { sessionId, checkoutRef } = await checkoutFor(u.id);
    expect(await callerFor(suite.t.db, u.id).billing.cancel({ checkoutRef })).toEqual({ status: "canceled" });
    expect((await suite.rig.stripe.checkout.sessions.retrieve(sessionId)).status).toBe("expired");
    // Stripe's checkout.session.expired reaches the webhook and is recorded without moving the purchase.
    const expired = (await suite.rig.stripe.events.list({ type: "checkout.session.expired", limit: 100 })).data.find(
      (e) => (e.data.object as { id: string }).id === sessionId,
    );
    expect(expired).toBeDefined();
    await vi.waitFor(
      async () =>
        expect((await suite.t.db.stripeEvent.findUnique({ where: { id: expired!.id } }))?.outcome).toBe("unchanged"),
      {
        timeout: 10_000,
        interval: 50,
      },
    );
    expect(await statusOf(sessionId)).toBe("canceled");
    // A late payment of the canceled session is refused, as at Stripe; nothing is credited.
    const late = await suite.rig.control(`/_emulator/checkout/sessions/${sessionId}/pay`, { card: "4242424242424242" });
    expect(late.status).toBe(400);
    expect(await statusOf(sessionId)).toBe("canceled");
    expect((await suite.t.db.user.findUniqueOrThrow({ where: { id: u.id } })).balance).toBe(0);
    // Coming back to the cancel link again is harmless.
    expect(await callerFor(suite.t.db, u.id).billing.cancel({ checkoutRef })).toEqual({ status: "canceled" });
  });

  it("the expired event of the app's own expiry reaching the webhook first: the purchase still ends canceled", async () => {
    const u = await createUser(suite.t.db);
    const { sessionId, checkoutRef } = await checkoutFor(u.id);
    const stripe = suite.rig.stripe;
    // The cancel's expire call returns only once the webhook has handled the event it caused.
    const slowToReturn = {
      checkout: {
        sessions: {
          expire: async (id: string) => {
            const session = await stripe.checkout.sessions.expire(id);
            await vi.waitFor(async () => expect(await statusOf(sessionId)).toBe("expired"), {
              timeout: 10_000,
              interval: 50,
            });
            return session;
          },
        },
      },
    } as unknown as Stripe;
    expect(await cancelCheckout({ db: suite.t.db, stripe: slowToReturn }, u.id, checkoutRef)).toEqual({
      status: "canceled",
    });
    expect(await statusOf(sessionId)).toBe("canceled");
    expect((await suite.t.db.user.findUniqueOrThrow({ where: { id: u.id } })).balance).toBe(0);
  });

  it("a session paid in the meantime is not canceled: it is credited once and shows paid", async () => {
    const u = await createUser(suite.t.db);
    const { sessionId, checkoutRef } = await checkoutFor(u.id);
    expect(
      (await suite.rig.control(`/_emulator/checkout/sessions/${sessionId}/pay`, { card: "4242424242424242" })).status,
    ).toBe(200);
    const result = await callerFor(suite.t.db, u.id).billing.cancel({ checkoutRef });
    expect(result).toEqual({ status: "paid" });
    expect((await suite.rig.stripe.checkout.sessions.retrieve(sessionId)).status).toBe("complete");
    await vi.waitFor(
      async () => expect((await suite.t.db.user.findUniqueOrThrow({ where: { id: u.id } })).balance).toBe(50_000),
      { timeout: 10_000, interval: 50 },
    );
    expect(await suite.t.db.creditLedger.count({ where: { refId: sessionId } })).toBe(1);
  });

  it("another account's reference or an unknown one → NOT_FOUND; a malformed one → BAD_REQUEST; nothing changes", async () => {
    const owner = await createUser(suite.t.db);
    const other = await createUser(suite.t.db);
    const { sessionId, checkoutRef } = await checkoutFor(owner.id);
    const before = await snapshot(suite.t.db);
    expect(await outcome(callerFor(suite.t.db, other.id), "billing.cancel", { checkoutRef })).toBe("NOT_FOUND");
    expect(
      await outcome(callerFor(suite.t.db, owner.id), "billing.cancel", {
        checkoutRef: "00000000-0000-4000-8000-000000000000",
      }),
    ).toBe("NOT_FOUND");
    expect(await outcome(callerFor(suite.t.db, owner.id), "billing.cancel", { checkoutRef: "cs_test_x" })).toBe(
      "BAD_REQUEST",
    );
    expect(await snapshot(suite.t.db)).toEqual(before);
    expect((await suite.rig.stripe.checkout.sessions.retrieve(sessionId)).status).toBe("open");
  });
});
