/**
 * Replaces the shop's intake secret. The old one keeps working for ROTATION_GRACE_MS so the
 * sender can switch without dropping tickets; a rotation during that grace period ends the
 * older secret at once (there is one previous slot), which the Settings page says before
 * confirming. The answer names fingerprints only: the new secret is fetched with a reveal, so
 * it is never stored in an idempotency record or an audit row.
 */
import type { Prisma } from "@prisma/client";
import { recordAudit } from "../audit/record-audit.server";
import type { Actor } from "../audit/types";
import { AppError } from "../lib/app-error";
import type { ScopedDb } from "../lib/tenancy.server";
import { ensureIntakeSecret } from "./ensure-intake-secret.server";
import { generateIntakeSecret, intakeSecretFingerprint } from "./intake-crypto.server";
import { readIntakeSecret, sealIntakeSecret } from "./intake-secret-store.server";
import { ROTATION_GRACE_MS } from "./schema";

export interface RotateIntakeSecretOptions {
  db: ScopedDb;
  shopId: string;
  actor: Actor;
  correlationId: string;
  now?: Date;
}

export interface RotationResult {
  fingerprint: string;
  rotatedAt: string;
  /** The replaced secret, valid until previousExpiresAt; null when this created the first secret. */
  previous: { fingerprint: string; expiresAt: string } | null;
}

export async function rotateIntakeSecret({ db, shopId, actor, correlationId, now = new Date() }: RotateIntakeSecretOptions): Promise<RotationResult> {
  return db.$transaction(async (tx) => {
    const existing = await readIntakeSecret({ db: tx });
    if (!existing) {
      // Nothing to rotate yet: the first secret is the result.
      const created = await ensureIntakeSecret({ db: tx, shopId, actor, correlationId });
      return { fingerprint: intakeSecretFingerprint(created.secret), rotatedAt: created.row.rotatedAt.toISOString(), previous: null };
    }
    const secret = generateIntakeSecret();
    const previousExpiresAt = new Date(now.getTime() + ROTATION_GRACE_MS);
    // Compare-and-set on the stored ciphertext (a fresh IV each write, so it changes with every
    // write): of two simultaneous rotations one wins, the other is told. Both secrets are
    // written under the current key.
    const updated = await tx.intakeSecret.updateMany({
      where: { secretCiphertext: existing.row.secretCiphertext },
      data: {
        secretCiphertext: sealIntakeSecret(shopId, secret),
        previousSecretCiphertext: sealIntakeSecret(shopId, existing.secret),
        previousExpiresAt,
        rotatedAt: now,
      } as Prisma.IntakeSecretUpdateManyMutationInput,
    });
    if (updated.count !== 1) throw new AppError("CONFLICT", "The secret was rotated by someone else at the same time. Reload the page.");

    const fingerprint = intakeSecretFingerprint(secret);
    const oldFingerprint = intakeSecretFingerprint(existing.secret);
    const graceEnded = existing.previous && existing.previous.expiresAt > now ? intakeSecretFingerprint(existing.previous.secret) : null;
    await recordAudit({
      db: tx,
      actor,
      action: "intake.secret_rotated",
      entityType: "IntakeSecret",
      before: { fingerprint: oldFingerprint, rotatedAt: existing.row.rotatedAt.toISOString() },
      after: { fingerprint, previousFingerprint: oldFingerprint, previousExpiresAt: previousExpiresAt.toISOString() },
      metadata: graceEnded ? { endedGracePeriodOf: graceEnded } : undefined,
      correlationId,
    });
    return { fingerprint, rotatedAt: now.toISOString(), previous: { fingerprint: oldFingerprint, expiresAt: previousExpiresAt.toISOString() } };
  });
}
