/**
 * The intake API's cryptography in one place: secrets, their fingerprints, and the request
 * signature (HMAC-SHA256 over `${timestamp}.${idempotencyKey}.${rawBody}`, base64).
 *
 * The Idempotency-Key is signed so a captured request cannot be sent again under a fresh key
 * (which would open a new ticket each time). The message is unambiguous although a key may
 * contain dots: the timestamp is digits only, and any body the API accepts starts with `{` or
 * JSON whitespace, none of which a key may contain, so moving the boundary between key and
 * body can only produce a body that is refused (400) or a key that is malformed.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { SECRET_PREFIX } from "./schema";

/** 32 random bytes, base64url: 256 bits, safe in headers, env files and shell quotes. */
export function generateIntakeSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString("base64url")}`;
}

/**
 * What audit rows, logs and the page show instead of the secret: the first 8 hex characters
 * of its sha256. Enough to tell two secrets apart, useless for signing.
 */
export function intakeSecretFingerprint(secret: string): string {
  return createHash("sha256").update(secret).digest("hex").slice(0, 8);
}

/** What a signature covers: the X-OAC-Timestamp and Idempotency-Key headers and the raw body. */
export interface SignedParts {
  timestamp: string;
  /** The Idempotency-Key header ("" when it is missing: such a request is refused anyway). */
  idempotencyKey: string;
  rawBody: Uint8Array | string;
}

function signatureBytes(secret: string, { timestamp, idempotencyKey, rawBody }: SignedParts): Buffer {
  return createHmac("sha256", secret).update(`${timestamp}.${idempotencyKey}.`).update(rawBody).digest();
}

/** The X-OAC-Signature value a sender computes (documented in the README and on the Settings page). */
export function signIntakeRequest(secret: string, parts: SignedParts): string {
  return signatureBytes(secret, parts).toString("base64");
}

/** Constant-time comparison of a received signature (already base64-decoded) with the expected one. */
export function signatureMatches(secret: string, parts: SignedParts, received: Buffer): boolean {
  const expected = signatureBytes(secret, parts);
  return received.length === expected.length && timingSafeEqual(received, expected);
}

/**
 * How an accepted signature is remembered (replay refusal): sha256 of its bytes, so two
 * base64 spellings of the same signature are the same request.
 */
export function signatureDigest(received: Buffer): string {
  return createHash("sha256").update(received).digest("hex");
}
