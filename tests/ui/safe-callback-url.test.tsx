import { describe, expect, it } from "vitest";

import { safeCallbackUrl } from "~/lib/safe-callback-url";

describe("safeCallbackUrl", () => {
  it.each(["/", "/chat", "/billing?success=1", "/chat#x", "/a/b/c?x=%2F%2Fevil.com"])(
    "keeps the same-site path %s",
    (path) => {
      expect(safeCallbackUrl(path)).toBe(path);
    },
  );

  it.each([
    "//evil.com",
    "//evil.com/chat",
    "/\\evil.com",
    "/\\/evil.com",
    "https://evil.com/chat",
    "http://localhost:3000/chat",
    "javascript:alert(1)",
    "chat",
    "evil.com",
    "/\t/evil.com",
    "/\n/evil.com",
    "",
    " /chat",
  ])("falls back to / for %j", (value) => {
    expect(safeCallbackUrl(value)).toBe("/");
  });

  it("falls back for missing values and uses a given fallback", () => {
    expect(safeCallbackUrl(null)).toBe("/");
    expect(safeCallbackUrl(undefined)).toBe("/");
    expect(safeCallbackUrl("//evil.com", "/chat")).toBe("/chat");
  });

  it("rejects absurdly long values", () => {
    expect(safeCallbackUrl(`/${"a".repeat(3000)}`)).toBe("/");
  });
});
