// Imported first by run.ts, before any app module reads src/env.js in this process: the
// harness calls domain code directly (spends, chat) and must not be slowed by abuse limits
// or flood its own output with ledger logs.
const HIGH_LIMIT = "1000000/60";
for (const name of ["SIGNIN_PER_EMAIL", "SIGNIN_PER_EMAIL_AND_IP", "SIGNIN_PER_IP", "SIGNUP_PER_IP", "ACCOUNT_MAIL", "CHAT_PER_USER", "CHECKOUT_PER_USER"]) {
  process.env[`RATE_LIMIT_${name}`] = HIGH_LIMIT;
}
process.env.TALLY_LOG = "silent";
// This process signs nothing; a fixed secret only keeps src/env.js from warning about the dev default.
process.env.AUTH_SECRET = "tally-bench-harness-process-secret-0000000000";
// The gate check imports the bench routes here and expects them switched off.
delete process.env.TALLY_BENCH_ROUTES;

export {};
