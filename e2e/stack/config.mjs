// Where the end-to-end stack listens. Shared by playwright.config.ts, the stack launcher and the specs.
export const E2E = {
  appPort: Number(process.env.E2E_APP_PORT ?? 3100),
  /** A second app instance on the same database, whose new accounts get only a tiny signup bonus (paywall journey). */
  lowBonusPort: Number(process.env.E2E_LOW_BONUS_PORT ?? 3101),
  lowBonusCredits: 50,
  emulatorPort: Number(process.env.E2E_STRIPE_EMULATOR_PORT ?? 12199),
  stateFile: "e2e/.artifacts/stack.json",
};
export const appUrl = `http://127.0.0.1:${E2E.appPort}`;
export const lowBonusUrl = `http://127.0.0.1:${E2E.lowBonusPort}`;
export const emulatorUrl = `http://127.0.0.1:${E2E.emulatorPort}`;
export const realStripe = Boolean(process.env.STRIPE_SECRET_KEY);
