import { readFileSync } from "node:fs";

import { E2E } from "../stack/config.mjs";

export interface StackState {
  databaseUrl: string;
  appUrl: string;
  lowBonusUrl: string;
  /** The local mail catcher's web inbox. */
  inboxUrl: string;
  /** Null when the run talks to real Stripe test mode. */
  emulatorUrl: string | null;
}

/** What the launcher started for this run (read after Playwright's webServer is up). */
export function stackState(): StackState {
  return JSON.parse(readFileSync(E2E.stateFile, "utf8")) as StackState;
}
