// npm run credits -- show|grant|adjust|release-stale-holds … (see CREDITS_USAGE)
import { runCreditsCommand } from "~/server/credits/operator-command";
import { getDbHandle } from "~/server/db";
import { DomainError } from "~/server/errors";
import { jobDepsFromEnv, sweepStaleHoldsNow } from "~/server/jobs";

process.env.TALLY_LOG ??= "silent";
const handle = getDbHandle();
try {
  for (const line of await runCreditsCommand(handle.db, process.argv.slice(2), {
    sweepStaleHolds: () => sweepStaleHoldsNow({ ...jobDepsFromEnv(), db: handle.db }),
  }))
    console.log(line);
} catch (error) {
  console.error(error instanceof DomainError ? error.message : `credits: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await handle.close();
}
