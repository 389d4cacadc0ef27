import { describe, expect, it } from "vitest";

import { parseUnsent } from "~/components/chat/unsent-message";

// The unsent message comes back from localStorage, which anything on the origin can write: checked by hand
// (zod is kept out of the browser bundle, tests/deploy/first-load-js.test.ts), with the rules the zod schema had.
describe("parseUnsent", () => {
  it("returns exactly the two fields of a stored message, for a conversation or a new one", () => {
    expect(parseUnsent(JSON.stringify({ conversationId: "c1", content: "hi", extra: "<script>" }))).toEqual({
      conversationId: "c1",
      content: "hi",
    });
    expect(parseUnsent(JSON.stringify({ conversationId: null, content: "hi" }))).toEqual({
      conversationId: null,
      content: "hi",
    });
  });

  it("refuses anything else", () => {
    for (const raw of [
      null,
      "",
      "not json",
      "null",
      "42",
      '"text"',
      "[]",
      JSON.stringify(["c1", "hi"]),
      JSON.stringify({ content: "hi" }),
      JSON.stringify({ conversationId: "", content: "hi" }),
      JSON.stringify({ conversationId: 7, content: "hi" }),
      JSON.stringify({ conversationId: "c1", content: "" }),
      JSON.stringify({ conversationId: "c1", content: 5 }),
      JSON.stringify({ conversationId: "c1" }),
    ])
      expect(parseUnsent(raw), String(raw)).toBeNull();
  });
});
