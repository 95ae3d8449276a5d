/**
 * What the Settings page shows about the intake API. Everyone sees that it exists, whether a
 * secret is set up and when it was last used; only staff with settings.manage get the
 * fingerprints and the grace period (the secret itself only through a reveal).
 */
import type { DbClient } from "../lib/tenancy.server";
import { intakeSecretFingerprint } from "./intake-crypto.server";
import { readIntakeSecret } from "./intake-secret-store.server";

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
  // A page load writes nothing: a stale row is re-encrypted at start-up or by the next write.
  const stored = await readIntakeSecret({ db });
  if (!stored) return { configured: false, rotatedAt: null, lastUsedAt: null, secret: null };
  const { row, previous } = stored;
  const previousActive = previous && previous.expiresAt > now ? previous : null;
  return {
    configured: true,
    rotatedAt: row.rotatedAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    secret: canManage
      ? {
          fingerprint: intakeSecretFingerprint(stored.secret),
          previous: previousActive ? { fingerprint: intakeSecretFingerprint(previousActive.secret), expiresAt: previousActive.expiresAt.toISOString() } : null,
        }
      : null,
  };
}
