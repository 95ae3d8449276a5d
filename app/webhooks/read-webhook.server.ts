/**
 * Reads one Shopify webhook delivery off an HTTP request, or refuses it with a 4xx AppError
 * (the route turns it into the standard error body). Every webhook route goes through here,
 * so they all answer alike (docs/decisions/0012):
 *
 * - the body is read as bytes, at most MAX_WEBHOOK_BODY_BYTES (a declared or streamed body over
 *   the cap is refused before it is buffered or stored): 400;
 * - the HMAC (base64 HMAC-SHA256 of the raw bytes with the app secret) is checked in constant
 *   time: missing or wrong is 401, and nothing else about the request is looked at first;
 * - headers are read in both of Shopify's spellings, `X-Shopify-Topic` and `shopify-topic`;
 * - a signed delivery that is still unusable (no topic, shop or webhook id, a shop that is not
 *   a myshopify domain, malformed or non-object JSON, text Postgres cannot store, absurd
 *   nesting) is 400: a 5xx would make Shopify retry it for hours, and it cannot get better.
 *
 * We do not use `authenticate.webhook` from the Shopify library here: it buffers any body,
 * throws (500) on malformed JSON and on a shop it cannot sanitize, reads the event id only from
 * the X- spelling, and loads (and may refresh) the offline session on every delivery.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { AppError } from "../lib/app-error";
import { correlationIdFrom } from "../lib/correlation.server";
import { readCapped, toErrorResponse } from "../lib/http.server";

/**
 * Shopify publishes no maximum payload size. Our largest real shape is an orders/* body (93
 * keys, every line item again inside each fulfillment and refund): a 250-line order shipped in
 * one fulfillment and refunded in full is ~0.9 MB in Shopify's shape (webhook-intake.test.ts).
 * 5 MiB leaves room for bigger orders and more fulfillments and refunds, and still refuses
 * what no Shopify payload is. A refused order delivery loses nothing for good: order topics are
 * only triggers, and reconciliation re-reads changed orders every 10 minutes.
 */
export const MAX_WEBHOOK_BODY_BYTES = 5 * 1024 * 1024;

/** Deeper JSON than any Shopify payload (~6 levels) is refused before it reaches the database. */
export const MAX_WEBHOOK_JSON_DEPTH = 32;

export interface ShopifyWebhook {
  topic: string;
  shopDomain: string;
  webhookId: string;
  eventId: string | null;
  triggeredAt: Date | null;
  apiVersion: string | null;
  payload: Record<string, unknown>;
}

export interface ReadWebhookOptions {
  request: Request;
  /** The app's client secret (SHOPIFY_API_SECRET). */
  secret: string;
  maxBytes?: number;
}

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]{0,60}\.myshopify\.com$/;
const TOPIC = /^[a-z0-9_]+(?:[./][a-z0-9_]+){0,4}$/;
/** Webhook and event ids: UUIDs or Shopify's composite keys; printable ASCII, bounded. */
const DELIVERY_ID = /^[\x21-\x7e]{1,255}$/;
const API_VERSION = /^(?:\d{4}-\d{2}|unstable)$/;

