-- AlterTable
ALTER TABLE "IngestionState" ADD COLUMN     "backfillRequestedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "JobWorker" (
    "id" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "host" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeatAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "JobWorker_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "JobWorker_heartbeatAt_idx" ON "JobWorker"("heartbeatAt");

-- CreateIndex
CREATE INDEX "WebhookDelivery_status_receivedAt_idx" ON "WebhookDelivery"("status", "receivedAt");

-- Shops whose import already started keep it: the claim is for installs that never started one.
UPDATE "IngestionState" SET "backfillRequestedAt" = COALESCE("backfillStartedAt", "updatedAt") WHERE "backfillStatus" <> 'idle';
