import { spawn } from "node:child_process";

import { expect, it } from "vitest";

/** Runs the fixture, sends SIGTERM once it is ready, and returns its steps and exit code. */
async function terminate(
  graceMs: number,
): Promise<{ steps: string[]; code: number | null; signal: NodeJS.Signals | null }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "tests/shutdown/fixtures/sigterm-process.ts", String(graceMs)],
    {
      env: { ...process.env, TALLY_LOG: "silent" },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const steps: string[] = [];
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    const lines = out.split("\n");
    out = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.startsWith("step:")) continue;
      const step = line.slice("step:".length);
      steps.push(step);
      if (step === "ready") {
        child.kill("SIGTERM");
      }
    }
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once("exit", (c, s) => resolve([c, s])),
  );
  return { steps, code, signal };
}

it("on SIGTERM: refuses new chats, stops the reply after the grace period and waits for its settle and the webhook, then lets Next close, closes the database, exits 0", async () => {
  const { steps, code, signal } = await terminate(300);
  expect(signal).toBeNull();
  expect(code).toBe(0);
  expect(steps.filter((s) => s.startsWith("chat-"))).toEqual(["chat-refused:draining"]);
  // The webhook ends whenever it ends, but before anything closes.
  const closing = steps.filter((s) => !s.startsWith("chat-") && s !== "webhook-done");
  expect(closing).toEqual([
    "ready",
    "reply-stopped",
    "reply-settled",
    "jobs-stopped",
    "next-closes-server",
    "database-closed",
  ]);
  expect(steps.indexOf("webhook-done")).toBeGreaterThan(0);
  expect(steps.indexOf("webhook-done")).toBeLessThan(steps.indexOf("jobs-stopped"));
}, 60_000);
