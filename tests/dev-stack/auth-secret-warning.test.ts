import { spawnSync } from "node:child_process";
import path from "node:path";

import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");
const envModule = path.join(root, "src/env.js");

// Next.js evaluates src/env.js once per bundle and in worker processes; the dev session must say it once.
const script = `
const { spawnSync } = await import("node:child_process");
const url = ${JSON.stringify(`file://${envModule}`)};
await import(url + "?bundle=server");
await import(url + "?bundle=edge");
await import(url + "?bundle=route");
// A worker started by this process (like next dev's) imports it again.
const child = spawnSync(process.execPath, ["--input-type=module", "-e", "await import(" + JSON.stringify(url + "?bundle=worker") + ")"], { encoding: "utf8" });
process.stderr.write(child.stderr);
`;

function run(extraEnv: Record<string, string>): string {
  const { TALLY_AUTH_SECRET_WARNED: _warned, AUTH_SECRET: _secret, ...inherited } = process.env;
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: root,
    encoding: "utf8",
    env: { ...inherited, NODE_ENV: "development", SKIP_ENV_VALIDATION: "", ...extraEnv },
  });
  expect(result.status, result.stderr).toBe(0);
  return result.stderr;
}

const WARNING = "AUTH_SECRET is not set";
const count = (text: string) => text.split(WARNING).length - 1;

describe("the development AUTH_SECRET warning", () => {
  it("is printed once per dev session, however often the config is loaded", () => {
    expect(count(run({}))).toBe(1);
  });

  it("is not printed when AUTH_SECRET is set", () => {
    expect(count(run({ AUTH_SECRET: "a-real-secret-for-this-test-only-0123456789" }))).toBe(0);
  });
});
