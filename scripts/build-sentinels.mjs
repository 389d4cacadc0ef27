// `npm test` builds the app with these fake secrets in its environment, so the static-bundle
// scan (tests/security/static-bundle-secrets.test.ts) can prove no server secret reaches the browser.
export const BUILD_SENTINELS = {
  STRIPE_SECRET_KEY: "sk_test_tallySentinelStripeSecretKey000",
  STRIPE_WEBHOOK_SECRET: "whsec_tallySentinelWebhookSecret000",
  AUTH_SECRET: "tally-sentinel-auth-secret-0000000000000000",
  DATABASE_URL: "postgres://sentinel:tallySentinelDbPassword@127.0.0.1:1/sentinel",
  OPENAI_API_KEY: "sk-tallySentinelOpenAIKey000",
  CRON_SECRET: "tally-sentinel-cron-secret-000000000",
};
