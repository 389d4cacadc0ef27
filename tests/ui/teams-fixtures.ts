import type { RouterOutputs } from "~/trpc/react";

type Team = RouterOutputs["teams"]["get"];
type Member = RouterOutputs["teams"]["members"][number];

export const TEAM_ID = "cmteam0000000000000000001";
export const OWNER_ID = "cmuser0000000000000000001";
export const ADMIN_ID = "cmuser0000000000000000002";
export const MEMBER_ID = "cmuser0000000000000000003";

export function team(overrides: Partial<Team> = {}): Team {
  return {
    id: TEAM_ID,
    name: "Research",
    role: "admin",
    balance: 120000,
    held: 2000,
    spendable: 118000,
    limits: [],
    spendableForMe: 118000,
    memberCount: 3,
    createdAt: new Date("2026-12-01T10:00:00Z"),
    ...overrides,
  };
}

/** The member list as an admin sees it: everyone's email, limits and use. */
export function adminMembers(): Member[] {
  return [
    {
      userId: OWNER_ID,
      name: "Olivia Owner",
      email: "olivia@example.com",
      role: "owner",
      joinedAt: new Date("2026-12-01T10:00:00Z"),
      limits: { day: null, week: null, month: null },
      use: [],
      spentThisMonth: 0,
    },
    {
      userId: ADMIN_ID,
      name: "Adam Admin",
      email: "adam@example.com",
      role: "admin",
      joinedAt: new Date("2026-12-02T10:00:00Z"),
      limits: { day: null, week: null, month: null },
      use: [],
      spentThisMonth: 300,
    },
    {
      userId: MEMBER_ID,
      name: "Mia Member",
      email: "mia@example.com",
      role: "member",
      joinedAt: new Date("2026-12-03T10:00:00Z"),
      limits: { day: 5000, week: null, month: 50000 },
      use: [
        { period: "day", limit: 5000, used: 1200, remaining: 3800 },
        { period: "month", limit: 50000, used: 9000, remaining: 41000 },
      ],
      spentThisMonth: 9000,
    },
  ];
}

/** The same list as a plain member sees it: no emails, only their own limits. */
export function memberMembers(): Member[] {
  return adminMembers().map((m) =>
    m.userId === MEMBER_ID ? m : { ...m, email: null, limits: null, use: null, spentThisMonth: null },
  );
}

export const products: RouterOutputs["billing"]["products"] = {
  mode: "emulator",
  products: [
    { id: "starter", credits: 50000, unitAmount: 500, currency: "usd" },
    { id: "pro", credits: 200000, unitAmount: 1500, currency: "usd" },
    { id: "enterprise", credits: 1000000, unitAmount: 5000, currency: "usd" },
  ],
};
