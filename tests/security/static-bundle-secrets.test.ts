import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { BUILD_SENTINELS } from "../../scripts/build-sentinels.mjs";

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

// Runs after `npm test` has built the app with the sentinel secrets in its environment.
describe.runIf(process.env.TALLY_STATIC_SCAN === "1")("static bundle", () => {
  it("contains no server secret (Stripe key, webhook secret, auth secret, database URL, model key)", () => {
    const dir = path.join(process.cwd(), process.env.NEXT_DIST_DIR || ".next", "static");
    expect(existsSync(dir)).toBe(true);
    const files = filesUnder(dir);
    expect(files.length).toBeGreaterThan(10);
    const needles = Object.values(BUILD_SENTINELS).flatMap((v) =>
      [v, new URL(v, "http://x").password].filter((s) => s && s.length > 8),
    );
    const leaks: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, "latin1");
      for (const needle of needles)
        if (text.includes(needle)) leaks.push(`${path.relative(dir, file)} contains ${needle.slice(0, 12)}…`);
    }
    expect(leaks).toEqual([]);
  });
});
