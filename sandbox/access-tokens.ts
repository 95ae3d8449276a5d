/**
 * Access tokens the sandbox hands out through token exchange. They are stateless (an HMAC
 * over shop, kind, user and expiry, keyed with the app secret), so a restarted sandbox still
 * honours the tokens an app stored in its database, as Shopify would.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export interface AccessTokenClaims {
  shop: string;
  kind: "offline" | "online" | "refresh";
  userId?: string;
  /** Seconds since epoch. */
  exp: number;
}

const PREFIX = { offline: "shpat_sbx_", online: "shpua_sbx_", refresh: "shprt_sbx_" } as const;

export function issueAccessToken(claims: AccessTokenClaims, secret: string): string {
  const body = Buffer.from(JSON.stringify(claims)).toString("base64url");
  const mac = createHmac("sha256", secret).update(body).digest("base64url");
  return `${PREFIX[claims.kind]}${body}.${mac}`;
}

export function verifyAccessToken(token: string, secret: string, nowSeconds = Math.floor(Date.now() / 1000)): AccessTokenClaims | null {
  const match = /^shp(?:at|ua|rt)_sbx_([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(token);
  if (!match) return null;
  const expected = createHmac("sha256", secret).update(match[1]).digest();
  const given = Buffer.from(match[2], "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const claims = JSON.parse(Buffer.from(match[1], "base64url").toString("utf8")) as AccessTokenClaims;
  return claims.exp > nowSeconds ? claims : null;
}
