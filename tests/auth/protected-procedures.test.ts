import { afterAll, beforeAll, expect, it } from "vitest";

import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { callerFor, outcome, procedurePaths } from "../helpers/trpc";

/** Procedures anyone may call; every other one must refuse a caller with no session. */
const PUBLIC = new Set([
  "auth.signUp",
  "auth.providers",
  "auth.verifyEmail",
  "auth.requestPasswordReset",
  "auth.resetPassword",
  "billing.products",
  "chat.model",
  "chat.models",
]);

describeEachDb("protected procedures", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
  });
  afterAll(() => t.close());

  it("without a session every protected procedure is UNAUTHORIZED and writes nothing", async () => {
    const caller = callerFor(t.db, null);
    const protectedPaths = procedurePaths().filter((p) => !PUBLIC.has(p));
    expect(protectedPaths.length).toBeGreaterThan(8);
    const codes = Object.fromEntries(
      await Promise.all(protectedPaths.map(async (p) => [p, await outcome(caller, p, {})] as const)),
    );
    expect(
      Object.values(codes).every((c) => c === "UNAUTHORIZED"),
      JSON.stringify(codes),
    ).toBe(true);
    expect(await t.db.user.count()).toBe(0);
  });
});
