import { daysOf, parseUtcDay, RANGE_PROBLEM_MESSAGES, rangeProblem, type DayRange } from "~/lib/usage-range";
import type { DbOrTx } from "~/server/database/transaction";
import { DomainError } from "~/server/errors";

import { joinChatConversation } from "./chat-conversation-join";

/** How many conversations the report names; the rest are summed into `otherConversations`. */
export const TOP_CONVERSATIONS = 10;

export class InvalidRangeError extends DomainError {
  constructor(message: string) {
    super("invalid_range", message, "BAD_REQUEST");
  }
}

export interface UsageReport {
  from: string;
  to: string;
  /** Credits spent on chat in the range (positive). */
  total: number;
  /** Chat ledger rows in the range. */
  replies: number;
  /** Every UTC day of the range, oldest first, zero-filled. */
  byDay: { day: string; spent: number }[];
  /** Largest first; `model` is the id stored on the reply, null when unknown (e.g. its conversation was deleted). */
  byModel: { model: string | null; spent: number; replies: number }[];
  /** The top conversations, largest first; `id` null groups every deleted conversation. */
  byConversation: { id: string | null; title: string | null; spent: number; replies: number }[];
  /** Conversations beyond the top ones, summed. */
  otherConversations: { count: number; spent: number; replies: number };
}

/** A row of a spend report's GROUPING SETS ((day), (model), (<a third breakdown>), ()). */
export interface GroupedSpendRow {
  g_day: number;
  g_model: number;
  day: string | null;
  model: string | null;
  spent: bigint | number | null;
  replies: bigint | number;
}

interface Row extends GroupedSpendRow {
  g_conversation: number;
  conversation_id: string | null;
  title: string | null;
}

export const spendCount = (v: bigint | number | null) => Number(v ?? 0);

/**
 * The parts every spend report shares, from its grouping-set rows: the grand total (the row grouped
 * over every set, `overThird` saying so of the report's own third one), each day of the range
 * (zero-filled) and each model, largest first.
 */
export function spendByDayAndModel<R extends GroupedSpendRow>(
  rows: R[],
  range: DayRange,
  overThird: (row: R) => boolean,
): Pick<UsageReport, "from" | "to" | "total" | "replies" | "byDay" | "byModel"> {
  const grand = rows.find((r) => r.g_day && r.g_model && overThird(r));
  const spentByDay = new Map(rows.filter((r) => !r.g_day).map((r) => [r.day!, spendCount(r.spent)]));
  const byModel = rows
    .filter((r) => !r.g_model)
    .map((r) => ({ model: r.model, spent: spendCount(r.spent), replies: spendCount(r.replies) }))
    .sort((a, b) => b.spent - a.spent || (a.model ?? "").localeCompare(b.model ?? ""));
  return {
    from: range.from,
    to: range.to,
    total: spendCount(grand?.spent ?? 0),
    replies: spendCount(grand?.replies ?? 0),
    byDay: daysOf(range).map((day) => ({ day, spent: spentByDay.get(day) ?? 0 })),
    byModel,
  };
}

/**
 * Chat spend over a range of whole UTC days (both ends included), by day, by model and by
 * conversation. One statement with GROUPING SETS, so every breakdown comes from the same snapshot
 * and each sums to `total`. A chat ledger row's refId is the assistant message it paid for; the
 * message's conversation is joined only when it is the same user's.
 */
export async function usageReport(
  db: DbOrTx,
  userId: string,
  range: DayRange,
  opts: { topConversations?: number } = {},
): Promise<UsageReport> {
  const problem = rangeProblem(range);
  if (problem) throw new InvalidRangeError(RANGE_PROBLEM_MESSAGES[problem]);
  const start = parseUtcDay(range.from)!;
  const end = new Date(parseUtcDay(range.to)!.getTime() + 86_400_000);
  const top = opts.topConversations ?? TOP_CONVERSATIONS;

  const rows = await db.$queryRaw<Row[]>`
    WITH spend AS (
      SELECT to_char(date_trunc('day', l."createdAt"), 'YYYY-MM-DD') AS day,
             -l.amount AS spent,
             CASE WHEN c.id IS NULL THEN NULL ELSE m.model END AS model,
             c.id AS conversation_id,
             c.title AS title
        FROM "CreditLedger" l
        ${joinChatConversation("l", userId)}
       WHERE l."userId" = ${userId} AND l."teamId" IS NULL
         AND l.reason = 'chat_usage'::"LedgerReason"
         AND l."createdAt" >= ${start} AND l."createdAt" < ${end}
    )
    SELECT GROUPING(day)::int AS g_day, GROUPING(model)::int AS g_model,
           GROUPING(conversation_id, title)::int AS g_conversation,
           day, model, conversation_id, title, SUM(spent) AS spent, COUNT(*) AS replies
      FROM spend
     GROUP BY GROUPING SETS ((day), (model), (conversation_id, title), ())`;

  const conversations = rows
    .filter((r) => !r.g_conversation)
    .map((r) => ({ id: r.conversation_id, title: r.title, spent: spendCount(r.spent), replies: spendCount(r.replies) }))
    .sort((a, b) => b.spent - a.spent || (a.id ?? "").localeCompare(b.id ?? ""));
  const rest = conversations.slice(top);

  return {
    ...spendByDayAndModel(rows, range, (r) => r.g_conversation !== 0),
    byConversation: conversations.slice(0, top),
    otherConversations: {
      count: rest.filter((c) => c.id !== null).length,
      spent: rest.reduce((sum, c) => sum + c.spent, 0),
      replies: rest.reduce((sum, c) => sum + c.replies, 0),
    },
  };
}
