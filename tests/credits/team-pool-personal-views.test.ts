import { randomUUID } from "node:crypto";

import { afterAll, beforeAll, expect, it } from "vitest";

import {
  getBalance,
  getLowBalanceStatus,
  grant,
  history,
  reserve,
  spend,
  spentPerDay,
  sweepStaleHolds,
  usageReport,
} from "~/server/credits";
import { ledgerCsvStream } from "~/server/credits/ledger-csv";

import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { addMember, createTeam, expectPoolConsistent } from "./team-pool-helpers";

const chatRef = () => ({ refType: "chat_message" as const, refId: randomUUID() });

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

describeEachDb("personal views never see a pool's rows", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(async () => {
    await t.close();
  });

  it("history, spentPerDay, usage, the CSV and low-balance's last pack show only the user's own account", async () => {
    const team = await createTeam(t.db, 5_000);
    const member = await addMember(t.db, team.id, {}, "admin");
    await grant(t.db, {
      userId: member,
      amount: 1_000,
      reason: "purchase",
      refType: "operator",
      refId: `own-${member}`,
    });
    const own = await spend(t.db, { userId: member, amount: 40, ...chatRef() });
    await spend(t.db, { userId: member, teamId: team.id, amount: 700, ...chatRef() });
    await grant(t.db, { userId: member, teamId: team.id, amount: 300, reason: "purchase", ...chatRef() });
    // Paid packs: the user's own (1,000 credits), then a larger one bought for the team later.
    const paid = { amountTotal: 100, currency: "usd", status: "paid" as const, creditedAt: new Date() };
    await t.db.purchase.create({
      data: {
        id: `cs_${randomUUID()}`,
        userId: member,
        packId: "p1",
        credits: 1_000,
        ...paid,
        createdAt: new Date(Date.now() - 60_000),
      },
    });
    await t.db.purchase.create({
      data: { id: `cs_${randomUUID()}`, userId: member, teamId: team.id, packId: "p9", credits: 90_000, ...paid },
    });

    const page = await history(t.db, member, { limit: 50 });
    expect(page.items.map((e) => e.amount)).toEqual([-40, 1_000]);
    expect(page.items[0]!.id).toBe(own.entry.id);
    const today = new Date().toISOString().slice(0, 10);
    expect((await spentPerDay(t.db, member, 1)).map((d) => d.spent)).toEqual([40]);
    const usage = await usageReport(t.db, member, { from: today, to: today });
    expect(usage).toMatchObject({ total: 40, replies: 1 });
    const csv = await readAll(ledgerCsvStream(t.db, member));
    expect(csv.trim().split("\n")).toHaveLength(3); // header + the two own rows
    expect(csv).not.toContain("-700");
    expect((await getLowBalanceStatus(t.db, member)).defaultThreshold).toBe(100); // 10% of the own 1,000-credit pack
    expect(await getBalance(t.db, member)).toEqual({ balance: 960, held: 0, spendable: 960 });
  });

  it("a user's sweep closes their expired pool hold on the pool and their own hold on their account", async () => {
    const team = await createTeam(t.db, 500);
    const member = await addMember(t.db, team.id);
    await grant(t.db, { userId: member, amount: 100, reason: "purchase", refType: "operator", refId: `own-${member}` });
    await reserve(t.db, {
      userId: member,
      teamId: team.id,
      amount: 200,
      ttlSeconds: 1,
      refType: "operator",
      refId: randomUUID(),
    });
    await reserve(t.db, { userId: member, amount: 60, ttlSeconds: 1, refType: "operator", refId: randomUUID() });
    expect(await getBalance(t.db, member)).toMatchObject({ held: 60 });
    const counts = await sweepStaleHolds(t.db, { userId: member, now: new Date(Date.now() + 5_000) });
    expect(counts.released).toBe(2);
    expect(await getBalance(t.db, member)).toEqual({ balance: 100, held: 0, spendable: 100 });
    expect(await expectPoolConsistent(t.db, team.id)).toEqual({ balance: 500, held: 0 });
  });
});
