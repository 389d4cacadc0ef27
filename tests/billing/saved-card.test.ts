import { expect, it, vi } from "vitest";

import { snapshot } from "../helpers/db-snapshot";
import { describeEachDb } from "../helpers/test-db";
import { callerFor, outcome } from "../helpers/trpc";
import { createUser } from "../helpers/users";
import { useEmulatorSuite } from "./emulator-harness";

describeEachDb("saved card on the billing page, against the Stripe emulator", (kind) => {
  const suite = useEmulatorSuite(kind, { webhooks: true });

  /** Buys a pack through the hosted Checkout page as a browser does, with the "save card" box ticked or not. */
  async function buy(userId: string, saveCard: boolean, card = "4242 4242 4242 4242", expiry = "08 / 31") {
    const { checkoutUrl } = await callerFor(suite.t.db, userId).billing.checkout({ packId: "starter", saveCard });
    const paid = await fetch(checkoutUrl, {
      method: "POST",
      body: new URLSearchParams({
        email: "buyer@example.com",
        cardNumber: card,
        cardExpiry: expiry,
        cardCvc: "123",
        billingName: "Ada Buyer",
      }),
      redirect: "manual",
    });
    expect(paid.status).toBe(303);
    const sessionId = new URL(String(paid.headers.get("location"))).searchParams.get("session_id");
    await vi.waitFor(
      async () =>
        expect((await suite.t.db.purchase.findUniqueOrThrow({ where: { id: String(sessionId) } })).status).toBe("paid"),
      { timeout: 10_000, interval: 50 },
    );
    return String(sessionId);
  }

  /** Credits, purchases and content; Stripe's events (payment_method.detached, late deliveries) are recorded apart. */
  const moneyState = async () => {
    const { events: _events, ...rest } = await snapshot(suite.t.db);
    return rest;
  };

  const cardsOf = async (userId: string) => (await callerFor(suite.t.db, userId).billing.savedCards()).cards;

  it("a purchase with 'save card' shows the card (brand, last 4, expiry, read from Stripe); one without saves none", async () => {
    const u = await createUser(suite.t.db);
    expect(await callerFor(suite.t.db, u.id).billing.savedCards()).toEqual({ available: true, cards: [] });

    const plain = await buy(u.id, false);
    expect(
      (await suite.rig.stripe.checkout.sessions.retrieve(plain, { expand: ["payment_intent"] })).payment_intent,
    ).toMatchObject({ setup_future_usage: null });
    expect(await cardsOf(u.id)).toEqual([]);

    const saving = await buy(u.id, true);
    const session = await suite.rig.stripe.checkout.sessions.retrieve(saving, { expand: ["payment_intent"] });
    expect(session.payment_intent).toMatchObject({ setup_future_usage: "off_session" });
    const cards = await cardsOf(u.id);
    expect(cards).toEqual([
      { id: expect.stringMatching(/^pm_/), brand: "visa", last4: "4242", expMonth: 8, expYear: 2031 },
    ]);
    // The card lives on the user's Stripe customer, not in Tally's database.
    const user = await suite.t.db.user.findUniqueOrThrow({ where: { id: u.id } });
    const method = await suite.rig.stripe.paymentMethods.retrieve(cards[0]!.id);
    expect(method.customer).toBe(user.stripeCustomerId);
    const rows = JSON.stringify([
      await suite.t.db.user.findMany(),
      await suite.t.db.purchase.findMany(),
      await suite.t.db.creditLedger.findMany(),
    ]);
    expect(rows).not.toContain(cards[0]!.id);
    expect((await suite.t.db.user.findUniqueOrThrow({ where: { id: u.id } })).balance).toBe(100_000);
  });

  it("removing the card detaches it at Stripe; it is gone from the page; removing it again is NOT_FOUND", async () => {
    const u = await createUser(suite.t.db);
    await buy(u.id, true, "5555 5555 5555 4444", "11 / 32");
    const [card] = await cardsOf(u.id);
    expect(card).toMatchObject({ brand: "mastercard", last4: "4444", expMonth: 11, expYear: 2032 });
    const before = await moneyState();

    expect(await callerFor(suite.t.db, u.id).billing.removeSavedCard({ paymentMethodId: card!.id })).toEqual({
      removed: true,
    });
    expect(await cardsOf(u.id)).toEqual([]);
    expect((await suite.rig.stripe.paymentMethods.retrieve(card!.id)).customer).toBeNull();
    // Credits and purchases are untouched by removing a card.
    expect(await moneyState()).toEqual(before);
    expect(await outcome(callerFor(suite.t.db, u.id), "billing.removeSavedCard", { paymentMethodId: card!.id })).toBe(
      "NOT_FOUND",
    );
  });

  it("another user's card can never be removed (ownership through the customer); bad or unknown ids change nothing", async () => {
    const owner = await createUser(suite.t.db);
    const other = await createUser(suite.t.db);
    const stranger = await createUser(suite.t.db); // no Stripe customer at all
    await buy(owner.id, true);
    await buy(other.id, true, "3782 822463 10005", "05 / 30");
    const [ownerCard] = await cardsOf(owner.id);
    const [otherCard] = await cardsOf(other.id);
    expect(otherCard).toMatchObject({ brand: "amex", last4: "0005" });
    const before = await moneyState();

    for (const userId of [other.id, stranger.id]) {
      expect(
        await outcome(callerFor(suite.t.db, userId), "billing.removeSavedCard", { paymentMethodId: ownerCard!.id }),
      ).toBe("NOT_FOUND");
    }
    expect(
      await outcome(callerFor(suite.t.db, owner.id), "billing.removeSavedCard", { paymentMethodId: "pm_unknown123" }),
    ).toBe("NOT_FOUND");
    for (const paymentMethodId of ["", "card_123", "pm_../x", `pm_${"a".repeat(251)}`]) {
      expect(await outcome(callerFor(suite.t.db, owner.id), "billing.removeSavedCard", { paymentMethodId })).toBe(
        "BAD_REQUEST",
      );
    }
    expect(
      await outcome(callerFor(suite.t.db, null), "billing.removeSavedCard", { paymentMethodId: ownerCard!.id }),
    ).toBe("UNAUTHORIZED");
    expect(await outcome(callerFor(suite.t.db, null), "billing.savedCards")).toBe("UNAUTHORIZED");

    // Nothing changed: both cards still on their own customers, each user sees only their own.
    expect((await suite.rig.stripe.paymentMethods.retrieve(ownerCard!.id)).customer).not.toBeNull();
    expect((await cardsOf(owner.id)).map((c) => c.id)).toEqual([ownerCard!.id]);
    expect((await cardsOf(other.id)).map((c) => c.id)).toEqual([otherCard!.id]);
    expect(await cardsOf(stranger.id)).toEqual([]);
    expect(await moneyState()).toEqual(before);
  });
});