export async function readShopifyWebhook({ request, secret, maxBytes = MAX_WEBHOOK_BODY_BYTES }: ReadWebhookOptions): Promise<ShopifyWebhook> {
  if (request.method.toUpperCase() !== "POST") throw invalid("Webhook deliveries are POST requests", "method");
  const body = await readCapped(request, maxBytes, () => tooLarge(maxBytes));

  const hmac = header(request.headers, "Hmac-Sha256");
  if (!hmac) throw new AppError("UNAUTHENTICATED", "The delivery is not signed");
  if (!signatureMatches(body, hmac, secret)) throw new AppError("UNAUTHENTICATED", "The delivery's signature does not match");

  const topic = header(request.headers, "Topic")?.toLowerCase();
  const shopDomain = header(request.headers, "Shop-Domain")?.toLowerCase();
  const webhookId = header(request.headers, "Webhook-Id");
  if (!topic || !TOPIC.test(topic)) throw invalid("The topic header is missing or malformed", "X-Shopify-Topic");
  if (!shopDomain || !SHOP_DOMAIN.test(shopDomain)) throw invalid("The shop header is not a myshopify.com domain", "X-Shopify-Shop-Domain");
  if (!webhookId || !DELIVERY_ID.test(webhookId)) throw invalid("The webhook id header is missing or malformed", "X-Shopify-Webhook-Id");
  const eventId = header(request.headers, "Event-Id");
  if (eventId !== null && !DELIVERY_ID.test(eventId)) throw invalid("The event id header is malformed", "X-Shopify-Event-Id");

  const payload = parsePayload(body);
  const triggeredAt = parseTime(header(request.headers, "Triggered-At"));
  const apiVersion = header(request.headers, "API-Version");
  return { topic, shopDomain, webhookId, eventId, triggeredAt, apiVersion: apiVersion && API_VERSION.test(apiVersion) ? apiVersion : null, payload };
}

/** The answer to a request that is not a POST, for the webhook routes' loaders. */
export function refuseNonPost(request: Request): Response {
  return toErrorResponse(invalid("Webhook deliveries are POST requests", "method"), correlationIdFrom(request));
}

/** `X-Shopify-<name>` or, in newer deliveries, `shopify-<name>` (header names are case-insensitive). */
function header(headers: Headers, name: string): string | null {
  const value = headers.get(`X-Shopify-${name}`) ?? headers.get(`shopify-${name}`);
  return value === null || value.trim() === "" ? null : value.trim();
}

function signatureMatches(body: Buffer, hmac: string, secret: string): boolean {
  const expected = createHmac("sha256", secret).update(body).digest();
  const given = Buffer.from(hmac, "base64");
  // Equal lengths first: timingSafeEqual throws otherwise, and a length says nothing secret.
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function parsePayload(body: Buffer): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    throw invalid("The body is not valid UTF-8", "body");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid("The body is not valid JSON", "body");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalid("The body is not a JSON object", "body");
  const problem = unstorable(value);
  if (problem) throw invalid(problem, "body");
  return value as Record<string, unknown>;
}

/**
 * NUL (`\u0000`) and unpaired UTF-16 surrogates are valid JSON escapes that Postgres refuses in
 * jsonb ("unsupported Unicode escape sequence"), which would turn a stored-then-acknowledged
 * delivery into a 500. Walked without recursion, so depth is bounded here, not by the stack.
 */
function unstorable(root: object): string | null {
  const stack: Array<{ value: unknown; depth: number; path: string }> = [{ value: root, depth: 1, path: "" }];
  while (stack.length > 0) {
    const { value, depth, path } = stack.pop()!;
    if (typeof value === "string") {
      if (BAD_TEXT.test(value)) return `The body has text that cannot be stored at ${path || "the top"} (a NUL or an unpaired surrogate)`;
      continue;
    }
    if (typeof value !== "object" || value === null) continue;
    if (depth > MAX_WEBHOOK_JSON_DEPTH) return `The body nests deeper than ${MAX_WEBHOOK_JSON_DEPTH} levels`;
    for (const [key, child] of Object.entries(value)) {
      if (BAD_TEXT.test(key)) return `The body has a key that cannot be stored under ${path || "the top"}`;
      stack.push({ value: child, depth: depth + 1, path: path ? `${path}.${key}` : key });
    }
  }
  return null;
}

// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const BAD_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function parseTime(value: string | null): Date | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms);
}

function invalid(message: string, field: string): AppError {
  return new AppError("VALIDATION", message, { fields: { [field]: [message] } });
}

function tooLarge(maxBytes: number): AppError {
  return invalid(`The body is larger than ${maxBytes / (1024 * 1024)} MB`, "body");
}
