/**
 * Shopify session tokens (App Bridge id tokens): HS256 JWTs signed with the app secret, with
 * the claims Shopify sends. The sandbox issues them to the browser stand-in, and tests use
 * them to call the real route handlers exactly as the admin would.
 */
import { createHmac, randomUUID } from "node:crypto";

export interface SessionTokenOptions {
  shop: string;
  apiKey: string;
  apiSecret: string;
  /** Staff user id (the `sub` claim). */
  userId: string | number;
  /** Seconds since epoch; default now. */
  now?: number;
  /** Lifetime in seconds; Shopify's is one minute. */
  ttlSeconds?: number;
  /** Overrides for negative tests (wrong audience, expired...). */
  claims?: Record<string, unknown>;
}

const base64url = (input: Buffer | string) => Buffer.from(input).toString("base64url");

export function signJwt(payload: Record<string, unknown>, secret: string): string {
  const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const body = base64url(JSON.stringify(payload));
  const signature = createHmac("sha256", secret).update(`${header}.${body}`).digest("base64url");
  return `${header}.${body}.${signature}`;
}

/** Verifies an HS256 JWT; returns its payload or null (bad signature, malformed, expired or without exp). */
export function verifyJwt(token: string, secret: string, nowSeconds = Math.floor(Date.now() / 1000)): Record<string, unknown> | null {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  const expected = createHmac("sha256", secret).update(`${parts[0]}.${parts[1]}`).digest("base64url");
  if (expected.length !== parts[2].length || expected !== parts[2]) return null;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as Record<string, unknown>;
    // Shopify's tokens always expire (a token without exp is refused, as Shopify's token
    // exchange does); it allows a few seconds of clock skew.
    if (typeof payload.exp !== "number" || payload.exp + 5 < nowSeconds) return null;
    if (typeof payload.nbf === "number" && payload.nbf - 5 > nowSeconds) return null;
    return payload;
  } catch {
    return null;
  }
}

export function signSessionToken(options: SessionTokenOptions): string {
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const ttl = options.ttlSeconds ?? 60;
  return signJwt(
    {
      iss: `https://${options.shop}/admin`,
      dest: `https://${options.shop}`,
      aud: options.apiKey,
      sub: String(options.userId),
      exp: now + ttl,
      nbf: now,
      iat: now,
      jti: randomUUID(),
      sid: randomUUID(),
      ...options.claims,
    },
    options.apiSecret,
  );
}
