import { expect, it, vi } from "vitest";

import { CHECKOUT_REF_TYPE } from "~/server/billing";

import { describeEachDb } from "../helpers/test-db";
import { callerFor } from "../helpers/trpc";
import { useEmulatorSuite } from "./emulator-harness";
import { accountInvariantViolations, createTeam, poolBalance, teamSnapshot } from "./team-fixtures";

describeEachDb("buying credits for a team against the Stripe emulator", (kind) => {
  const suite = useEmulatorSuite(kind, { webhooks: true, poolSize: 20 });
  const db = () => suite.t.db;
  const sessionCount = async () => (await suite.rig.stripe.checkout.sessions.list({ limit: 100 })).data.length;

  it("an admin's checkout records the team on the purchase and the session; paying credits the pool once", async () => {
    const team = await createTeam(db());
    const { checkoutUrl } = await callerFor(db(), team.admin.id).billing.checkout({ packId: "pro", teamId: team.id });
    const purchase = await db().purchase.findFirstOrThrow({ where: { teamId: team.id } });
    expect(checkoutUrl).toContain(purchase.id);
    expect(purchase).toMatchObject({ userId: team.admin.id, teamId: team.id, status: "pending", credits: 200_000 });

    const session = await suite.rig.stripe.checkout.sessions.retrieve(purchase.id);
    expect(session).toMatchObject({
      client_reference_id: team.admin.id,
      metadata: { userId: team.admin.id, teamId: team.id, packId: "pro", credits: "200000" },
      success_url: `http://localhost:3000/teams/${team.id}?success=1&session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `http://localhost:3000/teams/${team.id}?canceled=1&checkout=${purchase.checkoutRef}`,
    });

    const paid = await suite.rig.control(`/_emulator/checkout/sessions/${purchase.id}/pay`, {
      card: "4242424242424242",
    });
    expect(paid.status).toBe(200);
    await vi.waitFor(async () => expect(await poolBalance(db(), team.id)).toBe(200_000), {
      timeout: 10_000,
      interval: 50,
    });
    // The owner (not the buyer) confirms on the team page: already credited, nothing more.
    expect(await callerFor(db(), team.owner.id).billing.confirm({ sessionId: purchase.id })).toEqual({
      status: "paid",
      credited: true,
      credits: 200_000,
    });
    expect(await poolBalance(db(), team.id)).toBe(200_000);
    expect((await db().user.findUniqueOrThrow({ where: { id: team.admin.id } })).balance).toBe(0);
    expect(await db().creditLedger.count({ where: { refType: CHECKOUT_REF_TYPE, refId: purchase.id } })).toBe(1);
    expect(await db().teamEvent.count({ where: { teamId: team.id, action: "credits_purchased" } })).toBe(1);
    expect(await accountInvariantViolations(db())).toEqual([]);
  });

  it("a member is FORBIDDEN, an outsider NOT_FOUND, a saved card BAD_REQUEST: no purchase, no session", async () => {
    const team = await createTeam(db());
    const before = await teamSnapshot(db());
    const sessionsBefore = await sessionCount();
    const attempts: [string, { saveCard?: boolean; teamId: string }, string][] = [
      [team.member.id, { teamId: team.id }, "FORBIDDEN"],
      [team.outsider.id, { teamId: team.id }, "NOT_FOUND"],
      [team.admin.id, { teamId: "c_no_such_team" }, "NOT_FOUND"],
      [team.owner.id, { teamId: team.id, saveCard: true }, "BAD_REQUEST"],
    ];
    for (const [userId, input, code] of attempts) {
      await expect(callerFor(db(), userId).billing.checkout({ packId: "starter", ...input })).rejects.toMatchObject({
        code,
      });
    }
    expect(await teamSnapshot(db())).toEqual(before);
    expect(await sessionCount()).toBe(sessionsBefore);
  });

  it("cancel: another admin of the team may cancel the purchase; a member's attempt is NOT_FOUND", async () => {
    const team = await createTeam(db());
    await callerFor(db(), team.owner.id).billing.checkout({ packId: "starter", teamId: team.id });
    const purchase = await db().purchase.findFirstOrThrow({ where: { teamId: team.id } });
    const checkoutRef = purchase.checkoutRef!;
    for (const userId of [team.member.id, team.outsider.id]) {
      await expect(callerFor(db(), userId).billing.cancel({ checkoutRef })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
    }
    expect((await db().purchase.findUniqueOrThrow({ where: { id: purchase.id } })).status).toBe("pending");
    expect(await callerFor(db(), team.admin.id).billing.cancel({ checkoutRef })).toEqual({ status: "canceled" });
    expect((await suite.rig.stripe.checkout.sessions.retrieve(purchase.id)).status).toBe("expired");
  });
});
