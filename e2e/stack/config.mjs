// Where the end-to-end stack listens and the secrets it shares. Used by playwright.config.ts,
// the stack launcher and the specs, so the three can never disagree.
export const E2E = {
  appPort: Number(process.env.E2E_APP_PORT ?? 3100),
  /** A second app instance on the same database, whose new accounts get only a tiny signup bonus (paywall journey). */
  lowBonusPort: Number(process.env.E2E_LOW_BONUS_PORT ?? 3101),
  lowBonusCredits: 50,
  signupBonusCredits: 10_000,
  emulatorPort: Number(process.env.E2E_STRIPE_EMULATOR_PORT ?? 12199),
  /** The local mail catcher both instances send through (verification and reset links). */
  mailSmtpPort: Number(process.env.E2E_MAIL_SMTP_PORT ?? 12125),
  mailWebPort: Number(process.env.E2E_MAIL_WEB_PORT ?? 12180),
  /** Written by the launcher once the stack is up: the run's database URL and endpoints. */
  stateFile: "e2e/.artifacts/stack.json",
  screenshotDir: "e2e/.artifacts/screenshots",
};
export const appUrl = `http://127.0.0.1:${E2E.appPort}`;
export const lowBonusUrl = `http://127.0.0.1:${E2E.lowBonusPort}`;
export const emulatorUrl = `http://127.0.0.1:${E2E.emulatorPort}`;
export const inboxUrl = `http://127.0.0.1:${E2E.mailWebPort}`;
/** A real `sk_test_…` key in the environment: purchases go to Stripe test mode instead of the emulator. */
export const realStripe = Boolean(process.env.STRIPE_SECRET_KEY);

/** Emulator mode only: any `sk_test_` key is accepted by the emulator (the launcher makes a fresh signing secret per run). */
export const EMULATOR_SECRET_KEY = "sk_test_tally_e2e_emulator";
