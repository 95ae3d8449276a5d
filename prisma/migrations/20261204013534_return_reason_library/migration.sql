-- CreateTable
CREATE TABLE "ReturnReasonLibrary" (
    "shopId" TEXT NOT NULL,
    "definitions" JSONB NOT NULL,
    "fetchedAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReturnReasonLibrary_pkey" PRIMARY KEY ("shopId")
);

