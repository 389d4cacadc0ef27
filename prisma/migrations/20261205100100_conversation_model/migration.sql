-- AlterTable
ALTER TABLE "Conversation" ADD COLUMN     "modelId" TEXT;
