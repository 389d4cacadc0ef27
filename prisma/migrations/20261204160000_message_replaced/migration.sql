-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "replacedAt" TIMESTAMP(3),
ADD COLUMN     "replacedById" TEXT;
