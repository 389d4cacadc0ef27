export * from "./errors";
export { adjust, clawback, getBalance, grant, spend, type Balance, type CreditChange } from "./ledger";
export { release, releaseStaleHolds, reserve, settle, type ReserveInput, type SettleInput, type SettleResult } from "./holds";
export { history, spentPerDay, type HistoryPage } from "./history";
export { spendableCredits, type LedgerResult } from "./account";
export * from "./ref-types";
