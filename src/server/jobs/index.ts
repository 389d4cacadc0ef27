export { handleCronRequest, type CronDeps } from "./cron-request";
export {
  isJobName,
  JOB_NAMES,
  jobDepsFromEnv,
  runJob,
  sweepStaleHoldsNow,
  type JobDeps,
  type JobName,
  type JobOutcome,
} from "./jobs";
export { runExclusive, type LeaseOptions, type LeaseOutcome } from "./lease";
export { startJobSchedule, type JobIntervals, type JobSchedule } from "./schedule";
