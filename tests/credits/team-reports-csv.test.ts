import { afterAll, beforeAll, expect, it, vi } from "vitest";

import { GET } from "~/app/api/credits/ledger.csv/route";
import { CHAT_REF_TYPE } from "~/server/credits";
import type { Db } from "~/server/db";

import { parseCsv } from "../../e2e/support/csv";
import { createTeam, teamSnapshot, type TeamFixture } from "../billing/team-fixtures";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";

// Through the real route handler, with the app on https://app.example.com.
const current = vi.hoisted(() => {
  vi.stubEnv("APP_URL", "https://app.example.com");
  return { db: undefined as unknown as Db, userId: null as string | null };
});
vi.mock("~/server/db", () => ({
  db: new Proxy({}, { get: (_t, prop) => Reflect.get(current.db as object, prop, current.db) as unknown }),
}));
vi.mock("~/server/auth/session", () => ({ getSessionUserId: () => Promise.resolve(current.userId) }));

const download = (teamId: string) =>
  GET(
    new Request(`https://app.example.com/api/credits/ledger.csv?teamId=${encodeURIComponent(teamId)}`, {
      headers: { "sec-fetch-site": "same-origin" },
    }),
  );

describeEachDb("GET /api/credits/ledger.csv?teamId= (a pool's ledger for its admins)", (kind) => {
  let t: TestDb;
  let team: TeamFixture;
  beforeAll(async () => {
    t = await createTestDb(kind);
    current.db = t.db;
    team = await createTeam(t.db);
    const conversation = await t.db.conversation.create({ data: { userId: team.member.id, title: "Private" } });
    const reply = await t.db.message.create({
      data: { conversationId: conversation.id, role: "assistant", content: "reply", model: "demo" },
    });
    // Rows as the credits core writes them, newest last; the Team row moves with them.
    const rows = [
      { userId: team.admin.id, amount: 1000, reason: "purchase" as const, refType: "operator", refId: `t-${team.id}` },
      { userId: team.member.id, amount: -30, reason: "chat_usage" as const, refType: CHAT_REF_TYPE, refId: reply.id },
    ];
    let balance = 0;
    for (const [i, row] of rows.entries()) {
      balance += row.amount;
      await t.db.creditLedger.create({
        data: { ...row, teamId: team.id, balanceAfter: balance, createdAt: new Date(Date.UTC(2026, 2, 1 + i)) },
      });
    }
    await t.db.team.update({ where: { id: team.id }, data: { balance } });
  });
  afterAll(() => t.close());

  it("streams the pool's rows with the member of each, for the owner and admins", async () => {
    for (const userId of [team.owner.id, team.admin.id]) {
      current.userId = userId;
      const res = await download(team.id);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-disposition")).toMatch(
        /^attachment; filename="tally-team-ledger-\d{4}-\d{2}-\d{2}\.csv"$/,
      );
      const [header, ...rows] = parseCsv(await res.text());
      expect(header).toEqual([
        "id",
        "created_at",
        "reason",
        "amount",
        "balance_after",
        "member_id",
        "member_name",
        "ref_type",
        "ref_id",
        "model",
        "note",
      ]);
      expect(rows.map((r) => [r[1], r[2], r[3], r[4], r[5], r[6], r[9]])).toEqual([
        ["2026-03-02T00:00:00.000Z", "chat_usage", "-30", "970", team.member.id, "Mo Member", "demo"],
        ["2026-03-01T00:00:00.000Z", "purchase", "1000", "1000", team.admin.id, "Ada Admin", ""],
      ]);
      expect(rows.reduce((s, r) => s + Number(r[3]), 0)).toBe(
        (await t.db.team.findUniqueOrThrow({ where: { id: team.id } })).balance,
      );
    }
  });

  it("a member gets 403, an outsider and an unknown team 404, a malformed id 400: no file, nothing written", async () => {
    const before = await teamSnapshot(t.db);
    const cases: [string, string, number][] = [
      [team.member.id, team.id, 403],
      [team.outsider.id, team.id, 404],
      [team.admin.id, "c_no_such_team", 404],
      [team.admin.id, "../../etc", 400],
    ];
    for (const [userId, teamId, status] of cases) {
      current.userId = userId;
      const res = await download(teamId);
      expect(res.status, `${teamId} as ${userId}`).toBe(status);
      expect(res.headers.get("content-disposition")).toBeNull();
    }
    expect(await teamSnapshot(t.db)).toEqual(before);
  });
});
