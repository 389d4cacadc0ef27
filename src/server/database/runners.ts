import type { PGlite } from "@electric-sql/pglite";
import type { Client } from "pg";

import type { SqlRunner } from "./migrate";

export function pgRunner(client: Client): SqlRunner {
  return {
    async query<T>(sql: string, params?: unknown[]) {
      const res = await client.query(sql, params);
      return res.rows as T[];
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  };
}

export function pgliteRunner(pg: PGlite): SqlRunner {
  return {
    async query<T>(sql: string, params?: unknown[]) {
      const res = await pg.query<T>(sql, params);
      return res.rows;
    },
    async exec(sql: string) {
      await pg.exec(sql);
    },
  };
}
