import type { TestDb } from "./test-db";

export type FaultMode = "error" | "drop-connection";

/**
 * Makes the next writes to `table` fail inside the database itself, so the app's real code path
 * meets the failure mid-transaction (or mid-statement). "drop-connection" (PostgreSQL only) kills
 * the session that does the write — the server-side equivalent of the network dropping. `when`: only
 * the writes it holds for (SQL over TG_OP, NEW and OLD), e.g. one row moving to one status. Returns
 * the remover.
 */
export async function injectWriteFault(
  t: TestDb,
  table: string,
  mode: FaultMode = "error",
  opts: { when?: string } = {},
): Promise<() => Promise<void>> {
  const name = `tally_fault_${table.toLowerCase()}`;
  const failure =
    mode === "drop-connection"
      ? `PERFORM pg_terminate_backend(pg_backend_pid());`
      : `RAISE EXCEPTION 'injected fault on %', TG_TABLE_NAME;`;
  const body = `IF ${opts.when ?? "true"} THEN ${failure} END IF; RETURN NEW;`;
  await t.db.$executeRawUnsafe(
    `CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger AS $$ BEGIN ${body} END $$ LANGUAGE plpgsql`,
  );
  await t.db.$executeRawUnsafe(
    `CREATE TRIGGER ${name} BEFORE INSERT OR UPDATE ON "${table}" FOR EACH ROW EXECUTE FUNCTION ${name}()`,
  );
  return async () => {
    await t.db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS ${name} ON "${table}"`);
    await t.db.$executeRawUnsafe(`DROP FUNCTION IF EXISTS ${name}()`);
  };
}

/** The fault modes a database kind supports: PGlite is single-connection and cannot drop its session. */
export function faultModes(kind: "pglite" | "postgres"): FaultMode[] {
  return kind === "postgres" ? ["error", "drop-connection"] : ["error"];
}
