import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { grant } from "~/server/credits";

import { snapshot } from "../helpers/db-snapshot";
import { createTestDb, describeEachDb, type TestDb } from "../helpers/test-db";
import { callerFor, outcome, procedurePaths, type Caller } from "../helpers/trpc";
import { createUser } from "../helpers/users";

/** A valid input for every procedure that takes one; the suite breaks each field in turn. */
const VALID: Record<string, Record<string, unknown>> = {
  "auth.signUp": { email: "bad-input@test.local", password: "a perfectly fine passphrase", name: "Bad Input" },
  "credits.history": { limit: 10 },
  "credits.spentPerDay": { days: 30 },
  "billing.checkout": { packId: "starter" },
  "billing.confirm": { sessionId: "cs_test_abc123" },
  "billing.purchases": { limit: 10 },
  "chat.createConversation": { title: "A title" },
  "chat.renameConversation": { id: "conversation-1", title: "A title" },
  "chat.deleteConversation": { id: "conversation-1" },
  "chat.messages": { conversationId: "conversation-1" },
  "chat.send": { conversationId: "conversation-1", content: "Hello" },
};

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
  ["a NUL byte", "ab\u0000cd"],
];

function casesFor(path: string): [string, unknown][] {
  const valid = VALID[path]!;
  const cases: [string, unknown][] = [
    ["a string instead of an object", "junk"],
    ["a number instead of an object", 7],
  ];
  for (const [field, value] of Object.entries(valid)) {
    const variants = [...ALWAYS_BAD, ...(typeof value === "number" ? BAD_NUMBERS : BAD_STRINGS)];
    for (const [label, bad] of variants) cases.push([`${field} = ${label}`, { ...valid, [field]: bad }]);
    const { [field]: _omitted, ...missing } = valid;
    // Optional fields may be omitted; required ones may not. Both must leave no trace when invalid.
    if (!(path === "auth.signUp" && field === "name") && !(path === "chat.createConversation" && field === "title") && typeof value !== "number") {
      cases.push([`${field} missing`, missing]);
    }
  }
  return cases;
}

describe("bad-input table covers every procedure that takes input", () => {
  it("has a valid sample for each such procedure", () => {
    const noInput = new Set(["credits.balance", "billing.products", "chat.model", "chat.listConversations", "auth.providers"]);
    expect(procedurePaths().filter((p) => !noInput.has(p)).sort()).toEqual(Object.keys(VALID).sort());
  });
});

describeEachDb("bad input", (kind) => {
  let t: TestDb;
  let caller: Caller;
  beforeAll(async () => {
    t = await createTestDb(kind);
    const u = await createUser(t.db);
    await grant(t.db, { userId: u.id, amount: 100_000, reason: "purchase", refType: "test", refId: `seed-${u.id}` });
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
});
