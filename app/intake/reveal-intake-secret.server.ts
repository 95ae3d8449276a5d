/**
 * Shows the shop's intake secret to a staff member with settings.manage, generating it on
 * first use. Every reveal is audited (by fingerprint): who has seen the secret is on record.
 */
import { recordAudit } from "../audit/record-audit.server";
import type { Actor } from "../audit/types";
import type { ScopedDb } from "../lib/tenancy.server";
import { ensureIntakeSecret } from "./ensure-intake-secret.server";
import { intakeSecretFingerprint } from "./intake-crypto.server";

export interface RevealIntakeSecretOptions {
  db: ScopedDb;
  shopId: string;
  actor: Actor;
  correlationId: string;
}

export interface RevealedIntakeSecret {
  secret: string;
  fingerprint: string;
}

export async function revealIntakeSecret({ db, shopId, actor, correlationId }: RevealIntakeSecretOptions): Promise<RevealedIntakeSecret> {
  return db.$transaction(async (tx) => {
    const { secret } = await ensureIntakeSecret({ db: tx, shopId, actor, correlationId });
    const fingerprint = intakeSecretFingerprint(secret);
    await recordAudit({ db: tx, actor, action: "intake.secret_revealed", entityType: "IntakeSecret", metadata: { fingerprint }, correlationId });
    return { secret, fingerprint };
  });
}
