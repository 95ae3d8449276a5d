-- CreateTable
CREATE TABLE "CustomerRedaction" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "customerShopifyId" TEXT,
    "orderShopifyIds" TEXT[],
    "emailHash" TEXT,
    "phoneHash" TEXT,
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CustomerRedaction_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CustomerRedaction_shopId_customerShopifyId_idx" ON "CustomerRedaction"("shopId", "customerShopifyId");

