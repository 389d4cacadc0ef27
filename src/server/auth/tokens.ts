/**
 * Single-use account tokens (verification and reset links). The link carries 32 random bytes;
 * only their SHA-256 is stored, so a database leak yields no working link. Consuming is one
 * conditional UPDATE: of two concurrent uses exactly one succeeds.
 */
import { createHash, randomBytes } from "node:crypto";

import type { AccountToken, AccountTokenPurpose } from "~/generated/prisma/client";
import type { Tx } from "~/server/database/transaction";

export const TOKEN_TTL_MS: Record<AccountTokenPurpose, number> = {
  verify_email: 24 * 60 * 60 * 1000,
  reset_password: 30 * 60 * 1000,
};

export function hashToken(raw: string): string {
  return createHash("sha256").update(raw).digest("hex");
}

/** A new token for `purpose`; earlier unused ones of the same purpose stop working. Returns the raw token for the link. */
export async function issueToken(
  tx: Tx,
  input: { userId: string; email: string; purpose: AccountTokenPurpose; now?: Date },
): Promise<string> {
  const now = input.now ?? new Date();
  await tx.accountToken.deleteMany({ where: { userId: input.userId, purpose: input.purpose, usedAt: null } });
  const raw = randomBytes(32).toString("base64url");
  await tx.accountToken.create({
    data: {
      userId: input.userId,
      email: input.email,
      purpose: input.purpose,
      tokenHash: hashToken(raw),
      expiresAt: new Date(now.getTime() + TOKEN_TTL_MS[input.purpose]),
    },
  });
  return raw;
}

/** Marks the token used and returns it, or null when it is unknown, of another purpose, expired or already used. */
export async function consumeToken(
  tx: Tx,
  raw: string,
  purpose: AccountTokenPurpose,
  now = new Date(),
): Promise<AccountToken | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(raw)) return null;
  const rows = await tx.$queryRaw<AccountToken[]>`
    UPDATE "AccountToken" SET "usedAt" = ${now}
    WHERE "tokenHash" = ${hashToken(raw)} AND purpose = ${purpose}::"AccountTokenPurpose" AND "usedAt" IS NULL AND "expiresAt" > ${now}
    RETURNING *`;
  return rows[0] ?? null;
}
