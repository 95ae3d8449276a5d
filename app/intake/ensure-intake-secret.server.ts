/**
 * The shop's intake secret, generated on first use. Concurrent first uses (two managers
 * opening Settings at once) end with one secret: the row is claimed through its primary key.
 */
import type { Prisma } from "@prisma/client";
import { recordAudit } from "../audit/record-audit.server";
import type { Actor } from "../audit/types";
import type { DbClient } from "../lib/tenancy.server";
import { generateIntakeSecret, intakeSecretFingerprint } from "./intake-crypto.server";

export interface EnsureIntakeSecretOptions {
  /** A transaction of the shop's scoped client: the row and its audit row commit together. */
  db: DbClient;
  actor: Actor;
  correlationId: string;
}

export async function ensureIntakeSecret({ db, actor, correlationId }: EnsureIntakeSecretOptions) {
  const existing = await db.intakeSecret.findFirst({});
  if (existing) return existing;
  const secret = generateIntakeSecret();
  const created = await db.intakeSecret.createMany({ data: [{ secret } as Prisma.IntakeSecretCreateManyInput], skipDuplicates: true });
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
  return db.intakeSecret.findFirstOrThrow({});
}
