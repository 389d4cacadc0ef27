export * from "./errors";
export { adjust, clawback, getBalance, grant, spend, type Balance, type CreditChange } from "./ledger";
export { release, reserve, settle, type ReserveInput, type SettleInput, type SettleResult } from "./holds";
export {
  releaseStaleHolds,
  sweepStaleHolds,
  type StaleHoldCloser,
  type StaleHoldSweep,
  type SweepCounts,
} from "./sweep";
export { history, spentPerDay, type HistoryPage, type LedgerEntry } from "./history";
export { spendableCredits, type LedgerResult } from "./account";
export * from "./ref-types";
