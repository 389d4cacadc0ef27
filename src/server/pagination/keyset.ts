import { Prisma } from "~/generated/prisma/client";

/**
 * Keyset pagination on (createdAt, id), newest first: pages stay stable as new rows arrive, and
 * because every query is also scoped by its owner, a cursor can only ever select the caller's rows.
 */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

interface Keyed {
  createdAt: Date;
  id: string;
}

export function encodeCursor(row: Keyed): string {
  return `${row.createdAt.getTime()}_${row.id}`;
}

/** null for an unreadable cursor (the caller then starts from the top). */
export function decodeCursor(cursor: string, maxIdLength: number): Keyed | null {
  const match = new RegExp(`^(\\d{1,15})_(.{1,${maxIdLength}})$`).exec(cursor);
  if (!match) return null;
  return { createdAt: new Date(Number(match[1])), id: match[2]! };
}

/** The Prisma `where` fragment selecting rows after the cursor, plus the matching order and page size. */
export function keysetQuery(cursor: string | undefined, limit: number, maxIdLength: number) {
  const after = cursor ? decodeCursor(cursor, maxIdLength) : null;
  return {
    where: after
      ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }
      : {},
    orderBy: [{ createdAt: "desc" as const }, { id: "desc" as const }],
    take: limit + 1,
  };
}

/** The same condition for raw SQL over a ledger-like table aliased `l`: empty without a cursor. */
export function keysetAfterSql(after: Keyed | null): Prisma.Sql {
  return after
    ? Prisma.sql`AND (l."createdAt" < ${after.createdAt} OR (l."createdAt" = ${after.createdAt} AND l.id < ${after.id}))`
    : Prisma.empty;
}

/** Turns the `limit + 1` rows fetched by keysetQuery into a page. */
export function toPage<T extends Keyed>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}
