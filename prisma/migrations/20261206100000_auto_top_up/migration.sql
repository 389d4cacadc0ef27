-- CreateEnum
CREATE TYPE "PurchaseKind" AS ENUM ('checkout', 'auto_top_up');

-- AlterEnum
ALTER TYPE "PurchaseStatus" ADD VALUE 'requires_action';

-- AlterTable
ALTER TABLE "Purchase" ADD COLUMN     "kind" "PurchaseKind" NOT NULL DEFAULT 'checkout',
ADD COLUMN     "triggerEntryId" TEXT,
ADD COLUMN     "triggerSpendable" INTEGER,
ADD COLUMN     "idempotencyKey" TEXT,
ADD COLUMN     "failureCode" TEXT,
ADD COLUMN     "failureMessage" TEXT;

-- CreateTable
CREATE TABLE "AutoTopUp" (
    "userId" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "threshold" INTEGER NOT NULL,
    "packId" TEXT NOT NULL,
    "monthlyLimit" INTEGER NOT NULL,
    "paymentMethodId" TEXT NOT NULL,
    "inFlightPurchaseId" TEXT,
    "disabledReason" TEXT,
    "disabledMessage" TEXT,
    "disabledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AutoTopUp_pkey" PRIMARY KEY ("userId")
);

-- CreateIndex
CREATE UNIQUE INDEX "Purchase_triggerEntryId_key" ON "Purchase"("triggerEntryId");

-- CreateIndex
CREATE UNIQUE INDEX "Purchase_idempotencyKey_key" ON "Purchase"("idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "AutoTopUp_inFlightPurchaseId_key" ON "AutoTopUp"("inFlightPurchaseId");

-- AddForeignKey
ALTER TABLE "AutoTopUp" ADD CONSTRAINT "AutoTopUp_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
