import { Prisma } from "~/generated/prisma/client";

import { CHAT_REF_TYPE } from "./ref-types";

/**
 * The joins from a chat ledger row (aliased `ledger`) to the reply it paid for (`m`) and that reply's conversation
 * (`c`). The conversation joins only when it is `userId`'s, so no other user's title or model can show through a
 * ledger row. History, usage and the CSV export all read a chat row's conversation through this.
 */
export function joinChatConversation(ledger: "l" | "p", userId: string): Prisma.Sql {
  const row = Prisma.raw(ledger);
  return Prisma.sql`LEFT JOIN "Message" m ON ${row}."refType" = ${CHAT_REF_TYPE} AND m.id = ${row}."refId"
      LEFT JOIN "Conversation" c ON c.id = m."conversationId" AND c."userId" = ${userId}`;
}
