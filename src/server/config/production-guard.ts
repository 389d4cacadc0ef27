/**
 * Settings a production server refuses to start with. Each problem is one line that names the
 * variable and the fix; at boot (instrumentation.ts) they are printed and the process exits
 * before the first request.
 */
import { DEV_AUTH_SECRET, env } from "~/env";
import { EMULATOR_WEBHOOK_SECRET } from "~/server/billing/stripe-client";

export type GuardEnv = Pick<
  typeof env,
  | "APP_URL"
  | "AUTH_SECRET"
  | "STRIPE_SECRET_KEY"
  | "STRIPE_WEBHOOK_SECRET"
  | "STRIPE_API_URL"
  | "STRIPE_ALLOW_TEST_MODE"
  | "TALLY_BENCH_ROUTES"
  | "OPENAI_BASE_URL"
  | "OPENAI_API_KEY"
>;

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

function isLoopback(url: string): boolean {
  try {
    return LOOPBACK_HOSTS.has(new URL(url).hostname);
  } catch {
    return false;
  }
}

function stripeKeyMode(key: string | undefined): "none" | "live" | "test" | "unknown" {
  if (!key) return "none";
  if (/^(sk|rk)_live_/.test(key)) return "live";
  if (/^(sk|rk)_test_/.test(key)) return "test";
  return "unknown";
}

/**
 * The benchmark runs the production build with its reference routes: allowed only where they
 * cannot cost anything or reach users — a loopback APP_URL, the offline demo model, no live key.
 */
function isLocalBenchServer(e: GuardEnv): boolean {
  return (
    isLoopback(e.APP_URL) && !e.OPENAI_BASE_URL && !e.OPENAI_API_KEY && stripeKeyMode(e.STRIPE_SECRET_KEY) !== "live"
  );
}

/** Every reason this configuration must not serve production traffic (empty: safe to start). */
export function productionConfigProblems(e: GuardEnv): string[] {
  const problems: string[] = [];
  if (!e.AUTH_SECRET || e.AUTH_SECRET === DEV_AUTH_SECRET) {
    problems.push(
      "AUTH_SECRET is the development default from the repository (anyone could sign sessions): set AUTH_SECRET to a new random value, e.g. `openssl rand -base64 32`.",
    );
  }
  if (e.STRIPE_WEBHOOK_SECRET === EMULATOR_WEBHOOK_SECRET) {
    problems.push(
      "STRIPE_WEBHOOK_SECRET is the Stripe emulator's published secret: set it to the whsec_… signing secret of your Stripe webhook endpoint.",
    );
  }

  const mode = stripeKeyMode(e.STRIPE_SECRET_KEY);
  const testModeAllowed = e.STRIPE_ALLOW_TEST_MODE === "1";
  if (mode === "unknown") {
    problems.push(
      "STRIPE_SECRET_KEY is not a Stripe secret key: set the sk_live_… (or rk_live_…) key from the Stripe dashboard.",
    );
  }
  if (mode === "test" && !testModeAllowed) {
    problems.push(
      "STRIPE_SECRET_KEY is a test-mode key, so test cards would buy real credits: set a live key, or STRIPE_ALLOW_TEST_MODE=1 on a server whose credits are not real.",
    );
  }
  if (e.STRIPE_API_URL) {
    if (mode === "live") {
      problems.push(
        "STRIPE_API_URL is set together with a live STRIPE_SECRET_KEY: unset STRIPE_API_URL so the live key only ever goes to api.stripe.com.",
      );
    } else if (
      !e.STRIPE_API_URL.startsWith("https://") &&
      !(isLoopback(e.STRIPE_API_URL) && mode === "test" && testModeAllowed)
    ) {
      problems.push(
        "STRIPE_API_URL is not https://: use an https:// URL (plain http is only for a local emulator on a loopback address, with a test key and STRIPE_ALLOW_TEST_MODE=1).",
      );
    }
  }

  if (e.TALLY_BENCH_ROUTES === "1" && !isLocalBenchServer(e)) {
    problems.push(
      "TALLY_BENCH_ROUTES=1 turns on benchmark routes that stream chat without charging: unset TALLY_BENCH_ROUTES (only `npm run bench`'s loopback server with the demo model may set it).",
    );
  }
  return problems;
}

/**
 * In a production server: print each problem on stderr and exit 1. `next build` also runs with
 * NODE_ENV=production but with fake secrets (scripts/build-sentinels.mjs), so the build phase is skipped.
 */
export function exitOnUnsafeProductionConfig(): void {
  if (process.env.NODE_ENV !== "production" || process.env.NEXT_PHASE === "phase-production-build") return;
  const problems = productionConfigProblems(env);
  if (problems.length === 0) return;
  for (const problem of problems) console.error(`[tally] refusing to start: ${problem}`);
  process.exit(1);
}
