/**
 * Secrets at rest (docs/decisions/0013): AES-256-GCM with a keyring from OAC_ENCRYPTION_KEYS.
 *
 *   OAC_ENCRYPTION_KEYS="2026-12:<base64 of 32 bytes>,2026-01:<base64 of 32 bytes>"
 *
 * The first key encrypts everything written from now on; every key listed decrypts. A stored
 * value names the key that made it (`enc1:<key id>:<iv>:<ciphertext>:<tag>`, base64url), so
 * rotating is: put a new key first, keep the old one until nothing uses it (the app
 * re-encrypts what it reads, and every stored value when it starts), then drop it.
 *
 * Each value is bound to where it belongs (the additional authenticated data, e.g.
 * `IntakeSecret:<shopId>`): a ciphertext copied into another shop's row does not decrypt.
 * No key material ever reaches an error message or a log line.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

export interface Keyring {
  /** Encrypts new values. */
  current: EncryptionKey;
  /** Every key that may decrypt, the current one included. */
  byId: ReadonlyMap<string, EncryptionKey>;
}

const PREFIX = "enc1";
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Parses the keyring variable; the message names what is wrong without echoing any key.
 * The format is documented in README (Configuration) and ADR 0013.
 */
export function parseKeyring(value: string): { ok: true; keyring: Keyring } | { ok: false; message: string } {
  const entries = value.split(",").map((entry) => entry.trim()).filter((entry) => entry !== "");
  if (entries.length === 0) return { ok: false, message: 'must list at least one key as "<id>:<base64 of 32 random bytes>"' };
  const byId = new Map<string, EncryptionKey>();
  for (const [index, entry] of entries.entries()) {
    const separator = entry.indexOf(":");
    const id = separator > 0 ? entry.slice(0, separator) : "";
    const material = separator > 0 ? entry.slice(separator + 1) : "";
    const where = `key ${index + 1}`;
    if (!KEY_ID.test(id)) return { ok: false, message: `${where} must be "<id>:<base64 key>" with an id of 1-32 letters, digits, _ or -` };
    // Node's base64 decoder reads both alphabets (+/ and -_); the pattern refuses anything else.
    const key = BASE64.test(material) ? Buffer.from(material, "base64") : Buffer.alloc(0);
    if (key.length !== 32) return { ok: false, message: `key "${id}" must be 32 bytes in base64 (openssl rand -base64 32)` };
    if (byId.has(id)) return { ok: false, message: `key id "${id}" is listed twice` };
    byId.set(id, { id, key });
  }
  return { ok: true, keyring: { current: [...byId.values()][0], byId } };
}

const b64 = (bytes: Buffer) => bytes.toString("base64url");

export function encryptText(keyring: Keyring, plaintext: string, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", keyring.current.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(context, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [PREFIX, keyring.current.id, b64(iv), b64(ciphertext), b64(cipher.getAuthTag())].join(":");
}

/** A stored value that is not ours to decrypt: wrong format, unknown key, tampered, or moved. */
export class DecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DecryptionError";
  }
}

export function isEncrypted(stored: string): boolean {
  return stored.startsWith(`${PREFIX}:`);
}

/** The key id a stored value was encrypted with (null for a value that is not encrypted). */
export function encryptedWith(stored: string): string | null {
  return isEncrypted(stored) ? (stored.split(":")[1] ?? null) : null;
}

export function decryptText(keyring: Keyring, stored: string, context: string): string {
  const parts = stored.split(":");
  if (parts.length !== 5 || parts[0] !== PREFIX) throw new DecryptionError("not an encrypted value");
  const [, keyId, iv, ciphertext, tag] = parts;
  const key = keyring.byId.get(keyId);
  if (!key) throw new DecryptionError(`encrypted with key "${keyId}", which OAC_ENCRYPTION_KEYS no longer lists`);
  try {
    const decipher = createDecipheriv("aes-256-gcm", key.key, Buffer.from(iv, "base64url"), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, "utf8"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new DecryptionError(`does not decrypt with key "${keyId}" for ${context} (tampered, or copied from elsewhere)`);
  }
}
