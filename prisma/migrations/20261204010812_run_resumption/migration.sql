-- AlterTable
ALTER TABLE "IdempotencyKey" ADD COLUMN     "runId" TEXT;

-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "heartbeatAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "IdempotencyKey_runId_idx" ON "IdempotencyKey"("runId");

