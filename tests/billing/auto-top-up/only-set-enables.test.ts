import { describe, expect, it } from "vitest";

import { callArguments, sourceFiles } from "../../helpers/source-scan";

const OWNER = "src/server/billing/auto-top-up/settings.ts";

/** Where a file may turn auto top-up on: Prisma writes of AutoTopUp that set `enabled` to anything but false, raw SQL. */
function enablingWrites(text: string): string[] {
  const found = callArguments(text, /\.autoTopUp\.(\w+)\(/g)
    .filter(({ name, args }) => /^(create|createMany|update|updateMany|upsert)$/.test(name) && enables(args))
    .map(({ name }) => `autoTopUp.${name}`);
  for (const sql of text.matchAll(/(update|insert\s+into)\s+"?autotopup"?\b/gi)) found.push(sql[0]);
  return found;
}

/** The call's arguments without its `where: { … }` filters (a filter on enabled writes nothing). */
function withoutFilters(args: string): string {
  let out = args;
  for (let at = out.search(/\bwhere\s*:\s*\{/); at >= 0; at = out.search(/\bwhere\s*:\s*\{/)) {
    let i = out.indexOf("{", at) + 1;
    for (let depth = 1; i < out.length && depth > 0; i++) depth += out[i] === "{" ? 1 : out[i] === "}" ? -1 : 0;
    out = out.slice(0, at) + out.slice(i);
  }
  return out;
}

/** `enabled` set to anything but the literal false (true, a variable, a spread of values that may hold it). */
function enables(args: string): boolean {
  const written = withoutFilters(args);
  if (/\benabled\s*:(?!\s*false\b)/.test(written)) return true;
  return /\.\.\.\s*\w+/.test(written) && !/\benabled\s*:\s*false\b/.test(written);
}

describe("only the user turns auto top-up on", () => {
  it(`${OWNER} (autoTopUp.set) is the only code that writes enabled = true`, () => {
    const writers = sourceFiles()
      .map(({ file, text }) => ({ file, writes: enablingWrites(text) }))
      .filter(({ writes }) => writes.length > 0);
    expect(writers.filter(({ file }) => file !== OWNER)).toEqual([]);
    // The scan does see the one legitimate write.
    expect(writers.find(({ file }) => file === OWNER)?.writes).toEqual(["autoTopUp.upsert"]);
  });

  it("the scan catches each kind of write", () => {
    expect(enablingWrites(`await tx.autoTopUp.update({ where: { userId }, data: { enabled: true } })`)).toHaveLength(1);
    expect(enablingWrites(`await tx.autoTopUp.updateMany({ where, data: { enabled: on } })`)).toHaveLength(1);
    expect(enablingWrites(`await db.autoTopUp.create({ data: { ...values } })`)).toHaveLength(1);
    expect(enablingWrites(`await tx.$executeRaw\`UPDATE "AutoTopUp" SET enabled = true\``)).toHaveLength(1);
    expect(enablingWrites(`await tx.autoTopUp.updateMany({ where, data: { enabled: false } })`)).toEqual([]);
    expect(enablingWrites(`await tx.autoTopUp.updateMany({ where, data: { inFlightPurchaseId: id } })`)).toEqual([]);
  });
});
