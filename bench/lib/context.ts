import type pg from "pg";

import type { Db } from "~/server/db";

import type { BenchDatabase } from "./database";
import type { BenchOptions } from "./options";
import type { CaseReport } from "./report";
import type { BenchServer } from "./server";
import type { BenchStripe } from "./stripe";

export interface BenchContext {
  opts: BenchOptions;
  server: BenchServer;
  database: BenchDatabase;
  /** The app's own Prisma client (pg adapter) in the harness process: setup, checks, direct domain calls. */
  db: Db;
  /** Raw SQL for bulk setup and checks. */
  sql: pg.Pool;
  /** The emulator the server uses as Stripe. */
  stripe: BenchStripe;
}

export interface BenchCase {
  id: string;
  title: string;
  run(ctx: BenchContext, report: CaseReport): Promise<void>;
}

/** Seconds of warm-up before measured runs. */
export function warmupSec(ctx: BenchContext): number {
  return ctx.opts.quick ? 0.5 : 2;
}
