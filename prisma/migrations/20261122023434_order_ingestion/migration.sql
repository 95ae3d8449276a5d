-- CreateTable
CREATE TABLE "Order" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "shopifyId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "orderNumber" INTEGER,
    "email" TEXT,
    "customerName" TEXT,
    "customerShopifyId" TEXT,
    "financialStatus" TEXT,
    "fulfillmentStatus" TEXT NOT NULL,
    "currencyCode" TEXT NOT NULL,
    "totalAmount" TEXT NOT NULL,
    "currentTotalAmount" TEXT NOT NULL,
    "cancelledAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),
    "shopifyCreatedAt" TIMESTAMP(3) NOT NULL,
    "shopifyUpdatedAt" TIMESTAMP(3) NOT NULL,
    "snapshotVersion" INTEGER NOT NULL DEFAULT 0,
    "lastIngestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrderSnapshot" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "contentHash" TEXT NOT NULL,
    "content" JSONB NOT NULL,
    "sourceUpdatedAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OrderSnapshot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrderTimelineEvent" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "source" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "detail" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OrderTimelineEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" TEXT NOT NULL,
    "shopDomain" TEXT NOT NULL,
    "webhookId" TEXT NOT NULL,
    "eventId" TEXT,
    "topic" TEXT NOT NULL,
    "triggeredAt" TIMESTAMP(3),
    "apiVersion" TEXT,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'received',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMP(3),

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IngestionState" (
    "shopId" TEXT NOT NULL,
    "backfillStatus" TEXT NOT NULL DEFAULT 'idle',
    "bulkOperationId" TEXT,
    "backfillStartedAt" TIMESTAMP(3),
    "backfillCompletedAt" TIMESTAMP(3),
    "backfillObjectCount" INTEGER NOT NULL DEFAULT 0,
    "backfillOrdersDone" INTEGER NOT NULL DEFAULT 0,
    "backfillLinesDone" INTEGER NOT NULL DEFAULT 0,
    "backfillError" TEXT,
    "reconcileCursor" TIMESTAMP(3),
    "lastReconciledAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "IngestionState_pkey" PRIMARY KEY ("shopId")
);

-- CreateTable
CREATE TABLE "DataRequest" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "shopifyRequestId" TEXT NOT NULL,
    "customerShopifyId" TEXT,
    "export" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DataRequest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Order_shopId_shopifyCreatedAt_id_idx" ON "Order"("shopId", "shopifyCreatedAt" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "Order_shopId_name_idx" ON "Order"("shopId", "name");

-- CreateIndex
CREATE INDEX "Order_shopId_email_idx" ON "Order"("shopId", "email");

-- CreateIndex
CREATE INDEX "Order_shopId_financialStatus_idx" ON "Order"("shopId", "financialStatus");

-- CreateIndex
CREATE INDEX "Order_shopId_fulfillmentStatus_idx" ON "Order"("shopId", "fulfillmentStatus");

-- CreateIndex
CREATE UNIQUE INDEX "Order_shopId_shopifyId_key" ON "Order"("shopId", "shopifyId");

-- CreateIndex
CREATE INDEX "OrderSnapshot_shopId_orderId_version_idx" ON "OrderSnapshot"("shopId", "orderId", "version" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "OrderSnapshot_orderId_version_key" ON "OrderSnapshot"("orderId", "version");

-- CreateIndex
CREATE INDEX "OrderTimelineEvent_shopId_orderId_occurredAt_dedupeKey_idx" ON "OrderTimelineEvent"("shopId", "orderId", "occurredAt", "dedupeKey");

-- CreateIndex
CREATE UNIQUE INDEX "OrderTimelineEvent_shopId_orderId_dedupeKey_key" ON "OrderTimelineEvent"("shopId", "orderId", "dedupeKey");

-- CreateIndex
CREATE INDEX "WebhookDelivery_shopDomain_topic_receivedAt_idx" ON "WebhookDelivery"("shopDomain", "topic", "receivedAt");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_shopDomain_webhookId_key" ON "WebhookDelivery"("shopDomain", "webhookId");

-- CreateIndex
CREATE UNIQUE INDEX "DataRequest_shopId_shopifyRequestId_key" ON "DataRequest"("shopId", "shopifyRequestId");

