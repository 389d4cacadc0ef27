-- AlterEnum
ALTER TYPE "PurchaseStatus" ADD VALUE 'canceled';

-- AlterTable
ALTER TABLE "Purchase" ADD COLUMN     "checkoutRef" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Purchase_checkoutRef_key" ON "Purchase"("checkoutRef");
