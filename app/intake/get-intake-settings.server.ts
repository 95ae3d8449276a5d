/**
 * What the Settings page shows about the intake API. Everyone sees that it exists, whether a
 * secret is set up and when it was last used; only staff with settings.manage get the
 * fingerprints and the grace period (the secret itself only through a reveal).
 */
import type { DbClient } from "../lib/tenancy.server";
import { intakeSecretFingerprint } from "./intake-crypto.server";

export interface GetIntakeSettingsOptions {
  db: DbClient;
  canManage: boolean;
  now?: Date;
}

export interface IntakeSettings {
  configured: boolean;
  rotatedAt: string | null;
  lastUsedAt: string | null;
  /** Only for settings.manage. */
  secret: {
    fingerprint: string;
    /** The replaced secret while it still works. */
    previous: { fingerprint: string; expiresAt: string } | null;
  } | null;
}

export async function getIntakeSettings({ db, canManage, now = new Date() }: GetIntakeSettingsOptions): Promise<IntakeSettings> {
  const row = await db.intakeSecret.findFirst({});
  if (!row) return { configured: false, rotatedAt: null, lastUsedAt: null, secret: null };
  const previousActive = row.previousSecret && row.previousExpiresAt && row.previousExpiresAt > now;
  return {
    configured: true,
    rotatedAt: row.rotatedAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    secret: canManage
      ? {
          fingerprint: intakeSecretFingerprint(row.secret),
          previous: previousActive ? { fingerprint: intakeSecretFingerprint(row.previousSecret!), expiresAt: row.previousExpiresAt!.toISOString() } : null,
        }
      : null,
  };
}
