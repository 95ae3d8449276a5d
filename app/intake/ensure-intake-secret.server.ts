/**
 * The shop's intake secret, generated on first use and stored encrypted. Concurrent first
 * uses (two managers opening Settings at once) end with one secret: the row is claimed
 * through its primary key. A stale row (plaintext, older key) is re-encrypted on the way.
 */
import type { Prisma } from "@prisma/client";
import { recordAudit } from "../audit/record-audit.server";
import type { Actor } from "../audit/types";
import type { DbClient } from "../lib/tenancy.server";
import { generateIntakeSecret, intakeSecretFingerprint } from "./intake-crypto.server";
import { readIntakeSecret, reencryptIntakeSecret, sealIntakeSecret, type StoredIntakeSecret } from "./intake-secret-store.server";

export interface EnsureIntakeSecretOptions {
  /** A transaction of the shop's scoped client: the row and its audit row commit together. */
  db: DbClient;
  shopId: string;
  actor: Actor;
  correlationId: string;
}

export async function ensureIntakeSecret({ db, shopId, actor, correlationId }: EnsureIntakeSecretOptions): Promise<StoredIntakeSecret> {
  const existing = await readIntakeSecret({ db });
  if (existing) {
    if (!existing.stale) return existing;
    await reencryptIntakeSecret({ db, stored: existing });
    return (await readIntakeSecret({ db }))!;
  }
  const secret = generateIntakeSecret();
  const created = await db.intakeSecret.createMany({
    data: [{ secretCiphertext: sealIntakeSecret(shopId, secret) } as Prisma.IntakeSecretCreateManyInput],
    skipDuplicates: true,
  });
  if (created.count === 1) {
    await recordAudit({
      db,
      actor,
      action: "intake.secret_created",
      entityType: "IntakeSecret",
      entityId: null,
      // Never the secret itself: its fingerprint.
      after: { fingerprint: intakeSecretFingerprint(secret) },
      correlationId,
    });
  }
  return (await readIntakeSecret({ db }))!;
}
