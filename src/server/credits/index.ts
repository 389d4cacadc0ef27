export * from "./errors";
export {
  adjust,
  clawback,
  getBalance,
  getTeamBalance,
  grant,
  grantAlongside,
  limitUses,
  memberLimitUse,
  recountMemberUse,
  teamMemberUses,
  type PeriodUse,
  spend,
  type Balance,
  type CreditChange,
  type LimitUse,
} from "./ledger";
export { release, reserve, settle, settleWith, type ReserveInput, type SettleInput, type SettleResult } from "./holds";
export {
  releaseStaleHolds,
  sweepStaleHolds,
  type StaleHoldCloser,
  type StaleHoldSweep,
  type SweepCounts,
} from "./sweep";
export { history, spentPerDay, type HistoryPage, type LedgerEntry } from "./history";
export { InvalidRangeError, TOP_CONVERSATIONS, usageReport, type UsageReport } from "./usage";
export { spendableCredits, type LedgerResult } from "./account";
export type { Alongside } from "./one-statement-write";
export {
  CROSSING_HANDLERS,
  DEFAULT_LOW_BALANCE_THRESHOLD,
  defaultLowBalanceThreshold,
  getLowBalanceStatus,
  InvalidLowBalanceThresholdError,
  LOW_BALANCE_MODES,
  MAX_LOW_BALANCE_THRESHOLD,
  setLowBalanceSetting,
  type CrossingHandler,
  type LowBalanceCrossing,
  type LowBalanceSetting,
  type LowBalanceStatus,
} from "./low-balance";
export * from "./ref-types";
