import { env } from "~/env";
import { handleCronRequest, jobDepsFromEnv, runJob } from "~/server/jobs";
import { processDrain } from "~/server/shutdown/drain";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Context = { params: Promise<{ job: string }> };

/** Scheduled jobs for platform cron (e.g. Vercel Cron); see src/server/jobs/cron-request.ts. */
async function handle(req: Request, { params }: Context): Promise<Response> {
  const { job } = await params;
  // A job run in progress is finished before a shutting-down server exits.
  return processDrain().track(
    handleCronRequest(req, job, { secret: env.CRON_SECRET, run: (name) => runJob(jobDepsFromEnv(), name) }),
  );
}

export const GET = handle;
export const POST = handle;
