/**
 * `GET|POST /api/cron/<job>` for platform schedulers (Vercel Cron and the like), which send
 * `Authorization: Bearer <CRON_SECRET>`. Without CRON_SECRET the endpoint does not exist (404).
 * The secret is compared in constant time and never logged; unknown jobs are only revealed to
 * callers holding it.
 */
import { createHash, timingSafeEqual } from "node:crypto";

import { logEvent } from "~/server/log";

import { isJobName, type JobName, type JobOutcome } from "./jobs";

export interface CronDeps {
  secret: string | undefined;
  run(job: JobName): Promise<JobOutcome>;
}

const digest = (value: string) => createHash("sha256").update(value).digest();

function bearerMatches(header: string | null, secret: string): boolean {
  const match = /^Bearer (.+)$/.exec(header ?? "");
  // Hashing first gives equal lengths, so the comparison itself leaks nothing about the secret.
  return timingSafeEqual(digest(match?.[1] ?? ""), digest(secret));
}

const reply = (body: unknown, status: number, headers: Record<string, string> = {}) =>
  Response.json(body, { status, headers: { "Cache-Control": "no-store", ...headers } });

export async function handleCronRequest(req: Request, job: string, deps: CronDeps): Promise<Response> {
  if (!deps.secret) return reply({ error: "not_found" }, 404);
  if (!bearerMatches(req.headers.get("authorization"), deps.secret)) {
    logEvent("cron_unauthorized", { job: job.slice(0, 40) }, "warn");
    return reply({ error: "unauthorized" }, 401, { "WWW-Authenticate": "Bearer" });
  }
  if (!isJobName(job)) return reply({ error: "not_found" }, 404);
  try {
    return reply(await deps.run(job), 200);
  } catch (error) {
    logEvent("cron_job_failed", { job, error: String((error as Error)?.message ?? error) }, "error");
    return reply({ job, status: "failed" }, 500);
  }
}
