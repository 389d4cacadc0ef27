import { z } from "zod";

import { defaultPricesFromEnv, startStripeEmulator } from "./index";

/** `npm run stripe:emulator`: the emulator as a process, configured from the environment. */
const env = z
  .object({
    STRIPE_EMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(12111),
    STRIPE_EMULATOR_HOST: z.string().min(1).default("127.0.0.1"),
    STRIPE_WEBHOOK_URL: z.url().optional(),
    STRIPE_WEBHOOK_SECRET: z.string().min(1).default("whsec_tally_local_emulator_secret"),
    STRIPE_EMULATOR_STATE_FILE: z.string().min(1).optional(),
    STRIPE_EMULATOR_PUBLIC_URL: z.url().optional(),
  })
  .parse(Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== "")));

const emulator = await startStripeEmulator({
  port: env.STRIPE_EMULATOR_PORT,
  host: env.STRIPE_EMULATOR_HOST,
  publicUrl: env.STRIPE_EMULATOR_PUBLIC_URL,
  webhookUrl: env.STRIPE_WEBHOOK_URL,
  webhookSecret: env.STRIPE_WEBHOOK_SECRET,
  stateFile: env.STRIPE_EMULATOR_STATE_FILE,
  prices: defaultPricesFromEnv(),
});

console.log(
  `[stripe-emulator] listening on ${emulator.url} (test mode) · webhooks → ${env.STRIPE_WEBHOOK_URL ?? "none (stored only)"}${
    env.STRIPE_EMULATOR_STATE_FILE ? ` · state ${env.STRIPE_EMULATOR_STATE_FILE}` : ""
  }`,
);

let closing = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    void emulator.close().then(() => process.exit(0));
  });
}
