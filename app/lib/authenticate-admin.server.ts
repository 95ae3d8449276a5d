/**
 * The embedded app's one door: authenticate.admin from @shopify/shopify-app-remix, with the
 * checks the library leaves out done first and its bare answers turned into ours.
 *
 * The library (6.0.1, through jose) verifies the HS256 signature, `aud`, and `exp`/`nbf` only
 * when present, then uses `new URL(payload.dest).hostname` as the shop and exchanges the token
 * with it. So a token signed with the app secret but without `exp` never expires, a `dest`
 * that is not a URL throws a TypeError (500), a host that is not a myshopify domain throws
 * InvalidShopError (500), and a shop Shopify does not know makes the exchange fail, which the
 * library answers with an empty 500. Shopify never issues such tokens: we refuse them before
 * the library acts on them (nothing is exchanged or stored) with 401 and the standard body.
 */
import { z } from "zod";
import prisma from "../db.server";
import { authenticate } from "../shopify.server";
import { AppError } from "./app-error";
import { correlationIdFrom } from "./correlation.server";
import { toErrorResponse } from "./http.server";

/** Exactly what Shopify puts in `dest`: the shop's origin, nothing else (no path, port, user). */
const SHOP_ORIGIN = /^https:\/\/([a-z0-9][a-z0-9-]{0,60}\.myshopify\.com)$/;
/**
 * Shopify's session tokens live one minute. A longer one was not made by Shopify; the bound is
 * loose (10 minutes) and measured from the token's own iat/nbf, so our clock's skew does not matter.
 */
const MAX_LIFETIME_SECONDS = 10 * 60;

const ZSessionTokenClaims = z
  .object({
    iss: z.string({ required_error: "iss is missing", invalid_type_error: "iss must be a string" }),
    dest: z.string({ required_error: "dest is missing", invalid_type_error: "dest must be a string" }).regex(SHOP_ORIGIN, "dest must be https://<shop>.myshopify.com"),
    sub: z.string({ required_error: "sub (the staff member) is missing", invalid_type_error: "sub must be a string" }).min(1, "sub is empty"),
    exp: z.number({ required_error: "exp is missing: the token would never expire", invalid_type_error: "exp must be a number" }).finite(),
    nbf: z.number({ invalid_type_error: "nbf must be a number" }).finite().optional(),
    iat: z.number({ invalid_type_error: "iat must be a number" }).finite().optional(),
  })
  .superRefine((claims, issue) => {
    if (claims.iss !== `${claims.dest}/admin`) issue.addIssue({ code: "custom", message: "iss must name the same shop as dest" });
    const issuedAt = claims.iat ?? claims.nbf ?? Math.floor(Date.now() / 1000);
    if (claims.exp - issuedAt > MAX_LIFETIME_SECONDS) issue.addIssue({ code: "custom", message: "exp is further away than any session token lives" });
  });

/** The token App Bridge sends (Authorization: Bearer) or the admin puts in a document URL (id_token). */
function sessionTokenOf(request: Request): string | null {
  const header = request.headers.get("authorization");
  if (header) return /^Bearer\s+(\S+)$/i.exec(header)?.[1] ?? header;
  return new URL(request.url).searchParams.get("id_token");
}

/**
 * The claims, read without checking the signature: this only ever refuses more than the
 * library does (it still verifies the signature of anything we let through), so an unsigned
 * read is safe here. Null when the token is not even a JWT: the library answers that itself.
 */
function claimsOf(token: string): unknown {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  try {
    return JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as unknown;
  } catch {
    return null;
  }
}

function refuse(correlationId: string, message: string, headers?: Headers): never {
  const response = toErrorResponse(new AppError("UNAUTHENTICATED", message), correlationId);
  // Keep what the library added (CORS, X-Shopify-Retry-Invalid-Session-Request for App Bridge).
  headers?.forEach((value, name) => {
    if (name.toLowerCase() !== "content-type" && name.toLowerCase() !== "content-length") response.headers.set(name, value);
  });
  throw response;
}

export type AdminContext = Awaited<ReturnType<typeof authenticate.admin>>;

/**
 * authenticate.admin for every embedded route (the layout and withStaff). Throws a Response:
 * the library's own for what it handles (bounce pages, redirects), ours with the standard
 * error body for a refused token.
 */
export async function authenticateAdmin(request: Request, correlationId = correlationIdFrom(request)): Promise<AdminContext> {
  const token = sessionTokenOf(request);
  let shop: string | null = null;
  const claims = token ? claimsOf(token) : null;
  if (claims !== null) {
    const parsed = ZSessionTokenClaims.safeParse(claims);
    if (!parsed.success) refuse(correlationId, `The session token is not one Shopify issues: ${parsed.error.issues.map((issue) => issue.message).join("; ")}.`);
    shop = SHOP_ORIGIN.exec(parsed.data.dest)![1];
  }
  try {
    return await authenticate.admin(request);
  } catch (thrown) {
    if (!(thrown instanceof Response) || thrown.body !== null || thrown.headers.has("location")) throw thrown;
    // The library's bare answers. 401: an invalid or expired token (App Bridge retries on the
    // header the library set); give it our body.
    if (thrown.status === 401) refuse(correlationId, "The session token is invalid or expired.", thrown.headers);
    // 500: the token exchange or the after-auth hook failed. For a shop that has no session
    // with us, only the exchange can have run, and Shopify refusing it means it does not know
    // the shop (or the shop is closed): the token is not good, a 401. With sessions stored the
    // failure is ours or Shopify's outage: the standard INTERNAL body, logged.
    if (thrown.status >= 500 && shop !== null) {
      if ((await prisma.session.count({ where: { shop } })) === 0) refuse(correlationId, "Shopify did not accept this session token for its shop.");
      throw toErrorResponse(new Error(`authenticate.admin answered ${thrown.status} for ${shop}`), correlationId, { path: new URL(request.url).pathname });
    }
    throw thrown;
  }
}
