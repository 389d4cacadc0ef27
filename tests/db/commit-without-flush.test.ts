import { afterAll, beforeAll, expect, it } from "vitest";

import { commitWithoutFlush } from "~/server/database/commit-without-flush";

import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";

describeEachDb("commit without flush", (kind) => {
  let t: TestDb;
  beforeAll(async () => {
    // One connection: the statement after it runs on the same session, where a leaked setting would show.
    t = await createTestDb(kind, { poolSize: 1 });
  });
  afterAll(() => t.close());

  const setting = async (sql: TemplateStringsArray, ...values: unknown[]) =>
    (await t.db.$queryRaw<{ s: string }[]>(sql, ...values))[0]!.s;

  it("turns synchronous_commit off for its own statement's transaction only", async () => {
    expect(await setting`SELECT current_setting('synchronous_commit') AS s`).toBe("on");
    expect(
      await setting`SELECT current_setting('synchronous_commit') AS s FROM (SELECT 1) AS one ${commitWithoutFlush(t.db)}`,
    ).toBe("off");
    expect(await setting`SELECT current_setting('synchronous_commit') AS s`).toBe("on");
  });

  it("is empty inside a caller's transaction, whose commit stays synchronous", async () => {
    const seen = await t.db.$transaction(async (tx) => {
      const fragment = commitWithoutFlush(tx);
      expect(fragment.sql).toBe("");
      const [row] = await tx.$queryRaw<{ s: string }[]>`
        SELECT current_setting('synchronous_commit') AS s FROM (SELECT 1) AS one ${fragment}`;
      return row!.s;
    });
    expect(seen).toBe("on");
  });
});
