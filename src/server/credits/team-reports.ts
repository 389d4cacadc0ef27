/**
 * A team pool's reports for its owner and admins: the pool's ledger with the member who caused each
 * row, and chat spend by day, model and member. Members' conversations stay private: a row shows a
 * conversation only when it is the caller's own, and the team usage report names no conversations.
 */
import { parseUtcDay, RANGE_PROBLEM_MESSAGES, rangeProblem, type DayRange } from "~/lib/usage-range";
import type { DbOrTx } from "~/server/database/transaction";
import { decodeCursor, keysetAfterSql, toPage, type Page } from "~/server/pagination/keyset";
import { requireTeamRole } from "~/server/teams/access";

import { joinChatConversation } from "./chat-conversation-join";
import type { LedgerEntry } from "./history";
import { CHAT_REF_TYPE, CHECKOUT_REF_TYPE } from "./ref-types";
import { InvalidRangeError, spendByDayAndModel, spendCount, type GroupedSpendRow, type UsageReport } from "./usage";

/** The member who caused a pool row (the spender, the buyer); name null when they have none (or were anonymised). */
export interface LedgerMember {
  id: string;
  name: string | null;
}

export interface TeamLedgerEntry extends LedgerEntry {
  member: LedgerMember;
}

export type TeamHistoryPage = Page<TeamLedgerEntry>;

interface TeamHistoryRow extends Omit<TeamLedgerEntry, "conversation" | "member"> {
  memberId: string;
  memberName: string | null;
  conversationId: string | null;
  conversationTitle: string | null;
}

/**
 * The pool's ledger, newest first, keyset-paginated on (createdAt, id) over the (teamId, createdAt, id)
 * index, for the team's owner and admins (a member: FORBIDDEN; anyone else: NOT_FOUND).
 */
export async function teamHistory(
  db: DbOrTx,
  userId: string,
  teamId: string,
  opts: { cursor?: string; limit: number },
): Promise<TeamHistoryPage> {
  await requireTeamRole(db, teamId, userId, "admin");
  const after = opts.cursor ? decodeCursor(opts.cursor, 64) : null;
  const rows = await db.$queryRaw<TeamHistoryRow[]>`
    WITH page AS (
      SELECT l.id, l."userId", l."teamId", l.amount, l."balanceAfter", l.reason, l."refType", l."refId", l.note,
             l."createdAt"
        FROM "CreditLedger" l
       WHERE l."teamId" = ${teamId}
         ${keysetAfterSql(after)}
       ORDER BY l."createdAt" DESC, l.id DESC
       LIMIT ${opts.limit + 1}
    )
    SELECT p.id, p.amount, p."balanceAfter", p.reason::text AS reason, p."refType", p."refId", p.note, p."createdAt",
           p."userId" AS "memberId",
           -- Like the audit log: a member without a name by their address while they are in the team.
           COALESCE(u.name, CASE WHEN tm."userId" IS NOT NULL THEN u.email END) AS "memberName",
           c.id AS "conversationId", c.title AS "conversationTitle", pu."packId"
      FROM page p
      JOIN "User" u ON u.id = p."userId"
      LEFT JOIN "TeamMember" tm ON tm."teamId" = ${teamId} AND tm."userId" = p."userId"
      ${joinChatConversation("p", userId)}
      LEFT JOIN "Purchase" pu ON p."refType" = ${CHECKOUT_REF_TYPE} AND pu.id = p."refId" AND pu."teamId" = p."teamId"
     ORDER BY p."createdAt" DESC, p.id DESC`;
  const entries = rows.map(({ memberId, memberName, conversationId, conversationTitle, ...row }): TeamLedgerEntry => ({
    ...row,
    member: { id: memberId, name: memberName },
    conversation: conversationId !== null ? { id: conversationId, title: conversationTitle ?? "" } : null,
    packId: row.packId ?? null,
  }));
  return toPage(entries, opts.limit);
}

/** One member's chat spend from the pool in the range. */
export interface MemberSpend {
  userId: string;
  name: string | null;
  spent: number;
  replies: number;
}

/** The usage report for a pool: the personal report's shape (no conversations named) plus spend by member. */
export interface TeamUsageReport extends UsageReport {
  /** Largest first; each member who spent from the pool in the range (also one who has since left). */
  byMember: MemberSpend[];
}

interface TeamUsageRow extends GroupedSpendRow {
  g_member: number;
  member_id: string | null;
  member_name: string | null;
}

/**
 * Chat spend from the pool over whole UTC days (both ends included) by day, model and member, in one
 * GROUPING SETS statement (one snapshot), so each breakdown sums to `total`. For owners and admins only.
 */
export async function teamUsageReport(
  db: DbOrTx,
  userId: string,
  teamId: string,
  range: DayRange,
): Promise<TeamUsageReport> {
  const problem = rangeProblem(range);
  if (problem) throw new InvalidRangeError(RANGE_PROBLEM_MESSAGES[problem]);
  await requireTeamRole(db, teamId, userId, "admin");
  const start = parseUtcDay(range.from)!;
  const end = new Date(parseUtcDay(range.to)!.getTime() + 86_400_000);

  const rows = await db.$queryRaw<TeamUsageRow[]>`
    WITH spend AS (
      SELECT to_char(date_trunc('day', l."createdAt"), 'YYYY-MM-DD') AS day,
             -l.amount AS spent,
             m.model AS model,
             l."userId" AS member_id,
             COALESCE(u.name, CASE WHEN tm."userId" IS NOT NULL THEN u.email END) AS member_name
        FROM "CreditLedger" l
        JOIN "User" u ON u.id = l."userId"
        LEFT JOIN "TeamMember" tm ON tm."teamId" = l."teamId" AND tm."userId" = l."userId"
        LEFT JOIN "Message" m ON l."refType" = ${CHAT_REF_TYPE} AND m.id = l."refId"
       WHERE l."teamId" = ${teamId}
         AND l.reason = 'chat_usage'::"LedgerReason"
         AND l."createdAt" >= ${start} AND l."createdAt" < ${end}
    )
    SELECT GROUPING(day)::int AS g_day, GROUPING(model)::int AS g_model,
           GROUPING(member_id, member_name)::int AS g_member,
           day, model, member_id, member_name, SUM(spent) AS spent, COUNT(*) AS replies
      FROM spend
     GROUP BY GROUPING SETS ((day), (model), (member_id, member_name), ())`;

  const byMember = rows
    .filter((r) => !r.g_member)
    .map((r) => ({
      userId: r.member_id!,
      name: r.member_name,
      spent: spendCount(r.spent),
      replies: spendCount(r.replies),
    }))
    .sort((a, b) => b.spent - a.spent || a.userId.localeCompare(b.userId));

  return {
    ...spendByDayAndModel(rows, range, (r) => r.g_member !== 0),
    byConversation: [],
    otherConversations: { count: 0, spent: 0, replies: 0 },
    byMember,
  };
}
