/**
 * Who sent an intake request: the shop named by X-OAC-Shop-Domain, proven by X-OAC-Signature
 * (HMAC-SHA256 of `${timestamp}.${idempotencyKey}.${rawBody}` with the shop's current secret,
 * or the previous one during its grace period) and a timestamp within five minutes of our
 * clock. Every failure is the same kind of 401 and writes nothing. An unknown, uninstalled or
 * unconfigured shop fails exactly like a wrong signature (same answer, and an HMAC is
 * computed anyway so the timing is alike): the endpoint cannot be used to find out which
 * shops use the app.
 *
 * Verifying writes nothing: a verified request is accepted (its signature remembered, so it
 * cannot be replayed) by acceptIntakeSignature once its body has been validated.
 */
import prisma from "../db.server";
import { IDEMPOTENCY_HEADER } from "../idempotency/with-idempotency.server";
import { AppError } from "../lib/app-error";
import { scopedDb, type ScopedDb } from "../lib/tenancy.server";
import { signatureDigest, signatureMatches, type SignedParts } from "./intake-crypto.server";
import { readIntakeSecret, type StoredIntakeSecret } from "./intake-secret-store.server";
import { MAX_CLOCK_SKEW_SECONDS, SHOP_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from "./schema";

export interface AuthenticateIntakeOptions {
  request: Request;
  /** The raw body, exactly as received. */
  body: Uint8Array;
  now?: Date;
}

export interface IntakeSender {
  shop: { id: string; domain: string };
  db: ScopedDb;
  /** The verified signature, for replay refusal. */
  signature: { digest: string; expiresAt: Date };
  /** The secrets as read (a stale row is re-encrypted once the request is accepted). */
  stored: StoredIntakeSecret;
}

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]{0,60}\.myshopify\.com$/;
const TIMESTAMP = /^\d{1,12}$/;
/** base64 of 32 bytes (padding optional). */
const SIGNATURE = /^[A-Za-z0-9+/]{43}=?$/;
/** Signs nothing real: keeps the work (and time) of an unknown shop like that of a known one. */
const DECOY_SECRET = "oac_is_decoy-secret-for-unknown-shops-000000000";

const unauthenticated = (message: string) => new AppError("UNAUTHENTICATED", message);
const BAD_SIGNATURE =
  "The signature does not match. Sign `${timestamp}.${idempotencyKey}.${body}` (the X-OAC-Timestamp and Idempotency-Key headers and the raw body) with the shop's intake secret (HMAC-SHA256, base64).";

export async function authenticateIntakeRequest({ request, body, now = new Date() }: AuthenticateIntakeOptions): Promise<IntakeSender> {
  const domain = request.headers.get(SHOP_HEADER)?.trim().toLowerCase() ?? "";
  const timestamp = request.headers.get(TIMESTAMP_HEADER)?.trim() ?? "";
  const signature = request.headers.get(SIGNATURE_HEADER)?.trim() ?? "";
  if (!domain || !timestamp || !signature) {
    throw unauthenticated(`Sign the request: the ${SHOP_HEADER}, ${TIMESTAMP_HEADER} and ${SIGNATURE_HEADER} headers are required.`);
  }
  // Checked before the shop is looked up, so the answer cannot depend on whether it exists.
  if (!TIMESTAMP.test(timestamp) || Math.abs(now.getTime() / 1000 - Number(timestamp)) > MAX_CLOCK_SKEW_SECONDS) {
    throw unauthenticated(`${TIMESTAMP_HEADER} must be the current time in Unix seconds (within ${MAX_CLOCK_SKEW_SECONDS / 60} minutes of ours).`);
  }
  if (!SHOP_DOMAIN.test(domain) || !SIGNATURE.test(signature)) throw unauthenticated(BAD_SIGNATURE);
  const received = Buffer.from(signature, "base64");
  // The key exactly as sent (withIdempotency reads the same header); a missing one signs as
  // "" and is then refused with 400 by withIdempotency.
  const parts: SignedParts = { timestamp, idempotencyKey: request.headers.get(IDEMPOTENCY_HEADER) ?? "", rawBody: body };

  const shop = await prisma.shop.findUnique({ where: { domain }, select: { id: true, domain: true, uninstalledAt: true } });
  const db = shop && !shop.uninstalledAt ? scopedDb(shop.id) : null;
  const stored = db ? await readIntakeSecret({ db }) : null;
  if (!shop || !db || !stored) {
    signatureMatches(DECOY_SECRET, parts, received);
    throw unauthenticated(BAD_SIGNATURE);
  }
  // Both candidates are always computed: which one matched must not show in the timing.
  const current = signatureMatches(stored.secret, parts, received);
  const previousValid = stored.previous !== null && stored.previous.expiresAt > now;
  const previous = signatureMatches(previousValid ? stored.previous!.secret : DECOY_SECRET, parts, received) && previousValid;
  if (!current && !previous) throw unauthenticated(BAD_SIGNATURE);

  return {
    shop: { id: shop.id, domain: shop.domain },
    db,
    // Remembered until the timestamp leaves the window: after that the request is refused as stale anyway.
    signature: { digest: signatureDigest(received), expiresAt: new Date((Number(timestamp) + MAX_CLOCK_SKEW_SECONDS) * 1000) },
    stored,
  };
}
