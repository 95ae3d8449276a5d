/**
 * The intake secrets as stored: encrypted with the keyring from OAC_ENCRYPTION_KEYS
 * (app/lib/encryption.server.ts, docs/decisions/0013), bound to their shop. The only module
 * that reads or writes the ciphertext columns; everything else gets the secret itself.
 *
 * Values from before encryption (plaintext `oac_is_...`) and values under an older key still
 * read; they are "stale" and re-encrypted with the current key: at start-up for every shop
 * (encryptStoredIntakeSecrets, before the app serves) and whenever a use case that writes
 * anyway reads one (rolling restarts, rows written by an instance with an older keyring).
 */
import type { IntakeSecret, Prisma } from "@prisma/client";
import prisma from "../db.server";
import { getEnv } from "../env.server";
import { decryptText, DecryptionError, encryptedWith, encryptText, isEncrypted, type Keyring } from "../lib/encryption.server";
import { scopedDb, type DbClient } from "../lib/tenancy.server";
import { SECRET_PREFIX } from "./schema";

export interface StoredIntakeSecret {
  /** The row as stored (ciphertexts): compare-and-set writes use it. */
  row: IntakeSecret;
  secret: string;
  /** The replaced secret and the end of its grace period (which may be over). */
  previous: { secret: string; expiresAt: Date } | null;
  /** A value is plaintext or under a key other than the current one. */
  stale: boolean;
}

const context = (shopId: string) => `IntakeSecret:${shopId}`;
const keyring = (): Keyring => getEnv().OAC_ENCRYPTION_KEYS;

export function sealIntakeSecret(shopId: string, secret: string, ring: Keyring = keyring()): string {
  return encryptText(ring, secret, context(shopId));
}

function open(shopId: string, stored: string, ring: Keyring): { secret: string; stale: boolean } {
  // Written before secrets were encrypted (migration 20261204011657 renamed the columns).
  if (!isEncrypted(stored) && stored.startsWith(SECRET_PREFIX)) return { secret: stored, stale: true };
  return { secret: decryptText(ring, stored, context(shopId)), stale: encryptedWith(stored) !== ring.current.id };
}

export function openIntakeSecret(row: IntakeSecret, ring: Keyring = keyring()): StoredIntakeSecret {
  const current = open(row.shopId, row.secretCiphertext, ring);
  const previous = row.previousSecretCiphertext !== null ? open(row.shopId, row.previousSecretCiphertext, ring) : null;
  return {
    row,
    secret: current.secret,
    previous: previous && row.previousExpiresAt ? { secret: previous.secret, expiresAt: row.previousExpiresAt } : null,
    stale: current.stale || (previous?.stale ?? false),
  };
}

export interface ReadIntakeSecretOptions {
  /** The shop's scoped client or one of its transactions. */
  db: DbClient;
  keyring?: Keyring;
}

export async function readIntakeSecret({ db, keyring: ring = keyring() }: ReadIntakeSecretOptions): Promise<StoredIntakeSecret | null> {
  const row = await db.intakeSecret.findFirst({});
  return row ? openIntakeSecret(row, ring) : null;
}

/**
 * Re-encrypts a stale row with the current key. Compare-and-set on the ciphertexts read: if a
 * rotation got there first it already wrote current ciphertexts, and this changes nothing.
 */
export async function reencryptIntakeSecret({ db, stored, keyring: ring = keyring() }: ReadIntakeSecretOptions & { stored: StoredIntakeSecret }): Promise<void> {
  if (!stored.stale) return;
  const { row } = stored;
  await db.intakeSecret.updateMany({
    where: { secretCiphertext: row.secretCiphertext, previousSecretCiphertext: row.previousSecretCiphertext },
    data: {
      secretCiphertext: sealIntakeSecret(row.shopId, stored.secret, ring),
      previousSecretCiphertext: row.previousSecretCiphertext !== null ? sealIntakeSecret(row.shopId, open(row.shopId, row.previousSecretCiphertext, ring).secret, ring) : null,
    } as Prisma.IntakeSecretUpdateManyMutationInput,
  });
}

/**
 * At start-up, before serving: every shop's stored secrets under the current key, so the
 * database holds no plaintext secret and an old key can be dropped after one start with the
 * new keyring. One scoped client per shop; a value no key decrypts stops the start (the
 * operator removed a key still in use: better said at boot than as 500s on every request).
 */
export async function encryptStoredIntakeSecrets({ keyring: ring = keyring() }: { keyring?: Keyring } = {}): Promise<{ reencrypted: number }> {
  // The only cross-shop read: which shops have a secret at all.
  const shops = await prisma.intakeSecret.findMany({ select: { shopId: true } });
  let reencrypted = 0;
  for (const { shopId } of shops) {
    const db = scopedDb(shopId);
    let stored: StoredIntakeSecret | null;
    try {
      stored = await readIntakeSecret({ db, keyring: ring });
    } catch (error) {
      if (error instanceof DecryptionError) throw new Error(`OAC_ENCRYPTION_KEYS cannot read the intake secret of shop ${shopId}: ${error.message}`);
      throw error;
    }
    if (stored?.stale) {
      await reencryptIntakeSecret({ db, stored, keyring: ring });
      reencrypted++;
    }
  }
  return { reencrypted };
}
