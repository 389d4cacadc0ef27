// Imported first by run.ts, before any app module reads src/env.js in this process: the
// harness calls domain code directly (spends, chat) and must not be slowed by abuse limits
// or flood its own output with ledger logs.
import { HARNESS_RATE_LIMITS } from "../../scripts/launcher/harness-limits.mjs";

Object.assign(process.env, HARNESS_RATE_LIMITS);
process.env.TALLY_LOG = "silent";
// This process signs nothing; a fixed secret only keeps src/env.js from warning about the dev default.
process.env.AUTH_SECRET = "tally-bench-harness-process-secret-0000000000";
// The gate check imports the bench routes here and expects them switched off.
delete process.env.TALLY_BENCH_ROUTES;
