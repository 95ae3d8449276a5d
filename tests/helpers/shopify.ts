/**
 * Real Requests, as Shopify Admin and App Bridge send them, for the real route handlers:
 * session tokens signed with the app secret, embedded document URLs, and signed webhooks.
 */
import { SANDBOX_API_KEY, SANDBOX_API_SECRET, SANDBOX_STAFF } from "../../sandbox/config";
import { signSessionToken, type SessionTokenOptions } from "../../sandbox/session-token";
import { buildWebhookRequest, type WebhookDelivery } from "../../sandbox/webhooks";
import { TEST_APP_URL } from "../setup/app-env";

export const OWNER_ID = SANDBOX_STAFF[0].id;

export function sessionToken(shop: string, options: Partial<SessionTokenOptions> = {}): string {
  return signSessionToken({ shop, apiKey: SANDBOX_API_KEY, apiSecret: SANDBOX_API_SECRET, userId: OWNER_ID, ...options });
}

export interface AdminRequestOptions {
  shop: string;
  userId?: number;
  method?: string;
  body?: BodyInit | null;
  headers?: Record<string, string>;
  /** A token to use instead of a valid one (forged, expired...); null sends none. */
  token?: string | null;
}

/** A document request: the admin loads the app URL with id_token, shop, host and embedded=1. */
export function adminDocumentRequest(path: string, options: AdminRequestOptions): Request {
  const url = new URL(path, TEST_APP_URL);
  url.searchParams.set("embedded", "1");
  url.searchParams.set("shop", options.shop);
  url.searchParams.set("host", Buffer.from(`admin.shopify.com/store/${options.shop.split(".")[0]}`).toString("base64url"));
  const token = options.token === undefined ? sessionToken(options.shop, { userId: options.userId ?? OWNER_ID }) : options.token;
  if (token !== null) url.searchParams.set("id_token", token);
  return new Request(url, { method: options.method ?? "GET", headers: options.headers, body: options.body });
}

/** A fetch from inside the app: App Bridge adds `Authorization: Bearer <session token>`. */
export function adminFetchRequest(path: string, options: AdminRequestOptions): Request {
  const headers = new Headers(options.headers);
  const token = options.token === undefined ? sessionToken(options.shop, { userId: options.userId ?? OWNER_ID }) : options.token;
  if (token !== null) headers.set("Authorization", `Bearer ${token}`);
  return new Request(new URL(path, TEST_APP_URL), { method: options.method ?? "GET", headers, body: options.body });
}

export function webhookRequest(path: string, delivery: WebhookDelivery, secret = SANDBOX_API_SECRET): Request {
  return buildWebhookRequest(new URL(path, TEST_APP_URL).toString(), delivery, secret);
}

/** Runs a Remix loader/action and returns its data, or the Response it threw (auth bounces, 401s). */
export async function run<T>(fn: () => Promise<T>): Promise<{ data: T; response?: undefined } | { data?: undefined; response: Response }> {
  try {
    return { data: await fn() };
  } catch (thrown) {
    if (thrown instanceof Response) return { response: thrown };
    throw thrown;
  }
}

export interface CallResult<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * Runs a loader/action and normalises every outcome (returned data, `data(body, init)`,
 * a returned or thrown Response) to { status, headers, body }, as a client would see it.
 */
export async function call<T = unknown>(fn: () => Promise<unknown>): Promise<CallResult<T>> {
  let outcome: unknown;
  try {
    outcome = await fn();
  } catch (thrown) {
    outcome = thrown;
    if (!(thrown instanceof Response) && !isDataWithInit(thrown)) throw thrown;
  }
  if (outcome instanceof Response) {
    const text = await outcome.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text (CSV, HTML bounce page)
    }
    return { status: outcome.status, headers: outcome.headers, body: body as T };
  }
  if (isDataWithInit(outcome)) {
    return { status: outcome.init?.status ?? 200, headers: new Headers(outcome.init?.headers), body: outcome.data as T };
  }
  return { status: 200, headers: new Headers(), body: outcome as T };
}

function isDataWithInit(value: unknown): value is { type: "DataWithResponseInit"; data: unknown; init: ResponseInit | null } {
  return typeof value === "object" && value !== null && (value as { type?: string }).type === "DataWithResponseInit";
}
