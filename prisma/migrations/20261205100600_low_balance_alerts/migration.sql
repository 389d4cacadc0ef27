-- AlterTable
ALTER TABLE "User" ADD COLUMN     "lowBalanceThreshold" INTEGER,
ADD COLUMN     "lowBalanceAlerts" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "lowBalanceAlertedAt" TIMESTAMP(3),
ADD COLUMN     "locale" TEXT;
