import { describe, expect, it } from "vitest";

import { LIMITS } from "~/server/api/rate-limits";

import { sourceFiles } from "../helpers/source-scan";

// The API edge: tRPC procedures declare their limits in one module; sign-in (next-auth, not tRPC) is the other door.
const HOMES = new Set(["src/server/api/rate-limits.ts", "src/server/auth/sign-in-limits.ts"]);
const MECHANISM = "src/server/rate-limit/";

/** Calls that count a hit against a rule. */
const countsAHit = (text: string) => /\b(limit|consume)\(\s*RULES\./.test(text) || /\bconsume\(/.test(text);

describe("rate limits live in one layer", () => {
  it("no file outside the API edge counts a rate-limit hit", () => {
    const elsewhere = sourceFiles()
      .filter(({ file }) => !HOMES.has(file) && !file.startsWith(MECHANISM))
      .filter(({ text }) => countsAHit(text))
      .map(({ file }) => file);
    expect(elsewhere).toEqual([]);
  });

  it("the scan catches a limit counted in domain code", () => {
    expect(countsAHit("await limit(RULES.chatPerUser, userId, store);")).toBe(true);
    expect(countsAHit("const x = limitOf(rules);")).toBe(false);
  });

  it("every declared limit is used by a router", () => {
    const routers = sourceFiles().filter(({ file }) => file.startsWith("src/server/api/routers/"));
    const unused = Object.keys(LIMITS).filter((name) => !routers.some(({ text }) => text.includes(`LIMITS.${name}`)));
    expect(unused).toEqual([]);
  });
});
