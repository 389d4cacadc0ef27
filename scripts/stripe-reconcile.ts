// npm run stripe:reconcile [-- --days 3]: credits paid Checkout Sessions whose webhook never arrived.
import { parseArgs } from "node:util";

import { backfillReceiptLinks, getStripe, reconcileCheckoutSessions } from "~/server/billing";
import { getDbHandle } from "~/server/db";
import { DomainError } from "~/server/errors";

process.env.TALLY_LOG ??= "silent";
const handle = getDbHandle();
try {
  const { values } = parseArgs({ options: { days: { type: "string", default: "3" } } });
  const days = Number(values.days);
  if (!Number.isFinite(days) || days <= 0 || days > 90)
    throw new DomainError("usage", "--days must be a number between 0 and 90.");
  const report = await reconcileCheckoutSessions({ db: handle.db, stripe: getStripe() }, { days });
  for (const line of report.lines) console.log(line);
  const receipts = await backfillReceiptLinks({ db: handle.db, stripe: getStripe() });
  if (receipts.backfilled > 0) console.log(`${receipts.backfilled} older purchase(s) got their receipt links`);
} catch (error) {
  console.error(error instanceof DomainError ? error.message : `stripe:reconcile: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await handle.close();
}
