-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "policyVersion" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "ActionPermission" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "actionType" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "requiresConfirmation" BOOLEAN NOT NULL DEFAULT true,
    "approvalMode" TEXT NOT NULL DEFAULT 'off',
    "approvalThreshold" TEXT,
    "approvalExpiryHours" INTEGER NOT NULL DEFAULT 24,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ActionPermission_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ActionLimit" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "actionType" TEXT NOT NULL,
    "limitType" TEXT NOT NULL,
    "value" TEXT,
    "maxCount" INTEGER,
    "windowHours" INTEGER,
    "perActor" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ActionLimit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApprovalRequest" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "runId" TEXT NOT NULL,
    "actionType" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "reason" TEXT NOT NULL,
    "preview" TEXT NOT NULL,
    "amount" TEXT,
    "currencyCode" TEXT,
    "requestedByType" "ActorType" NOT NULL,
    "requestedById" TEXT,
    "requestedByLabel" TEXT,
    "decidedById" TEXT,
    "decidedByLabel" TEXT,
    "decisionNote" TEXT,
    "decidedAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "ticketId" TEXT,
    "orderId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ApprovalRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ActionPermission_shopId_actionType_key" ON "ActionPermission"("shopId", "actionType");

-- CreateIndex
CREATE UNIQUE INDEX "ActionLimit_shopId_actionType_limitType_perActor_key" ON "ActionLimit"("shopId", "actionType", "limitType", "perActor");

-- CreateIndex
CREATE UNIQUE INDEX "ApprovalRequest_runId_key" ON "ApprovalRequest"("runId");

-- CreateIndex
CREATE INDEX "ApprovalRequest_shopId_status_createdAt_id_idx" ON "ApprovalRequest"("shopId", "status", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "ApprovalRequest_shopId_status_expiresAt_idx" ON "ApprovalRequest"("shopId", "status", "expiresAt");

-- CreateIndex
CREATE INDEX "Run_shopId_type_startedAt_idx" ON "Run"("shopId", "type", "startedAt");

