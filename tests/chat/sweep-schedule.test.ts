import { expect, it, vi } from "vitest";

import { startStaleHoldSweep } from "~/server/chat/sweep-schedule";
import { getBalance, grant, reserve } from "~/server/credits";
import { db } from "~/server/db";

import { createUser } from "../helpers/users";

// Uses the app-wide database handle (a throwaway in-memory PGlite under vitest), as the server does.
it("the server's periodic sweep releases holds whose reply died", async () => {
  const u = await createUser(db);
  await grant(db, { userId: u.id, amount: 1000, reason: "adjustment", refType: "test", refId: `seed-${u.id}` });
  await reserve(db, { userId: u.id, amount: 600, refType: "chat_message", refId: `dead-${u.id}`, ttlSeconds: -1 });
  expect((await getBalance(db, u.id)).spendable).toBe(400);

  startStaleHoldSweep(25);
  await vi.waitFor(async () => expect(await getBalance(db, u.id)).toEqual({ balance: 1000, held: 0, spendable: 1000 }), { timeout: 10_000, interval: 50 });
  expect(await db.creditHold.findFirst({ where: { userId: u.id } })).toMatchObject({ status: "released" });
});
