import { createEnv } from "@t3-oss/env-nextjs";
import { z } from "zod";

const isProduction = process.env.NODE_ENV === "production";
/** Published in the repository: the production guard (src/server/config/production-guard.ts) refuses it. */
export const DEV_AUTH_SECRET = "tally-dev-only-secret-do-not-use-in-production";

/** @param {number} fallback */
const int = (fallback) => z.coerce.number().int().nonnegative().default(fallback);
/** @param {number} fallback */
const positiveInt = (fallback) => z.coerce.number().int().positive().default(fallback);
/** @param {string} fallback */
const rateLimit = (fallback) =>
  z
    .string()
    .regex(/^\d{1,7}\/\d{1,7}$/, 'expected "<count>/<seconds>", e.g. "30/60"')
    .default(fallback)
    .transform((v) => {
      const [limit, seconds] = v.split("/").map(Number);
      return { limit: /** @type {number} */ (limit), windowSeconds: /** @type {number} */ (seconds) };
    });
/**
 * DATABASE_POOL_SIZE: connections one instance opens to PostgreSQL at most (Prisma and the driver's
 * hot statements share them). Instances × this must stay below the server's max_connections, or
 * go through a pooler (docs/scaling.md).
 */
export const databasePoolSize = z.coerce
  .number({ error: "DATABASE_POOL_SIZE must be a whole number of connections" })
  .int("DATABASE_POOL_SIZE must be a whole number of connections")
  .min(1, "DATABASE_POOL_SIZE must be at least 1")
  .max(1000, "DATABASE_POOL_SIZE must be at most 1000")
  .default(10);
/**
 * DATABASE_PREPARED_STATEMENTS: "1" (default) sends the hot statements (credit writes, a send's
 * reads) as prepared statements, parsed and planned once per connection; "0" for a pooler in
 * transaction mode that cannot keep them (PgBouncer before 1.21, or max_prepared_statements = 0).
 */
export const databasePreparedStatements = z
  .enum(["0", "1"], { error: 'DATABASE_PREPARED_STATEMENTS must be "0" or "1"' })
  .default("1")
  .transform((v) => v === "1");
/**
 * CHAT_MODELS: the OpenAI-compatible models users may pick, as one JSON array, e.g.
 * [{"id":"gpt-4o-mini","label":"GPT-4o mini","inputCreditsPer1k":15,"outputCreditsPer1k":60,"contextTokens":16000}].
 * Prices are credits per 1,000 tokens (integers); the first entry, or the one with "default": true, is the default.
 */
export const chatModelEntry = z
  .object({
    id: z.string().trim().min(1).max(100),
    label: z.string().trim().min(1).max(60).optional(),
    inputCreditsPer1k: z.number().int().nonnegative(),
    outputCreditsPer1k: z.number().int().nonnegative(),
    contextTokens: z.number().int().min(256).max(2_000_000).default(8000),
    maxOutputTokens: z.number().int().positive().max(200_000).optional(),
    /** The reply length a "likely" quote assumes (capped at maxOutputTokens). */
    typicalOutputTokens: z.number().int().positive().optional(),
    default: z.boolean().optional(),
  })
  .strict();

export const chatModelsSetting = z
  .string()
  .transform((text, ctx) => {
    try {
      return /** @type {unknown} */ (JSON.parse(text));
    } catch {
      ctx.addIssue({ code: "custom", message: "CHAT_MODELS must be a JSON array of models" });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .array(chatModelEntry)
      .min(1, "CHAT_MODELS must list at least one model")
      .refine(
        (models) => new Set(models.map((m) => m.id)).size === models.length,
        "CHAT_MODELS: model ids must be unique",
      )
      .refine((models) => models.filter((m) => m.default).length <= 1, "CHAT_MODELS: at most one model is the default"),
  )
  .optional();

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === "" ? undefined : v));

/**
 * Every setting the server reads, validated once. Defaults make `npm run dev` work with
 * no keys: embedded PGlite, the local Stripe emulator and the offline demo chat model.
 */
