-- AlterTable
ALTER TABLE "TeamMember" ADD COLUMN     "heldCredits" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "spentDay" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "spentMonth" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "spentWeek" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "usageDay" DATE;

-- Backfill: members who already have a limit get the running totals their pool rows and holds add up to today.
UPDATE "TeamMember" tm
   SET "usageDay" = (now() AT TIME ZONE 'UTC')::date,
       "spentDay" = u.day, "spentWeek" = u.week, "spentMonth" = u.month, "heldCredits" = u.held
  FROM (
    SELECT m."teamId", m."userId",
           COALESCE((SELECT SUM(-l.amount) FROM "CreditLedger" l
                      WHERE l."teamId" = m."teamId" AND l."userId" = m."userId" AND l.reason = 'chat_usage'
                        AND l.amount < 0 AND l."createdAt" >= date_trunc('day', now() AT TIME ZONE 'UTC')), 0) AS day,
           COALESCE((SELECT SUM(-l.amount) FROM "CreditLedger" l
                      WHERE l."teamId" = m."teamId" AND l."userId" = m."userId" AND l.reason = 'chat_usage'
                        AND l.amount < 0 AND l."createdAt" >= date_trunc('week', now() AT TIME ZONE 'UTC')), 0) AS week,
           COALESCE((SELECT SUM(-l.amount) FROM "CreditLedger" l
                      WHERE l."teamId" = m."teamId" AND l."userId" = m."userId" AND l.reason = 'chat_usage'
                        AND l.amount < 0 AND l."createdAt" >= date_trunc('month', now() AT TIME ZONE 'UTC')), 0) AS month,
           COALESCE((SELECT SUM(h.amount) FROM "CreditHold" h
                      WHERE h."teamId" = m."teamId" AND h."userId" = m."userId" AND h.status = 'active'), 0) AS held
      FROM "TeamMember" m
     WHERE m."dailyLimit" IS NOT NULL OR m."weeklyLimit" IS NOT NULL OR m."monthlyLimit" IS NOT NULL
  ) u
 WHERE tm."teamId" = u."teamId" AND tm."userId" = u."userId";
