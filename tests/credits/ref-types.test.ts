import { describe, expect, it } from "vitest";

import { LedgerReason } from "~/generated/prisma/enums";
import { LEDGER_REF_TYPES } from "~/server/credits";

import { sourceFiles } from "../helpers/source-scan";

const HOME = "src/server/credits/ref-types.ts";
// A ledger reason may share its spelling with a ref type ("signup_bonus"); as a reason it is fine.
const REASONS = new Set<string>(Object.values(LedgerReason));

/** Ref types spelled out in `text` instead of imported from the one list. */
function spelledRefTypes(text: string): string[] {
  const found = [...text.matchAll(/\brefType"?\s*[:=]\s*["'`]([^"'`]*)["'`]/g)].map((m) => m[1]!);
  for (const m of text.matchAll(/["'`]([a-z_]+)["'`]/g)) {
    const literal = m[1]!;
    if ((LEDGER_REF_TYPES as readonly string[]).includes(literal) && !REASONS.has(literal)) found.push(literal);
  }
  return found;
}

describe("ledger ref types have one home", () => {
  it("are all distinct", () => {
    expect(new Set(LEDGER_REF_TYPES).size).toBe(LEDGER_REF_TYPES.length);
  });

  it(`no file in src/ but ${HOME} spells a ref type`, () => {
    const spelled = sourceFiles()
      .filter(({ file }) => file !== HOME)
      .map(({ file, text }) => ({ file, literals: spelledRefTypes(text) }))
      .filter(({ literals }) => literals.length > 0);
    expect(spelled).toEqual([]);
  });

  it("the scan catches a spelled-out ref type", () => {
    expect(spelledRefTypes(`grant(tx, { refType: "signup_bonus", refId })`)).toEqual(["signup_bonus"]);
    expect(spelledRefTypes(`export const X = "chat_message";`)).toEqual(["chat_message"]);
    expect(spelledRefTypes(`WHERE h."refType" = 'stripe_refund'`)).toEqual(["stripe_refund", "stripe_refund"]);
    expect(spelledRefTypes(`grant(tx, { reason: "signup_bonus", refType: SIGNUP_BONUS_REF_TYPE })`)).toEqual([]);
  });
});
