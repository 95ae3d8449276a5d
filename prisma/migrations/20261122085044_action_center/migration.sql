-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "orderId" TEXT,
ADD COLUMN     "ticketId" TEXT;

-- CreateTable
CREATE TABLE "TicketCounter" (
    "shopId" TEXT NOT NULL,
    "lastNumber" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "TicketCounter_pkey" PRIMARY KEY ("shopId")
);

-- CreateTable
CREATE TABLE "Ticket" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "subject" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "priority" TEXT NOT NULL DEFAULT 'normal',
    "assigneeId" TEXT,
    "orderId" TEXT,
    "customerEmail" TEXT,
    "customerName" TEXT,
    "customerShopifyId" TEXT,
    "category" TEXT,
    "channel" TEXT NOT NULL DEFAULT 'staff',
    "createdByType" "ActorType" NOT NULL,
    "createdById" TEXT,
    "createdByLabel" TEXT,
    "firstResponseAt" TIMESTAMP(3),
    "solvedAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),
    "lastActivityAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Ticket_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TicketMessage" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "ticketId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "authorType" TEXT NOT NULL,
    "authorId" TEXT,
    "authorLabel" TEXT,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TicketMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TicketEvent" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "ticketId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "actorType" "ActorType" NOT NULL,
    "actorId" TEXT,
    "actorLabel" TEXT,
    "detail" JSONB,
    "runId" TEXT,
    "occurredAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TicketEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Task" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT,
    "assigneeId" TEXT,
    "dueAt" TIMESTAMP(3),
    "status" TEXT NOT NULL DEFAULT 'open',
    "ticketId" TEXT,
    "orderId" TEXT,
    "sourceRunId" TEXT,
    "createdByType" "ActorType" NOT NULL,
    "createdById" TEXT,
    "createdByLabel" TEXT,
    "completedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Task_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ActionException" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "rootRunId" TEXT NOT NULL,
    "lastRunId" TEXT NOT NULL,
    "actionType" TEXT NOT NULL,
    "reasonCode" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "ticketId" TEXT,
    "orderId" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "resolvedAt" TIMESTAMP(3),
    "resolvedById" TEXT,
    "dismissedReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ActionException_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IntakeSecret" (
    "shopId" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "previousSecret" TEXT,
    "previousExpiresAt" TIMESTAMP(3),
    "rotatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),

    CONSTRAINT "IntakeSecret_pkey" PRIMARY KEY ("shopId")
);

-- CreateIndex
CREATE INDEX "Ticket_shopId_createdAt_id_idx" ON "Ticket"("shopId", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Ticket_shopId_status_createdAt_idx" ON "Ticket"("shopId", "status", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Ticket_shopId_lastActivityAt_id_idx" ON "Ticket"("shopId", "lastActivityAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Ticket_shopId_assigneeId_status_idx" ON "Ticket"("shopId", "assigneeId", "status");

-- CreateIndex
CREATE INDEX "Ticket_shopId_orderId_idx" ON "Ticket"("shopId", "orderId");

-- CreateIndex
CREATE INDEX "Ticket_shopId_customerEmail_idx" ON "Ticket"("shopId", "customerEmail");

-- CreateIndex
CREATE UNIQUE INDEX "Ticket_shopId_number_key" ON "Ticket"("shopId", "number");

-- CreateIndex
CREATE INDEX "TicketMessage_shopId_ticketId_createdAt_id_idx" ON "TicketMessage"("shopId", "ticketId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "TicketEvent_shopId_ticketId_occurredAt_id_idx" ON "TicketEvent"("shopId", "ticketId", "occurredAt", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Task_sourceRunId_key" ON "Task"("sourceRunId");

-- CreateIndex
CREATE INDEX "Task_shopId_status_dueAt_idx" ON "Task"("shopId", "status", "dueAt");

-- CreateIndex
CREATE INDEX "Task_shopId_ticketId_idx" ON "Task"("shopId", "ticketId");

-- CreateIndex
CREATE INDEX "Task_shopId_orderId_idx" ON "Task"("shopId", "orderId");

-- CreateIndex
CREATE INDEX "Task_shopId_assigneeId_status_idx" ON "Task"("shopId", "assigneeId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "ActionException_rootRunId_key" ON "ActionException"("rootRunId");

-- CreateIndex
CREATE INDEX "ActionException_shopId_status_createdAt_id_idx" ON "ActionException"("shopId", "status", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "ActionException_shopId_actionType_status_idx" ON "ActionException"("shopId", "actionType", "status");

-- CreateIndex
CREATE INDEX "ActionException_shopId_reasonCode_idx" ON "ActionException"("shopId", "reasonCode");

-- CreateIndex
CREATE INDEX "ActionException_shopId_ticketId_idx" ON "ActionException"("shopId", "ticketId");

-- CreateIndex
CREATE INDEX "Run_shopId_ticketId_idx" ON "Run"("shopId", "ticketId");

-- CreateIndex
CREATE INDEX "Run_shopId_orderId_idx" ON "Run"("shopId", "orderId");

