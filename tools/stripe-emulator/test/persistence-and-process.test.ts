import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { defaultPricesFromEnv } from "../src/index";
import { sdkFor, startRig } from "./harness";

const dir = mkdtempSync(path.join(tmpdir(), "stripe-emulator-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("stripe emulator persistence, reset and process", () => {
  it("saves state to the state file and loads it on the next start", async () => {
    const stateFile = path.join(dir, "nested", "state.json");
    const first = await startRig({ receiver: null, stateFile });
    const session = await first.newSession();
    await first.control(`/_emulator/checkout/sessions/${session.id}/pay`, {});
    await first.close();
    expect(JSON.parse(readFileSync(stateFile, "utf8")).sessions[session.id].status).toBe("complete");

    const second = await startRig({ receiver: null, stateFile });
    try {
      expect(await second.stripe.checkout.sessions.retrieve(session.id)).toMatchObject({
        status: "complete",
        payment_status: "paid",
      });
      expect((await second.stripe.events.list({ type: "checkout.session.completed" })).data).toHaveLength(1);

      expect((await second.control("/_emulator/reset", {})).status).toBe(200);
      expect((await second.stripe.checkout.sessions.list()).data).toEqual([]);
      expect((await second.stripe.events.list()).data).toEqual([]);
      expect((await second.stripe.prices.retrieve("price_pro")).unit_amount).toBe(1500);
    } finally {
      await second.close();
    }
    expect(JSON.parse(readFileSync(stateFile, "utf8")).sessions).toEqual({});
  });

  it("reads pack prices from the app's environment variables", () => {
    expect(defaultPricesFromEnv({})).toEqual([
      { id: "price_starter", unitAmount: 500, currency: "usd", productName: "Starter pack" },
      { id: "price_pro", unitAmount: 1500, currency: "usd", productName: "Pro pack" },
      { id: "price_enterprise", unitAmount: 5000, currency: "usd", productName: "Enterprise pack" },
    ]);
    const custom = defaultPricesFromEnv({
      STRIPE_PRICE_PRO: "price_123",
      PRICE_PRO_CENTS: "1999",
      BILLING_CURRENCY: "EUR",
    });
    expect(custom[1]).toEqual({ id: "price_123", unitAmount: 1999, currency: "eur", productName: "Pro pack" });
  });

  it("main.ts starts from env, logs one line, serves the SDK and exits cleanly on SIGTERM", async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const child = spawn(process.execPath, ["--import", "tsx", "tools/stripe-emulator/src/main.ts"], {
      cwd: path.resolve(import.meta.dirname, "../../.."),
      env: {
        ...process.env,
        STRIPE_EMULATOR_PORT: String(port),
        PRICE_STARTER_CENTS: "700",
        STRIPE_EMULATOR_STATE_FILE: "",
        STRIPE_WEBHOOK_URL: "",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 30_000;
    while (!output.includes("listening") && Date.now() < deadline && child.exitCode === null)
      await new Promise((r) => setTimeout(r, 50));
    expect(output).toContain(`[stripe-emulator] listening on http://127.0.0.1:${port}`);
    expect((await sdkFor(port).prices.retrieve("price_starter")).unit_amount).toBe(700);
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output.trim().split("\n")).toHaveLength(1);
  });
});
