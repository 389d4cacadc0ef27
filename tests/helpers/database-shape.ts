import type { SqlRunner } from "~/server/database/migrate";

import type { ExpectedShape } from "./schema-model";

/** Reads the live database's shape (public schema, Prisma's bookkeeping table excluded) in the same canonical strings. */
export async function readDatabaseShape(sql: SqlRunner): Promise<ExpectedShape> {
  const cols = await sql.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    udt_name: string;
    is_nullable: string;
    datetime_precision: number | null;
  }>(`
    SELECT table_name, column_name, data_type, udt_name, is_nullable, datetime_precision
      FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`);
  const columns = cols.map((c) => {
    let type = c.data_type;
    if (c.data_type === "USER-DEFINED") type = `enum ${c.udt_name}`;
    else if (c.data_type === "timestamp without time zone") type = `timestamp(${c.datetime_precision})`;
    return `${c.table_name}.${c.column_name} ${type} ${c.is_nullable === "NO" ? "NOT NULL" : "NULL"}`;
  });

  const enumRows = await sql.query<{ name: string; labels: string }>(`
    SELECT t.typname AS name, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS labels
      FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = 'public' GROUP BY t.typname`);

  const idxRows = await sql.query<{ tbl: string; idx: string; uniq: boolean; pk: boolean; cols: string }>(`
    SELECT t.relname AS tbl, i.relname AS idx, ix.indisunique AS uniq, ix.indisprimary AS pk,
           (SELECT string_agg(a.attname || CASE WHEN (ix.indoption[k.n - 1] & 1) = 1 THEN ' DESC' ELSE '' END, ',' ORDER BY k.n)
              FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, n)
              JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum) AS cols
      FROM pg_index ix
      JOIN pg_class t ON t.oid = ix.indrelid
      JOIN pg_class i ON i.oid = ix.indexrelid
      JOIN pg_namespace ns ON ns.oid = t.relnamespace
     WHERE ns.nspname = 'public' AND t.relname <> '_prisma_migrations'`);

  const fkRows = await sql.query<{
    name: string;
    tbl: string;
    cols: string;
    ref_tbl: string;
    ref_cols: string;
    del: string;
  }>(`
    SELECT c.conname AS name, t.relname AS tbl, rt.relname AS ref_tbl,
           (SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n)
              JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS cols,
           (SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(c.confkey) WITH ORDINALITY k(attnum, n)
              JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum) AS ref_cols,
           c.confdeltype AS del
      FROM pg_constraint c
      JOIN pg_class t ON t.oid = c.conrelid
      JOIN pg_class rt ON rt.oid = c.confrelid
      JOIN pg_namespace ns ON ns.oid = t.relnamespace
     WHERE c.contype = 'f' AND ns.nspname = 'public'`);
  const DEL: Record<string, string> = { a: "NO ACTION", r: "RESTRICT", c: "CASCADE", n: "SET NULL", d: "SET DEFAULT" };

  return {
    columns: columns.sort(),
    enums: enumRows.map((e) => `${e.name}: ${e.labels}`).sort(),
    indexes: idxRows
      .map((r) => `${r.pk ? "primary" : r.uniq ? "unique" : "index"} ${r.idx} ON ${r.tbl}(${r.cols})`)
      .sort(),
    foreignKeys: fkRows
      .map((r) => `${r.name} ${r.tbl}(${r.cols}) -> ${r.ref_tbl}(${r.ref_cols}) ON DELETE ${DEL[r.del] ?? r.del}`)
      .sort(),
  };
}
