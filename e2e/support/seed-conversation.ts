import { randomUUID } from "node:crypto";

import pg from "pg";

import { stackState } from "./stack";

/**
 * Writes a long conversation straight into the run's database for the account with this email
 * (sending 60 messages through the UI would only test the Demo model's patience). Returns its id.
 */
export async function seedLongConversation(
  email: string,
  { pairs = 30, title = "A long conversation" } = {},
): Promise<string> {
  const client = new pg.Client({ connectionString: stackState().databaseUrl });
  await client.connect();
  try {
    const user = await client.query<{ id: string }>('SELECT "id" FROM "User" WHERE "email" = $1', [email]);
    const userId = user.rows[0]?.id;
    if (!userId) throw new Error(`no user ${email}`);
    const conversationId = `seed${randomUUID().replaceAll("-", "")}`;
    await client.query('INSERT INTO "Conversation" ("id", "userId", "title", "updatedAt") VALUES ($1, $2, $3, now())', [
      conversationId,
      userId,
      title,
    ]);
    const paragraph = "This reply is long on purpose, so that the conversation is far taller than the window. ".repeat(
      6,
    );
    for (let i = 0; i < pairs; i++) {
      await client.query(
        `INSERT INTO "Message" ("id", "conversationId", "role", "content", "createdAt") VALUES
           ($1, $3, 'user', $4, now() + make_interval(secs => $6 * 2)),
           ($2, $3, 'assistant', $5, now() + make_interval(secs => $6 * 2 + 1))`,
        [
          `seedu${i}${conversationId}`,
          `seeda${i}${conversationId}`,
          conversationId,
          `Question number ${i + 1}`,
          paragraph,
          i,
        ],
      );
    }
    return conversationId;
  } finally {
    await client.end();
  }
}
