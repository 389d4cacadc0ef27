/**
 * Who may call what on a team: every teams.* procedure and every procedure that takes a teamId or a
 * payerTeamId, called by an outsider, a member, an admin and the owner of a fresh team. Outsiders
 * get NOT_FOUND (as for a team that does not exist), members FORBIDDEN on admin procedures, admins
 * FORBIDDEN on owner procedures; every refused call writes nothing.
 */
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";

import { appRouter } from "~/server/api/root";
import { setStripeClientForTests } from "~/server/billing";
import type { Db } from "~/server/db";
import { inviteMember } from "~/server/teams";

import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { callerFor, outcome, procedurePaths } from "../helpers/trpc";
import { castTeam, teamSnapshot, type TeamCast } from "./team-fixtures";

const ROLES = ["outsider", "member", "admin", "owner"] as const;
type Role = (typeof ROLES)[number];
type Expected = Record<Role, string>;

const ANYONE: Expected = { outsider: "OK", member: "OK", admin: "OK", owner: "OK" };
const MEMBERS: Expected = { outsider: "NOT_FOUND", member: "OK", admin: "OK", owner: "OK" };
const ADMINS: Expected = { outsider: "NOT_FOUND", member: "FORBIDDEN", admin: "OK", owner: "OK" };
const OWNER: Expected = { outsider: "NOT_FOUND", member: "FORBIDDEN", admin: "FORBIDDEN", owner: "OK" };
/** A spend from the (empty) pool: members pass the access rule and are refused by the pool's balance. */
const SPENDERS: Expected = {
  outsider: "NOT_FOUND",
  member: "PAYMENT_REQUIRED",
  admin: "PAYMENT_REQUIRED",
  owner: "PAYMENT_REQUIRED",
};

interface Scene {
  db: Db;
  team: TeamCast;
  /** The caller's id. */
  me: string;
  myEmail: string;
}

interface Row {
  path: string;
  input: (s: Scene) => Promise<unknown> | unknown;
  expected: Expected;
}

async function inviteTokenFor(s: Scene, email: string): Promise<string> {
  const { inviteUrl } = await inviteMember({ db: s.db, appUrl: "https://tally.test" }, s.team.owner, {
    teamId: s.team.teamId,
    email,
    role: "member",
    locale: "en",
  });
  return inviteUrl.split("/").pop()!;
}

/** A conversation of the caller's with one finished exchange (regenerate and editLast need one). */
async function myConversation(s: Scene): Promise<string> {
  const conversation = await s.db.conversation.create({ data: { userId: s.me, title: "Mine" } });
  await s.db.message.create({
    data: { conversationId: conversation.id, role: "user", content: "Hello", status: "complete" },
  });
  await s.db.message.create({
    data: { conversationId: conversation.id, role: "assistant", content: "Hi!", status: "complete" },
  });
  return conversation.id;
}

