-- Renamed by hand (prisma's diff drops and re-adds, which would lose every shop's secret).
-- The values are still plaintext here: the app encrypts them with OAC_ENCRYPTION_KEYS when it
-- starts, before it serves (app/intake/encrypt-stored-intake-secrets.server.ts), and upgrades
-- any plaintext it still reads (docs/decisions/0013). The key is not in the database, so SQL
-- cannot do it.
ALTER TABLE "IntakeSecret" RENAME COLUMN "secret" TO "secretCiphertext";
ALTER TABLE "IntakeSecret" RENAME COLUMN "previousSecret" TO "previousSecretCiphertext";

-- CreateTable
CREATE TABLE "IntakeSignature" (
    "shopId" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "acceptedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IntakeSignature_pkey" PRIMARY KEY ("shopId","digest")
);

-- CreateIndex
CREATE INDEX "IntakeSignature_shopId_expiresAt_idx" ON "IntakeSignature"("shopId", "expiresAt");

