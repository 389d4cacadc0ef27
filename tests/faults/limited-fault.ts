import type { FaultMode } from "../helpers/faults";
import type { TestDb } from "../helpers/test-db";

/**
 * Like injectWriteFault, but only the first `times` writes to `table` fail; later ones pass.
 * The count lives in a sequence because nextval() survives the rollback of the failing write,
 * so "fails once, the retry succeeds" can be staged without racing the code under test.
 */
export async function injectLimitedWriteFault(
  t: TestDb,
  table: string,
  mode: FaultMode,
  times: number,
): Promise<{ remove: () => Promise<void>; writesSeen: () => Promise<number> }> {
  const name = `tally_limited_fault_${table.toLowerCase()}`;
  const failure =
    mode === "drop-connection"
      ? `PERFORM pg_terminate_backend(pg_backend_pid());`
      : `RAISE EXCEPTION 'injected fault on %', TG_TABLE_NAME;`;
  await t.db.$executeRawUnsafe(`DROP SEQUENCE IF EXISTS ${name}_seq`);
  await t.db.$executeRawUnsafe(`CREATE SEQUENCE ${name}_seq`);
  await t.db.$executeRawUnsafe(
    `CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger AS $$ BEGIN IF nextval('${name}_seq') <= ${Math.trunc(times)} THEN ${failure} END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
  );
  await t.db.$executeRawUnsafe(
    `CREATE TRIGGER ${name} BEFORE INSERT OR UPDATE ON "${table}" FOR EACH ROW EXECUTE FUNCTION ${name}()`,
  );
  return {
    /** How many writes reached the trigger so far (failed ones included). */
    async writesSeen() {
      const rows = await t.db.$queryRawUnsafe<{ n: bigint; called: boolean }[]>(
        `SELECT last_value AS n, is_called AS called FROM ${name}_seq`,
      );
      return rows[0]!.called ? Number(rows[0]!.n) : 0;
    },
    async remove() {
      await t.db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS ${name} ON "${table}"`);
      await t.db.$executeRawUnsafe(`DROP FUNCTION IF EXISTS ${name}()`);
      await t.db.$executeRawUnsafe(`DROP SEQUENCE IF EXISTS ${name}_seq`);
    },
  };
}