const MATRIX: Row[] = [
  { path: "teams.list", input: () => undefined, expected: ANYONE },
  { path: "teams.create", input: () => ({ name: "Another team" }), expected: ANYONE },
  { path: "teams.get", input: (s) => ({ teamId: s.team.teamId }), expected: MEMBERS },
  { path: "teams.rename", input: (s) => ({ teamId: s.team.teamId, name: "Renamed" }), expected: ADMINS },
  { path: "teams.members", input: (s) => ({ teamId: s.team.teamId }), expected: MEMBERS },
  {
    path: "teams.invite",
    input: (s) => ({ teamId: s.team.teamId, email: `newcomer-${s.team.teamId}@example.com`, role: "member" }),
    expected: ADMINS,
  },
  { path: "teams.invites", input: (s) => ({ teamId: s.team.teamId }), expected: ADMINS },
  {
    path: "teams.revokeInvite",
    input: async (s) => {
      await inviteTokenFor(s, "pending@example.com");
      const invite = await s.db.teamInvite.findFirstOrThrow({ where: { teamId: s.team.teamId } });
      return { teamId: s.team.teamId, inviteId: invite.id };
    },
    expected: ADMINS,
  },
  {
    path: "teams.previewInvite",
    input: async (s) => ({ token: await inviteTokenFor(s, "pending@example.com") }),
    expected: ANYONE,
  },
  {
    // Sent to the caller's own address: an outsider joins; a member already is one.
    path: "teams.acceptInvite",
    input: async (s) => ({
      token: await inviteTokenFor(s, s.me === s.team.outsider ? s.myEmail : "someone-else@example.com"),
    }),
    expected: { outsider: "OK", member: "CONFLICT", admin: "CONFLICT", owner: "CONFLICT" },
  },
  {
    path: "teams.setRole",
    input: (s) => ({ teamId: s.team.teamId, memberId: s.team.other, role: "admin" }),
    expected: ADMINS,
  },
  {
    path: "teams.setLimits",
    input: (s) => ({ teamId: s.team.teamId, memberId: s.team.other, limits: { day: 10, week: null, month: null } }),
    expected: ADMINS,
  },
  { path: "teams.removeMember", input: (s) => ({ teamId: s.team.teamId, memberId: s.team.other }), expected: ADMINS },
  {
    path: "teams.leave",
    input: (s) => ({ teamId: s.team.teamId }),
    expected: { outsider: "NOT_FOUND", member: "OK", admin: "OK", owner: "CONFLICT" },
  },
  {
    path: "teams.transferOwnership",
    input: (s) => ({ teamId: s.team.teamId, memberId: s.team.other }),
    expected: OWNER,
  },
  { path: "teams.events", input: (s) => ({ teamId: s.team.teamId, limit: 10 }), expected: ADMINS },
  // Procedures of other areas that act on a team (their bodies come from the billing, reports and chat work).
  { path: "billing.checkout", input: (s) => ({ packId: "starter", teamId: s.team.teamId }), expected: ADMINS },
  { path: "billing.purchases", input: (s) => ({ limit: 10, teamId: s.team.teamId }), expected: ADMINS },
  { path: "credits.history", input: (s) => ({ limit: 10, teamId: s.team.teamId }), expected: ADMINS },
  {
    path: "credits.usage",
    input: (s) => ({ from: "2026-01-01", to: "2026-01-31", teamId: s.team.teamId }),
    expected: ADMINS,
  },
  { path: "chat.quote", input: (s) => ({ content: "Hello", payerTeamId: s.team.teamId }), expected: MEMBERS },
  {
    path: "chat.send",
    input: async (s) => ({ conversationId: await myConversation(s), content: "Hello", payerTeamId: s.team.teamId }),
    expected: SPENDERS,
  },
  {
    path: "chat.regenerate",
    input: async (s) => ({ conversationId: await myConversation(s), payerTeamId: s.team.teamId }),
    expected: SPENDERS,
  },
  {
    path: "chat.editLast",
    input: async (s) => ({ conversationId: await myConversation(s), content: "Hello?", payerTeamId: s.team.teamId }),
    expected: SPENDERS,
  },
];

type Procedures = Record<string, { _def: { inputs: z.ZodType[] } }>;

function inputFields(schema: z.ZodType): string[] {
  const def = (
    schema as unknown as { _zod: { def: { type: string; innerType?: z.ZodType; shape?: Record<string, unknown> } } }
  )._zod.def;
  if (def.innerType) return inputFields(def.innerType);
  return def.type === "object" && def.shape ? Object.keys(def.shape) : [];
}

describe("the teams authorization matrix", () => {
  it("covers every teams.* procedure and every procedure that takes teamId or payerTeamId", () => {
    const procedures = appRouter._def.procedures as unknown as Procedures;
    const teamScoped = procedurePaths().filter(
      (p) =>
        p.startsWith("teams.") ||
        procedures[p]!._def.inputs.flatMap(inputFields).some((f) => f === "teamId" || f === "payerTeamId"),
    );
    expect(MATRIX.map((row) => row.path).sort()).toEqual(teamScoped.sort());
  });
});

describeEachDb("teams authorization matrix", (kind) => {
  let t: TestDb;
  let sessions = 0;

  beforeAll(async () => {
    t = await createTestDb(kind);
    setStripeClientForTests({
      customers: {
        create: async () => ({ id: `cus_matrix_${++sessions}` }),
        retrieve: async (id: string) => ({ id, deleted: false }),
      },
      checkout: {
        sessions: {
          create: async () => {
            const id = `cs_test_matrix_${++sessions}`;
            return { id, url: `https://checkout.test/${id}`, payment_status: "unpaid", status: "open" };
          },
        },
      },
    } as unknown as Stripe);
  });
  afterAll(async () => {
    setStripeClientForTests(null);
    await t.close();
  });

  it.each(MATRIX.map((row) => [row.path, row] as const))("%s", async (_path, row) => {
    const actual = {} as Expected;
    const refusalsThatWrote: string[] = [];
    for (const role of ROLES) {
      const team = await castTeam(t.db);
      const scene: Scene = { db: t.db, team, me: team[role], myEmail: team.emails[role] };
      const input = await row.input(scene);
      const before = await teamSnapshot(t.db);
      actual[role] = await outcome(callerFor(t.db, scene.me), row.path, input);
      if (actual[role] !== "OK" && JSON.stringify(await teamSnapshot(t.db)) !== JSON.stringify(before))
        refusalsThatWrote.push(role);
    }
    expect(actual).toEqual(row.expected);
    expect(refusalsThatWrote).toEqual([]);
  });
});
