import { afterAll, beforeAll, expect, it } from "vitest";

import { Prisma } from "~/generated/prisma/client";
import {
  adjust,
  clawback,
  getBalance,
  grant,
  grantAlongside,
  InsufficientCreditsError,
  reserve,
  spend,
  type LedgerResult,
} from "~/server/credits";
import {
  defaultLowBalanceThreshold,
  lowBalanceDirection,
  lowBalanceWouldActSql,
  type LowBalanceState,
} from "~/server/credits/low-balance";
import { inTransaction } from "~/server/database/transaction";

import { captureLogs } from "../security/log-capture";
import { loggedDb, type LoggedDb } from "../helpers/statement-log";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { createUser, ledgerSum } from "../helpers/users";

describeEachDb("standalone ledger writes: one statement each", (kind) => {
  let t: TestDb;
  let logged: LoggedDb;
  beforeAll(async () => {
    t = await createTestDb(kind);
    logged = await loggedDb(t);
  });
  afterAll(async () => {
    await logged.close();
    await t.close();
  });

  /** The statements (round trips) `write` sent through the logged client. */
  async function statementsOf<T>(write: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
    logged.statements.length = 0;
    const result = await write();
    return { result, statements: [...logged.statements] };
  }

  async function funded(amount: number) {
    const u = await createUser(t.db);
    // Alerts off: these writes must not cross the low-balance threshold (that case is below).
    await t.db.user.update({ where: { id: u.id }, data: { lowBalanceAlerts: false } });
    await grant(t.db, { userId: u.id, amount, reason: "purchase", refType: "operator", refId: `seed-${u.id}` });
    return u;
  }

  it("spend, grant, clawback and adjust: one round trip each, no transaction, logged once committed", async () => {
    const u = await funded(1_000);
    const db = logged.db;
    const writes: [string, () => Promise<LedgerResult>, number][] = [
      ["spend", () => spend(db, { userId: u.id, amount: 100, refType: "chat_message", refId: `s-${u.id}` }), 900],
      [
        "grant",
        () => grant(db, { userId: u.id, amount: 50, reason: "adjustment", refType: "operator", refId: `g-${u.id}` }),
        950,
      ],
      [
        "clawback",
        () =>
          clawback(db, { userId: u.id, amount: 20, reason: "refund", refType: "stripe_refund", refId: `c-${u.id}` }),
        930,
      ],
      [
        "adjust",
        () => adjust(db, { userId: u.id, amount: -30, refType: "operator", refId: `a-${u.id}`, note: "correction" }),
        900,
      ],
    ];
    for (const [name, write, balanceAfter] of writes) {
      const { logs, result } = await captureLogs(() => statementsOf(write));
      expect(result.statements, name).toHaveLength(1);
      expect(result.result).toMatchObject({ created: true, lowBalance: null, entry: { userId: u.id, balanceAfter } });
      expect(logs.events.filter((e) => e.msg === "ledger_write")).toEqual([
        expect.objectContaining({ entryId: result.result.entry.id, balanceAfter }),
      ]);
    }
    expect(await getBalance(t.db, u.id)).toEqual({ balance: 900, held: 0, spendable: 900 });
    expect(await ledgerSum(t.db, u.id)).toBe(900);
  });

  it("a repeated ref and a refused spend take one round trip too and change nothing", async () => {
    const u = await funded(100);
    const first = await spend(t.db, { userId: u.id, amount: 10, refType: "chat_message", refId: `r-${u.id}` });
    const again = await statementsOf(() =>
      spend(logged.db, { userId: u.id, amount: 10, refType: "chat_message", refId: `r-${u.id}` }),
    );
    expect(again.statements).toHaveLength(1);
    expect(again.result).toEqual({ entry: first.entry, created: false });

    await reserve(t.db, { userId: u.id, amount: 30, refType: "chat_message", refId: `h-${u.id}`, ttlSeconds: 60 });
    logged.statements.length = 0;
    const refused = await spend(logged.db, {
      userId: u.id,
      amount: 61,
      refType: "chat_message",
      refId: `x-${u.id}`,
    }).catch((e: unknown) => e);
    expect(logged.statements).toHaveLength(1);
    expect(refused).toBeInstanceOf(InsufficientCreditsError);
    expect((refused as InsufficientCreditsError).shortfall).toEqual({
      needed: 61,
      spendable: 60,
      held: 30,
      balance: 90,
    });
    expect(await getBalance(t.db, u.id)).toEqual({ balance: 90, held: 30, spendable: 60 });
    expect(await t.db.creditLedger.count({ where: { userId: u.id } })).toBe(2);
  });

  it("a write that crosses the low-balance threshold goes through the transaction, alert included", async () => {
    const u = await createUser(t.db);
    await grant(t.db, { userId: u.id, amount: 6_000, reason: "purchase", refType: "operator", refId: `seed-${u.id}` });
    const crossing = await statementsOf(() =>
      spend(logged.db, { userId: u.id, amount: 1_500, refType: "chat_message", refId: `x1-${u.id}` }),
    );
    expect(crossing.result.lowBalance).toEqual({ userId: u.id, direction: "below", balance: 4_500, threshold: 5_000 });
    // The one statement saw the crossing under the lock and wrote nothing; the transaction wrote it with its alert.
    expect(crossing.statements[1]).toBe("BEGIN");
    expect(crossing.statements.at(-1)).toBe("COMMIT");
    expect((await t.db.user.findUniqueOrThrow({ where: { id: u.id } })).lowBalanceAlertedAt).not.toBeNull();

    // Below the threshold with the alert fired, nothing crosses: one statement again.
    const below = await statementsOf(() =>
      spend(logged.db, { userId: u.id, amount: 100, refType: "chat_message", refId: `x2-${u.id}` }),
    );
    expect(below.statements).toHaveLength(1);
    expect(below.result.lowBalance).toBeNull();

    // Back above re-arms the alert: a crossing too.
    const back = await statementsOf(() =>
      grant(logged.db, { userId: u.id, amount: 1_000, reason: "purchase", refType: "operator", refId: `x3-${u.id}` }),
    );
    expect(back.result.lowBalance).toMatchObject({ direction: "rearmed", balance: 5_400 });
    expect(back.statements).toContain("BEGIN");
    expect(await ledgerSum(t.db, u.id)).toBe(5_400);
    expect((await getBalance(t.db, u.id)).balance).toBe(5_400);
  });

  it("inside a caller's transaction a write is one statement of it, and rolls back with it", async () => {
    const u = await funded(100);
    const { statements } = await statementsOf(() =>
      logged.db
        .$transaction(async (tx) => {
          await spend(tx, { userId: u.id, amount: 40, refType: "chat_message", refId: `t-${u.id}` });
          throw new Error("caller aborts");
        })
        .catch(() => undefined),
    );
    expect(statements).toHaveLength(3);
    expect(statements[0]).toBe("BEGIN");
    expect(statements.at(-1)).toBe("ROLLBACK");
    expect(await getBalance(t.db, u.id)).toEqual({ balance: 100, held: 0, spendable: 100 });
    expect(await t.db.creditLedger.count({ where: { userId: u.id } })).toBe(1);
  });

  it("inside a caller's transaction: logged only once it commits; a repeat and a refusal change nothing", async () => {
    const u = await funded(100);
    const ref = { refType: "stripe_checkout_session" as const, refId: `cs-${u.id}` };
    const { logs, result } = await captureLogs(() =>
      statementsOf(() =>
        inTransaction(logged.db, async (tx) => {
          const written = await grant(tx, { userId: u.id, amount: 25, reason: "purchase", ...ref });
          const repeat = await grant(tx, { userId: u.id, amount: 25, reason: "purchase", ...ref });
          const refused = await spend(tx, {
            userId: u.id,
            amount: 126,
            refType: "chat_message",
            refId: `n-${u.id}`,
          }).catch((e: unknown) => e);
          console.log(JSON.stringify({ msg: "before_commit" })); // a marker: the log line must come after it
          return { written, repeat, refused };
        }),
      ),
    );
    // BEGIN, the grant, its repeat, the refused spend, COMMIT: one round trip per write.
    expect(result.statements).toHaveLength(5);
    expect(result.statements[0]).toBe("BEGIN");
    expect(result.statements.at(-1)).toBe("COMMIT");
    const { written, repeat, refused } = result.result;
    expect(written).toMatchObject({ created: true, lowBalance: null, entry: { amount: 25, balanceAfter: 125 } });
    expect(repeat).toEqual({ entry: written.entry, created: false });
    expect(refused).toBeInstanceOf(InsufficientCreditsError);
    expect(logs.events.filter((e) => e.msg === "ledger_write" || e.msg === "before_commit")).toEqual([
      { msg: "before_commit" },
      expect.objectContaining({ entryId: written.entry.id, balanceAfter: 125 }),
    ]);
    expect(await getBalance(t.db, u.id)).toEqual({ balance: 125, held: 0, spendable: 125 });
    expect(await ledgerSum(t.db, u.id)).toBe(125);
  });

  it("inside a caller's transaction a crossing still takes the locked path with its alert", async () => {
    const u = await createUser(t.db);
    await grant(t.db, { userId: u.id, amount: 6_000, reason: "purchase", refType: "operator", refId: `seed-${u.id}` });
    const crossing = await statementsOf(() =>
      logged.db.$transaction((tx) =>
        spend(tx, { userId: u.id, amount: 1_500, refType: "chat_message", refId: `tx1-${u.id}` }),
      ),
    );
    expect(crossing.result.lowBalance).toEqual({ userId: u.id, direction: "below", balance: 4_500, threshold: 5_000 });
    expect(crossing.statements.length).toBeGreaterThan(3);
    expect((await t.db.user.findUniqueOrThrow({ where: { id: u.id } })).lowBalanceAlertedAt).not.toBeNull();
    expect(await ledgerSum(t.db, u.id)).toBe(4_500);
  });

  it.skipIf(kind === "pglite")(
    "a ref written while the statement waited for the account lock is returned, not written twice",
    async () => {
      const u = await funded(100);
      const ref = { refType: "chat_message" as const, refId: `race-${u.id}` };
      let racing: Promise<LedgerResult> | undefined;
      await t.db.$transaction(async (tx) => {
        await spend(tx, { userId: u.id, amount: 10, ...ref }); // holds the account lock until commit
        let settled = false;
        logged.statements.length = 0;
        racing = spend(logged.db, { userId: u.id, amount: 10, ...ref }).finally(() => (settled = true));
        // Commit only once the standalone spend waits for the lock (its snapshot predates the row).
        while (!settled) {
          const waiting = await t.db.$queryRaw<{ n: number }[]>`
            SELECT count(*)::int AS n FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock'`;
          if (waiting[0]!.n > 0) break;
        }
      });
      const result = await racing!;
      // The statement's ON CONFLICT stopped the second row; reading the winner back is the one extra round trip.
      expect(logged.statements).toHaveLength(2);
      expect(result.created).toBe(false);
      expect(result.entry.amount).toBe(-10);
      expect(await getBalance(t.db, u.id)).toEqual({ balance: 90, held: 0, spendable: 90 });
      expect(await t.db.creditLedger.count({ where: { userId: u.id } })).toBe(2);
    },
  );

  it("grantAlongside: both writes in one statement, or neither (the other matched nothing, or the ref was used)", async () => {
    const u = await funded(100);
    // Another table's row: of two updates of one row in one statement PostgreSQL applies only one.
    const conversation = await t.db.conversation.create({ data: { userId: u.id, title: "before" } });
    const rename = (to: string, ifNamed: string) => (proceed: Prisma.Sql) =>
      Prisma.sql`UPDATE "Conversation" SET title = ${to}
                 WHERE id = ${conversation.id} AND title = ${ifNamed} AND ${proceed} RETURNING 1`;
    const input = {
      userId: u.id,
      amount: 40,
      reason: "purchase" as const,
      refType: "operator" as const,
      refId: `ga-${u.id}`,
    };
    const name = async () => (await t.db.conversation.findUniqueOrThrow({ where: { id: conversation.id } })).title;

    // The other statement matches no row: nothing at all is written.
    const missed = await statementsOf(() => grantAlongside(logged.db, input, rename("after", "someone else")));
    expect(missed.result).toBeNull();
    expect(missed.statements).toHaveLength(1);
    expect(await getBalance(t.db, u.id)).toMatchObject({ balance: 100 });
    expect(await name()).toBe("before");

    const both = await statementsOf(() => grantAlongside(logged.db, input, rename("after", "before")));
    expect(both.result).toMatchObject({ created: true, entry: { amount: 40, balanceAfter: 140 } });
    expect(both.statements).toHaveLength(1);
    expect(await name()).toBe("after");

    // The ref is used: the other statement is not run either, and the caller takes its transaction path.
    expect(await grantAlongside(t.db, input, rename("again", "after"))).toBeNull();
    expect(await name()).toBe("after");
    expect(await getBalance(t.db, u.id)).toMatchObject({ balance: 140 });
    expect(await ledgerSum(t.db, u.id)).toBe(140);
  });

  it("the SQL twin of the low-balance rule agrees with it on every edge", async () => {
    const cases: (LowBalanceState & { before: number; after: number })[] = [];
    for (const enabled of [true, false])
      for (const alerted of [true, false])
        for (const custom of [null, 1, 100, 5_000])
          for (const lastPackCredits of [null, 0, 5, 9, 12_345, 50_000, 300_000_000]) {
            const threshold = custom ?? defaultLowBalanceThreshold(lastPackCredits);
            const edges = [-100, threshold - 1, threshold, threshold + 1, 2_000_000_000];
            for (const before of edges)
              for (const after of edges) cases.push({ enabled, alerted, custom, lastPackCredits, before, after });
          }
    const rowsIn = cases.map((c, i) => ({
      i,
      lowBalanceAlerts: c.enabled,
      lowBalanceAlerted: c.alerted,
      lowBalanceThreshold: c.custom,
      lastPackCredits: c.lastPackCredits,
      before: c.before,
      after: c.after,
    }));
    const rows = await t.db.$queryRaw<{ acts: boolean }[]>`
      SELECT ${lowBalanceWouldActSql(Prisma.sql`s.before`, Prisma.sql`s.after`)} AS acts
        FROM jsonb_to_recordset(${JSON.stringify(rowsIn)}::jsonb) AS s(
             i int, "lowBalanceAlerts" boolean, "lowBalanceAlerted" boolean, "lowBalanceThreshold" int,
             "lastPackCredits" int, before bigint, after bigint)
       ORDER BY s.i`;
    expect(rows).toHaveLength(cases.length);
    const mismatches = cases.filter((c, i) => (lowBalanceDirection(c, c.before, c.after) !== null) !== rows[i]!.acts);
    expect(mismatches).toEqual([]);
  });
});
