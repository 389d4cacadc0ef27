/**
 * The jobs on a timer inside a long-lived server (started by src/instrumentation.ts). Every
 * instance runs the timer; the lease lets one of them do each run, and `minIntervalMs` keeps N
 * instances from running a job N times per interval. Serverless deployments, where no process
 * lives that long, call the cron endpoint instead (src/app/api/cron/[job]/route.ts).
 */
import { logEvent } from "~/server/log";

import { JOB_NAMES, runJob, type JobDeps, type JobName } from "./jobs";

/** A job left out (or 0) gets no timer. */
export type JobIntervals = Partial<Record<JobName, number>>;

export interface JobSchedule {
  /** Clears the timers; resolves once no job run is in progress. */
  stop(): Promise<void>;
}

export function startJobSchedule(deps: JobDeps, intervalsMs: JobIntervals): JobSchedule {
  const timers: NodeJS.Timeout[] = [];
  const inProgress = new Set<Promise<void>>();
  for (const job of JOB_NAMES) {
    const every = intervalsMs[job] ?? 0;
    if (!(every > 0)) continue;
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      const run: Promise<void> = runJob(deps, job, { minIntervalMs: every / 2 })
        .then(() => undefined)
        .catch((error: unknown) =>
          logEvent("job_failed", { job, error: String((error as Error)?.message ?? error) }, "warn"),
        )
        .finally(() => {
          running = false;
          inProgress.delete(run);
        });
      inProgress.add(run);
    }, every);
    timer.unref();
    timers.push(timer);
  }
  return {
    async stop() {
      timers.forEach(clearInterval);
      await Promise.all([...inProgress]);
    },
  };
}
