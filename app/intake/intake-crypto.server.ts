/**
 * The intake API's cryptography in one place: secrets, their fingerprints, and the request
 * signature (HMAC-SHA256 over `${timestamp}.${rawBody}`, base64).
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

function signatureBytes(secret: string, timestamp: string, rawBody: Uint8Array | string): Buffer {
  return createHmac("sha256", secret).update(`${timestamp}.`).update(rawBody).digest();
}

/** The X-OAC-Signature value a sender computes; used by the tests and documented in the README. */
export function signIntakeRequest(secret: string, timestamp: string, rawBody: Uint8Array | string): string {
  return signatureBytes(secret, timestamp, rawBody).toString("base64");
}

/** Constant-time comparison of a received signature (already base64-decoded) with the expected one. */
export function signatureMatches(secret: string, timestamp: string, rawBody: Uint8Array, received: Buffer): boolean {
  const expected = signatureBytes(secret, timestamp, rawBody);
  return received.length === expected.length && timingSafeEqual(received, expected);
}
