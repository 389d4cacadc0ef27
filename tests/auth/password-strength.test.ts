import { describe, expect, it } from "vitest";

import { hashPassword } from "~/server/auth/password";
import { MIN_PASSWORD_SCORE, passwordScore } from "~/server/auth/password-strength";

describe("password strength and hashing", () => {
  it.each(["password1234", "qwertyuiop123", "iloveyou2024!", "aaaaaaaaaaaa", "1234567890"])(
    "%s is refused as guessable",
    (password) => {
      expect(passwordScore(password)).toBeLessThan(MIN_PASSWORD_SCORE);
    },
  );

  it("a passphrase of unrelated words passes", () => {
    expect(passwordScore("correct horse battery staple")).toBeGreaterThanOrEqual(MIN_PASSWORD_SCORE);
  });

  it("the account's own email and name count against the password", () => {
    const password = "lovelaceada1815";
    expect(passwordScore(password, ["ada.lovelace@example.com", "Ada Lovelace"])).toBeLessThan(passwordScore(password));
  });

  it("hashes with argon2id at the explicit cost (19 MiB, 2 passes, 1 lane)", async () => {
    expect(await hashPassword("correct horse battery staple")).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });
});
