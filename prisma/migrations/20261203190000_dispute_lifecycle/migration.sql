-- AlterEnum
ALTER TYPE "LedgerReason" ADD VALUE 'dispute_won';

-- AlterEnum
ALTER TYPE "PurchaseStatus" ADD VALUE 'dispute_won';
ALTER TYPE "PurchaseStatus" ADD VALUE 'dispute_lost';