export const env = createEnv({
  server: {
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    APP_URL: z.string().url().default("http://localhost:3000"),

    AUTH_SECRET: isProduction ? z.string().min(32) : z.string().min(1).default(DEV_AUTH_SECRET),
    AUTH_GITHUB_ID: optionalString,
    AUTH_GITHUB_SECRET: optionalString,
    AUTH_GOOGLE_ID: optionalString,
    AUTH_GOOGLE_SECRET: optionalString,

    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgres:// URL")
      .optional()
      .or(z.literal("").transform(() => undefined)),
    DATABASE_POOL_SIZE: databasePoolSize,
    DATABASE_PREPARED_STATEMENTS: databasePreparedStatements,
    PGLITE_DATA_DIR: z.string().default(".data/pglite"),

    STRIPE_SECRET_KEY: optionalString,
    STRIPE_WEBHOOK_SECRET: optionalString,
    /** Base URL of the local Stripe emulator; when set, the Stripe SDK talks to it instead of Stripe. */
    STRIPE_API_URL: optionalString.pipe(z.string().url().optional()),
    /** "1" lets a production server run with an sk_test_ key (staging, end-to-end tests): its credits are not real. */
    STRIPE_ALLOW_TEST_MODE: z.enum(["0", "1"]).default("0"),
    /** "1": Checkout creates a paid invoice for each purchase (invoice_creation), linked as a PDF in the purchase history; "0": receipts only. */
    STRIPE_INVOICE_CREATION: z.enum(["0", "1"], { message: 'STRIPE_INVOICE_CREATION must be "0" or "1"' }).default("1"),
    STRIPE_PRICE_STARTER: z.string().default("price_starter"),
    STRIPE_PRICE_PRO: z.string().default("price_pro"),
    STRIPE_PRICE_ENTERPRISE: z.string().default("price_enterprise"),
    PRICE_STARTER_CENTS: positiveInt(500),
    PRICE_PRO_CENTS: positiveInt(1500),
    PRICE_ENTERPRISE_CENTS: positiveInt(5000),
    BILLING_CURRENCY: z.string().length(3).toLowerCase().default("usd"),

    CREDITS_STARTER: positiveInt(50_000),
    CREDITS_PRO: positiveInt(200_000),
    CREDITS_ENTERPRISE: positiveInt(1_000_000),
    SIGNUP_BONUS_CREDITS: int(10_000),

    OPENAI_BASE_URL: optionalString.pipe(z.string().url().optional()),
    OPENAI_API_KEY: optionalString,
    CHAT_MODEL: z.string().default("demo"),
    /** The models users may pick, with their prices (JSON, see chatModelsSetting); needs OPENAI_BASE_URL. Unset: CHAT_MODEL alone. */
    CHAT_MODELS: chatModelsSetting,
    CHAT_MAX_OUTPUT_TOKENS: positiveInt(1024),
    CREDITS_PER_1K_INPUT_TOKENS: int(100),
    CREDITS_PER_1K_OUTPUT_TOKENS: int(300),
    /** Delay between the offline demo model's tokens (ms); 0 in tests so suites stay fast. */
    CHAT_DEMO_DELAY_MS: int(process.env.NODE_ENV === "test" ? 0 : 30),
    HOLD_TTL_SECONDS: positiveInt(600),
    /** A finished reply retries its settle with backoff this long while the database is down; then the sweep settles it. */
    CHAT_SETTLE_RETRY_SECONDS: positiveInt(300),
    /** A streaming reply's text and token counts are written at most once per this many ms (plus once at the end). */
    CHAT_PROGRESS_INTERVAL_MS: positiveInt(1000),
    /** A streaming reply's text pieces are merged into at most one frame per this many ms (0: every piece; 0 in tests). */
    CHAT_STREAM_FRAME_MS: int(process.env.NODE_ENV === "test" ? 0 : 25),

    /** Bearer secret for GET/POST /api/cron/<job> (platform cron, e.g. Vercel Cron); unset → the endpoint answers 404. */
    CRON_SECRET: optionalString.pipe(z.string().min(16, "CRON_SECRET must be at least 16 characters").optional()),
    /** In-server schedule of the jobs (0 turns one off); every instance may run it, a lease lets one run at a time. */
    JOB_SWEEP_INTERVAL_SECONDS: int(60),
    JOB_RECONCILE_INTERVAL_SECONDS: int(900),
    /** On SIGTERM, replies in progress may finish for this long; then they stop and are charged what they delivered. */
    SHUTDOWN_GRACE_SECONDS: int(25),
    /** How many days back the scheduled reconcile looks for paid Checkout Sessions whose webhook never arrived. */
    JOB_RECONCILE_DAYS: positiveInt(3),

    REDIS_URL: optionalString,
    /** Abuse limits, as "<count>/<seconds>" fixed windows shared by every app instance. */
    /** Sign-in attempts per (email, client address): where one guesser is stopped. */
    RATE_LIMIT_SIGNIN_PER_EMAIL_AND_IP: rateLimit("10/900"),
    /** Sign-in attempts per email from all addresses together: much higher, with slow-downs before it. */
    RATE_LIMIT_SIGNIN_PER_EMAIL: rateLimit("200/900"),
    RATE_LIMIT_SIGNIN_PER_IP: rateLimit("50/900"),
    RATE_LIMIT_SIGNUP_PER_IP: rateLimit("10/3600"),
    /** Account mail a person can trigger (verification resends, password resets), per account or email and per address. */
    RATE_LIMIT_ACCOUNT_MAIL: rateLimit("3/900"),
    RATE_LIMIT_CHAT_PER_USER: rateLimit("30/60"),
    /** chat.quote, asked as the user types (debounced): generous, it only reads. */
    RATE_LIMIT_CHAT_QUOTE_PER_USER: rateLimit("600/60"),
    RATE_LIMIT_CHECKOUT_PER_USER: rateLimit("10/600"),

    /** How the app is reached, for the client's address: 0 = directly (TCP peer), N = behind N proxies appending X-Forwarded-For. */
    TRUSTED_PROXY_HOPS: int(0),
    /** Behind a platform that sets the client's address in one header (overrides TRUSTED_PROXY_HOPS). */
    CLIENT_IP_HEADER: z.enum(["cf-connecting-ip", "x-real-ip", "x-vercel-forwarded-for", "fly-client-ip"]).optional(),

    /** Outgoing mail, e.g. smtp://user:pass@host:587 (npm run dev points it at the local mail catcher). Unset: mail stays queued. */
    SMTP_URL: optionalString.pipe(
      z
        .string()
        .regex(/^smtps?:\/\//, "SMTP_URL must be an smtp:// or smtps:// URL")
        .optional(),
    ),
    MAIL_FROM: z.string().default("Tally <no-reply@tally.localhost>"),
    /** Where the local mail catcher's web inbox is, shown in the dev header; set by npm run dev. */
    MAIL_CATCHER_URL: optionalString.pipe(z.string().url().optional()),

    /** Session lifetime without activity; each use within it slides it forward (refresh at most every SESSION_UPDATE_AGE_SECONDS). */
    SESSION_MAX_AGE_SECONDS: positiveInt(7 * 24 * 60 * 60),
    SESSION_UPDATE_AGE_SECONDS: positiveInt(60 * 60),
    /** How long an app instance trusts its copy of a user's session version (sign-out elsewhere takes effect within this). */
    SESSION_VERSION_CACHE_SECONDS: int(5),

    /**
     * "1" only for the benchmark: at build time it compiles the bare reference routes under /api/bench and
     * /bench into the build (next.config.mjs; any other build has none), at start it switches them on.
     */
    TALLY_BENCH_ROUTES: z.enum(["0", "1"]).default("0"),
  },
  client: {},
  experimental__runtimeEnv: {},
  skipValidation: !!process.env.SKIP_ENV_VALIDATION,
  emptyStringAsUndefined: true,
});

if (!process.env.SKIP_ENV_VALIDATION && env.CHAT_MODELS && !env.OPENAI_BASE_URL) {
  throw new Error("CHAT_MODELS needs OPENAI_BASE_URL (the OpenAI-compatible endpoint serving those models).");
}

// Next.js evaluates this module once per bundle (server, edge, every route's chunk) and in its worker
// processes: the flag lives in the environment, which this process's later imports and the processes
// it starts share, so a dev session says it once.
if (
  !isProduction &&
  env.AUTH_SECRET === DEV_AUTH_SECRET &&
  process.env.NODE_ENV !== "test" &&
  !process.env.TALLY_AUTH_SECRET_WARNED
) {
  process.env.TALLY_AUTH_SECRET_WARNED = "1";
  console.warn("[tally] AUTH_SECRET is not set: using the development default. Never do this in production.");
}
