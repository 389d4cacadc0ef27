/**
 * After the transaction that created a top-up commits, its charge starts in the background (the
 * ledger write that triggered it never waits on Stripe). The app charges with its own database
 * and Stripe client; a test points the kicks at its own (setAutoTopUpChargerForTests). A kick
 * lost to a crash is picked up by the auto-top-up job (retry.ts), under the same idempotency key.
 */
import { logEvent } from "~/server/log";

type Charger = (purchaseId: string) => Promise<unknown>;

const globalForKick = globalThis as unknown as {
  tallyAutoTopUpCharger?: Charger | null;
  tallyAutoTopUpRunning?: Set<Promise<void>>;
};

async function appCharger(purchaseId: string): Promise<unknown> {
  const [{ db }, { getStripe }, { chargeAutoTopUp }] = await Promise.all([
    import("~/server/db"),
    import("../stripe-client"),
    import("./charge"),
  ]);
  return chargeAutoTopUp({ db, stripe: getStripe() }, purchaseId);
}

/** Starts charging `purchaseId` now, not awaited; failures are logged and left to the retry job. */
export function kickAutoTopUpCharge(purchaseId: string): void {
  const charger = globalForKick.tallyAutoTopUpCharger === undefined ? appCharger : globalForKick.tallyAutoTopUpCharger;
  if (!charger) return;
  const running = (globalForKick.tallyAutoTopUpRunning ??= new Set());
  const run: Promise<void> = charger(purchaseId)
    .then(() => undefined)
    .catch((error: unknown) =>
      logEvent(
        "auto_top_up_charge_deferred",
        { purchaseId, error: String((error as Error)?.message ?? error).slice(0, 200) },
        "warn",
      ),
    )
    .finally(() => running.delete(run));
  running.add(run);
}

/** Tests: where kicks go (null: nowhere, as after a crash; undefined: the app's own charger). */
export function setAutoTopUpChargerForTests(charger: Charger | null | undefined): void {
  globalForKick.tallyAutoTopUpCharger = charger;
}

/** Resolves once every charge started so far has ended (tests, graceful shutdown). */
export async function autoTopUpChargesSettled(): Promise<void> {
  const running = globalForKick.tallyAutoTopUpRunning;
  while (running && running.size > 0) await Promise.all([...running]);
}
