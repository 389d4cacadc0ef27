import { randomUUID } from "node:crypto";

import { grant, OPERATOR_REF_TYPE } from "~/server/credits";

import type { BenchContext } from "./context";

/** A fresh user granted `credits` through the real grant() (one ledger row, balance in step). */
export async function fundedUser(ctx: BenchContext, label: string, credits: number): Promise<string> {
  const user = await ctx.db.user.create({ data: { email: `bench-${label}-${randomUUID()}@example.test` } });
  await grant(ctx.db, {
    userId: user.id,
    amount: credits,
    reason: "adjustment",
    refType: OPERATOR_REF_TYPE,
    refId: user.id,
  });
  return user.id;
}
