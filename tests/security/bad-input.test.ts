import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { grant } from "~/server/credits";

import { snapshot } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { callerFor, outcome, procedurePaths, type Caller } from "../helpers/trpc";
import { createUser } from "../helpers/users";
import { NO_INPUT, VALID_INPUTS } from "./procedure-samples";

const VALID = VALID_INPUTS;

const HUGE = "x".repeat(100_000);
/** Values no field of any procedure accepts. */
const ALWAYS_BAD: [string, unknown][] = [
  ["null", null],
  ["an array", ["x"]],
  ["an object", { nested: true }],
  ["a boolean", true],
  ["a 100k-char string", HUGE],
];
const BAD_NUMBERS: [string, unknown][] = [
  ["NaN", Number.NaN],
  ["negative", -1],
  ["fractional", 1.5],
  ["Infinity", Number.POSITIVE_INFINITY],
  ["huge", 1e12],
  ["a numeric string", "10"],
];
const BAD_STRINGS: [string, unknown][] = [
  ["a number", 42],
  ["an empty string", ""],
  ["only whitespace", " \t\n "],
  ["a NUL byte", "ab\u0000cd"],
  ["an escape character", "ab\u001bcd"],
  ["a lone surrogate", "ab\uD800cd"],
  ["a lone low surrogate", "\uDC00abc"],
];

const STRONG_128 = "correct horse battery staple ".repeat(5).slice(0, 128);

/** One past each field's bound; AT_MAX is the bound itself, which must pass validation. */
const OVER_MAX: Record<string, Record<string, unknown>> = {
  "auth.signUp": {
    email: `${"a".repeat(248)}@x.io`.padStart(255, "a"),
    password: STRONG_128 + "x",
    name: "n".repeat(81),
  },
  "account.updateName": { name: "n".repeat(81) },
  "account.revokeSession": { id: "i".repeat(65) },
  "account.delete": { password: "p".repeat(129) },
  "credits.history": { limit: 101, cursor: "c".repeat(65) },
  "credits.spentPerDay": { days: 91 },
  "credits.setLowBalanceAlert": { threshold: 100_000_001 },
  "billing.confirm": { sessionId: `cs_${"a".repeat(251)}` },
  "billing.purchases": { limit: 101, cursor: "c".repeat(256) },
  "billing.removeSavedCard": { paymentMethodId: `pm_${"a".repeat(251)}` },
  "autoTopUp.set": { threshold: 100_000_001, monthlyLimit: 32, paymentMethodId: `pm_${"a".repeat(251)}` },
  "autoTopUp.authenticate": { purchaseId: `topup_${"a".repeat(251)}` },
  "autoTopUp.confirm": { purchaseId: `topup_${"a".repeat(251)}` },
  "chat.createConversation": { title: "t".repeat(121) },
  "chat.renameConversation": { id: "i".repeat(65), title: "t".repeat(121) },
  "chat.deleteConversation": { id: "i".repeat(65) },
  "chat.messages": { conversationId: "i".repeat(65) },
  "chat.send": { conversationId: "i".repeat(65), content: "m".repeat(8001) },
  "chat.regenerate": { conversationId: "i".repeat(65) },
  "chat.editLast": { conversationId: "i".repeat(65), content: "m".repeat(8001) },
  "chat.listConversations": { search: "s".repeat(101) },
  "chat.quote": { content: "m".repeat(8001) },
};
const AT_MAX: Record<string, Record<string, unknown>> = {
  "auth.signUp": { email: `${"a".repeat(244)}@test.local`.slice(-254), password: STRONG_128, name: "n".repeat(80) },
  "account.updateName": { name: "n".repeat(80) },
  "credits.history": { limit: 100 },
  "credits.spentPerDay": { days: 90 },
  "credits.setLowBalanceAlert": { threshold: 100_000_000 },
  "billing.purchases": { limit: 100 },
  "chat.createConversation": { title: "😀".repeat(60) },
  "chat.renameConversation": { id: "i".repeat(64), title: "t".repeat(120) },
  "chat.send": { conversationId: "i".repeat(64), content: "m".repeat(8000) },
  "chat.editLast": { conversationId: "i".repeat(64), content: "m".repeat(8000) },
  "chat.listConversations": { search: "s".repeat(100) },
  "chat.quote": { content: "m".repeat(8000) },
};

function casesFor(path: string): [string, unknown][] {
  const valid = VALID[path]!;
  const cases: [string, unknown][] = [
    ["a string instead of an object", "junk"],
    ["a number instead of an object", 7],
  ];
  for (const [field, value] of Object.entries(valid)) {
    const variants = [...ALWAYS_BAD, ...(typeof value === "number" ? BAD_NUMBERS : BAD_STRINGS)];
    for (const [label, bad] of variants) cases.push([`${field} = ${label}`, { ...valid, [field]: bad }]);
    const over = OVER_MAX[path]?.[field];
    if (over !== undefined) cases.push([`${field} one past its bound`, { ...valid, [field]: over }]);
    const { [field]: _omitted, ...missing } = valid;
    // Optional fields may be omitted; required ones may not. Both must leave no trace when invalid.
    if (
      !(path === "auth.signUp" && field === "name") &&
      !(path === "chat.createConversation" && field === "title") &&
      !(path === "chat.listConversations" && field === "search") &&
      typeof value !== "number"
    ) {
      cases.push([`${field} missing`, missing]);
    }
  }
  return cases;
}

describe("bad-input table covers every procedure that takes input", () => {
  it("has a valid sample for each such procedure", () => {
    expect(
      procedurePaths()
        .filter((p) => !NO_INPUT.has(p))
        .sort(),
    ).toEqual(Object.keys(VALID).sort());
  });
});

describeEachDb("bad input", (kind) => {
  let t: TestDb;
  let caller: Caller;
  beforeAll(async () => {
    t = await createTestDb(kind);
    const u = await createUser(t.db);
    await grant(t.db, {
      userId: u.id,
      amount: 100_000,
      reason: "purchase",
      refType: "operator",
      refId: `seed-${u.id}`,
    });
    caller = callerFor(t.db, u.id);
  });
  afterAll(() => t.close());

  for (const path of Object.keys(VALID)) {
    it(`${path}: every malformed input → BAD_REQUEST, database unchanged`, async () => {
      const before = await snapshot(t.db);
      const failures: string[] = [];
      for (const [label, input] of casesFor(path)) {
        const code = await outcome(caller, path, input);
        if (code !== "BAD_REQUEST") failures.push(`${label}: ${code}`);
      }
      expect(failures).toEqual([]);
      expect(await snapshot(t.db)).toEqual(before);
    });
  }

  it("values exactly at each bound pass validation (the bounds are where the table says)", async () => {
    const codes = Object.fromEntries(
      await Promise.all(
        Object.entries(AT_MAX).map(
          async ([path, patch]) => [path, await outcome(caller, path, { ...VALID[path], ...patch })] as const,
        ),
      ),
    );
    for (const [path, code] of Object.entries(codes)) expect(code, path).not.toBe("BAD_REQUEST");
  });
});
