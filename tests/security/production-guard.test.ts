import { describe, expect, it } from "vitest";

import { DEV_AUTH_SECRET } from "~/env";
import { EMULATOR_WEBHOOK_SECRET } from "~/server/billing/stripe-client";
import { type GuardEnv, productionConfigProblems } from "~/server/config/production-guard";

const safe: GuardEnv = {
  APP_URL: "https://tally.example.com",
  AUTH_SECRET: "a-real-random-secret-0123456789abcdefghijklmnop",
  STRIPE_SECRET_KEY: "sk_live_abc123",
  STRIPE_WEBHOOK_SECRET: "whsec_real_endpoint_secret",
  STRIPE_API_URL: undefined,
  STRIPE_ALLOW_TEST_MODE: "0",
  TALLY_BENCH_ROUTES: "0",
  OPENAI_BASE_URL: undefined,
  OPENAI_API_KEY: undefined,
};

/** What the benchmark and the end-to-end stack run: the production build against a loopback emulator. */
const localHarness: GuardEnv = {
  ...safe,
  APP_URL: "http://127.0.0.1:4401",
  STRIPE_SECRET_KEY: "sk_test_tally_bench_unused",
  STRIPE_API_URL: "http://127.0.0.1:9",
  STRIPE_ALLOW_TEST_MODE: "1",
  TALLY_BENCH_ROUTES: "1",
};

describe("production guard", () => {
  it.each<[string, Partial<GuardEnv>]>([
    ["live keys, real secrets", {}],
    ["no Stripe key at all (checkout refuses)", { STRIPE_SECRET_KEY: undefined, STRIPE_WEBHOOK_SECRET: undefined }],
    ["a restricted live key", { STRIPE_SECRET_KEY: "rk_live_abc" }],
    [
      "a test key with the explicit opt-in (staging)",
      { STRIPE_SECRET_KEY: "sk_test_abc", STRIPE_ALLOW_TEST_MODE: "1" },
    ],
    [
      "a test key against an https mock",
      { STRIPE_SECRET_KEY: "sk_test_abc", STRIPE_ALLOW_TEST_MODE: "1", STRIPE_API_URL: "https://stripe-mock.internal" },
    ],
    ["the local bench/e2e harness", localHarness],
  ])("accepts %s", (_name, change) => {
    expect(productionConfigProblems({ ...safe, ...change })).toEqual([]);
  });

  it.each<[string, Partial<GuardEnv>, string, RegExp]>([
    ["the repository's development AUTH_SECRET", { AUTH_SECRET: DEV_AUTH_SECRET }, "AUTH_SECRET", /openssl rand/],
    ["no AUTH_SECRET", { AUTH_SECRET: "" }, "AUTH_SECRET", /set AUTH_SECRET/],
    [
      "the emulator's webhook secret",
      { STRIPE_WEBHOOK_SECRET: EMULATOR_WEBHOOK_SECRET },
      "STRIPE_WEBHOOK_SECRET",
      /whsec_… signing secret of your Stripe webhook/,
    ],
    [
      "STRIPE_API_URL with a live key",
      { STRIPE_API_URL: "http://127.0.0.1:12111" },
      "STRIPE_API_URL",
      /unset STRIPE_API_URL/,
    ],
    [
      "STRIPE_API_URL with a live key, even over https",
      { STRIPE_API_URL: "https://stripe-proxy.example.com" },
      "STRIPE_API_URL",
      /unset STRIPE_API_URL/,
    ],
    [
      "a non-https STRIPE_API_URL that is not loopback",
      {
        STRIPE_SECRET_KEY: "sk_test_abc",
        STRIPE_ALLOW_TEST_MODE: "1",
        STRIPE_API_URL: "http://stripe-mock.internal:12111",
      },
      "STRIPE_API_URL",
      /use an https:\/\/ URL/,
    ],
    [
      "a loopback http STRIPE_API_URL without a key",
      { STRIPE_SECRET_KEY: undefined, STRIPE_API_URL: "http://127.0.0.1:12111" },
      "STRIPE_API_URL",
      /use an https:\/\/ URL/,
    ],
    [
      "an sk_test_ key without STRIPE_ALLOW_TEST_MODE=1",
      { STRIPE_SECRET_KEY: "sk_test_abc" },
      "STRIPE_SECRET_KEY",
      /STRIPE_ALLOW_TEST_MODE=1/,
    ],
    [
      "an rk_test_ key without STRIPE_ALLOW_TEST_MODE=1",
      { STRIPE_SECRET_KEY: "rk_test_abc" },
      "STRIPE_SECRET_KEY",
      /STRIPE_ALLOW_TEST_MODE=1/,
    ],
    ["something that is not a Stripe key", { STRIPE_SECRET_KEY: "pk_live_abc" }, "STRIPE_SECRET_KEY", /sk_live_/],
    [
      "bench routes on a public deployment",
      { TALLY_BENCH_ROUTES: "1" },
      "TALLY_BENCH_ROUTES",
      /unset TALLY_BENCH_ROUTES/,
    ],
    [
      "bench routes on loopback with a real chat provider",
      { ...localHarness, OPENAI_API_KEY: "sk-real" },
      "TALLY_BENCH_ROUTES",
      /unset TALLY_BENCH_ROUTES/,
    ],
    [
      "bench routes on loopback with a live key",
      { ...localHarness, STRIPE_SECRET_KEY: "sk_live_abc", STRIPE_API_URL: undefined },
      "TALLY_BENCH_ROUTES",
      /unset TALLY_BENCH_ROUTES/,
    ],
  ])("refuses %s: one line naming the variable and the fix", (_name, change, variable, fix) => {
    const problems = productionConfigProblems({ ...safe, ...change });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${variable}\\b`));
    expect(problems[0]).toMatch(fix);
    expect(problems[0]).not.toContain("\n");
  });

  it("reports every problem at once, each on its own line", () => {
    const problems = productionConfigProblems({
      ...safe,
      AUTH_SECRET: DEV_AUTH_SECRET,
      STRIPE_WEBHOOK_SECRET: EMULATOR_WEBHOOK_SECRET,
      STRIPE_API_URL: "http://127.0.0.1:12111",
      TALLY_BENCH_ROUTES: "1",
    });
    expect(problems.map((p) => p.split(" ")[0])).toEqual([
      "AUTH_SECRET",
      "STRIPE_WEBHOOK_SECRET",
      "STRIPE_API_URL",
      "TALLY_BENCH_ROUTES=1",
    ]);
  });
});
