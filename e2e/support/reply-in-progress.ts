import { randomUUID } from "node:crypto";

import pg from "pg";

import { CHAT_REF_TYPE } from "../../src/server/credits/ref-types";
import { stackState } from "./stack";

/**
 * Puts a reply "still being written" on the account with this email, straight into the run's
 * database, as `chat.send` leaves it once the model has started: a conversation with the question
 * and a streaming answer, and an active hold of `held` credits on that answer (account row locked,
 * `heldCredits` raised in the same transaction). A real reply would finish in seconds; this one
 * stays in progress for the hold's lifetime, so a journey can look at held credits calmly.
 */
export async function seedReplyInProgress(email: string, held: number): Promise<{ conversationId: string }> {
  const client = new pg.Client({ connectionString: stackState().databaseUrl });
  await client.connect();
  try {
    await client.query("BEGIN");
    const user = await client.query<{ id: string; balance: number; heldCredits: number }>(
      'SELECT "id", "balance", "heldCredits" FROM "User" WHERE "email" = $1 FOR UPDATE',
      [email],
    );
    const row = user.rows[0];
    if (!row) throw new Error(`no user ${email}`);
    if (row.balance - row.heldCredits < held) throw new Error(`${email} cannot hold ${held} credits`);
    const conversationId = `seed${randomUUID().replaceAll("-", "")}`;
    const assistantId = `seeda${randomUUID().replaceAll("-", "")}`;
    // An hour old, so it is not the newest conversation: /chat and "New conversation" stay as they were.
    await client.query(
      `INSERT INTO "Conversation" ("id", "userId", "title", "createdAt", "updatedAt")
       VALUES ($1, $2, $3, now() - interval '1 hour', now() - interval '1 hour')`,
      [conversationId, row.id, "A reply still being written"],
    );
    await client.query(
      `INSERT INTO "Message" ("id", "conversationId", "role", "content", "status", "model", "createdAt") VALUES
         ($1, $3, 'user', 'Write me a very long story.', 'complete', NULL, now() - interval '1 hour'),
         ($2, $3, 'assistant', 'Once upon a time', 'streaming', 'demo', now() - interval '1 hour')`,
      [`seedu${randomUUID().replaceAll("-", "")}`, assistantId, conversationId],
    );
    await client.query(
      `INSERT INTO "CreditHold" ("id", "userId", "amount", "refType", "refId", "expiresAt")
       VALUES ($1, $2, $3, $4, $5, now() + interval '10 minutes')`,
      [randomUUID(), row.id, held, CHAT_REF_TYPE, assistantId],
    );
    await client.query('UPDATE "User" SET "heldCredits" = "heldCredits" + $2, "updatedAt" = now() WHERE "id" = $1', [
      row.id,
      held,
    ]);
    await client.query("COMMIT");
    return { conversationId };
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    await client.end();
  }
}
