-- AlterTable
ALTER TABLE "Purchase" ADD COLUMN     "hostedInvoiceUrl" TEXT,
ADD COLUMN     "invoiceId" TEXT,
ADD COLUMN     "invoicePdfUrl" TEXT,
ADD COLUMN     "receiptLinksAt" TIMESTAMP(3),
ADD COLUMN     "receiptUrl" TEXT;
