/**
 * The local stand-in for what Shopify hosts, and nothing else (docs/decisions/0005):
 *   POST /shops/:shop/admin/oauth/access_token      token exchange and refresh
 *   POST /shops/:shop/admin/api/:version/graphql.json  the Admin API (official schema)
 *   GET  /session-token?shop=&user=                  App Bridge id tokens for the stand-in
 *   GET  /app-bridge.js                              the App Bridge stand-in script
 *   GET  /admin/:shop?user=                          "open the app in the admin"
 *   GET  /bulk/:token.jsonl                          a bulk operation's result (its `url`)
 *   POST /_sandbox/webhooks                          deliver a signed webhook to the app
 *   POST /_sandbox/orders/:id/change  {change}       change an order; the webhooks go out
 *   POST /_sandbox/orders             {archetype?}   place a new order (orders/create)
 *   POST /_sandbox/events             {event}        a customer or app event (customers/*, app/*, compliance)
 *   GET  /_sandbox/webhooks                          the automatic deliveries so far
 * The app reaches it only through a fetch redirect installed by the sandbox launcher or the
 * test setup (sandbox/fetch-redirect.ts): app code is the production code, unchanged.
 *
 * Webhooks go out on their own like Shopify's: when a bulk operation finishes
 * (bulk_operations/finish) and when the store publishes an event (the change API in
 * sandbox/changes.ts, the shop events in sandbox/shop-events.ts). Each is recorded in `deliveries`; topics the app's shopify.app.toml does
 * not subscribe to are recorded as skipped, and `webhooks: false` records without sending.
 */
import { randomUUID } from "node:crypto";
import { createReadStream, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { issueAccessToken, verifyAccessToken } from "./access-tokens";
import { SANDBOX_STAFF } from "./config";
import { OrderChangeError, changeOrder, createOrder, type CreateOrderOptions, type OrderChange, type OrderChangeResult } from "./changes";
import { createAdminApi } from "./graphql/admin-api";
import type { BulkOptions } from "./graphql/bulk";
import { ADMIN_API_VERSION } from "./graphql/schema";
import { signSessionToken, verifyJwt } from "./session-token";
import { shopEvent, type ShopEvent } from "./shop-events";
import { normalizeDomain, type SandboxStore } from "./store/store";
import type { OrderRecord } from "./store/types";
import { bulkOperationFinishPayload } from "./webhook-payloads";
import { deliverWebhook, readWebhookSubscriptions, type WebhookDelivery, type WebhookHeaderStyle } from "./webhooks";

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = join(here, "..");

export interface SandboxServerOptions {
  store: SandboxStore;
  apiKey: string;
  apiSecret: string;
  /** Where the app runs (for redirects and webhook deliveries). */
  appUrl: string;
  scopes: string;
  port?: number;
  host?: string;
  /** Leaky bucket settings; Shopify's Standard plan by default. */
  restoreRate?: number;
  maximumAvailable?: number;
  /** Offline access token lifetime in seconds (expiring offline tokens: one hour). */
  offlineTokenTtl?: number;
  /** Send webhooks on their own (bulk operations finishing, order changes); default true. */
  webhooks?: boolean;
  /** How automatic webhooks spell their headers: `X-Shopify-Topic` (default) or Shopify's newer `shopify-topic`. */
  webhookHeaderStyle?: WebhookHeaderStyle;
  /** Called with every automatic webhook once it was sent, skipped or refused. */
  onWebhook?: (record: WebhookRecord) => void;
  /** The app config whose [[webhooks.subscriptions]] route deliveries; the repo's shopify.app.toml by default. */
  appConfigPath?: string;
  /** Extra topic -> URI routes on top of the app config (tests subscribe here). */
  webhookSubscriptions?: Readonly<Record<string, string>>;
  /** Bulk operation timing and limits (graphql/bulk.ts); results are served by this server. */
  bulk?: Omit<BulkOptions, "resultUrl">;
  /**
   * Called once an Admin API request has executed (Shopify has acted) and before its answer is
   * sent: crash tests kill the app here, the worst moment for it.
   */
  afterExecute?: (request: { shop: string; operation: string | null }) => Promise<void> | void;
}

/** `mutation RefundCreate(...)` -> "RefundCreate"; null for an anonymous document. */
function operationOf(query: string): string | null {
  return /\b(?:query|mutation)\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(query)?.[1] ?? null;
}

/** One automatic webhook: what was sent where, and what the app answered. */
export interface WebhookRecord {
  topic: string;
  shop: string;
  payload: unknown;
  webhookId: string;
  eventId: string;
  triggeredAt: string;
  /** The app URL it went to; null when the app's config does not subscribe to the topic. */
  url: string | null;
  /**
   * pending: queued; delivered: the app answered 2xx; failed: another status or no answer;
   * skipped: no subscription for the topic; disabled: the server runs with `webhooks: false`.
   */
  status: "pending" | "delivered" | "failed" | "skipped" | "disabled";
  response: { status: number; body: string } | null;
  error: string | null;
}

export interface SandboxServer {
  url: string;
  port: number;
  store: SandboxStore;
  adminApi: ReturnType<typeof createAdminApi>;
  /** Sends a signed webhook to the URI the app's shopify.app.toml declares for the topic. */
  sendWebhook(delivery: WebhookDelivery): Promise<{ status: number; body: string }>;
  issueSessionToken(shop: string, userId?: number): string;
  /** The automatic webhooks so far (the latest 5,000), oldest first. */
  readonly deliveries: readonly WebhookRecord[];
  /** Resolves once every queued automatic webhook has been sent (or skipped). */
  webhooksIdle(): Promise<void>;
  /** Changes an order (sandbox/changes.ts) and resolves once its webhooks were delivered. */
  changeOrder(shop: string, orderId: string | number, change: OrderChange): Promise<{ order: OrderRecord; webhooks: WebhookRecord[] }>;
  /** Places a new order and resolves once orders/create (and orders/paid) were delivered. */
  createOrder(shop: string, options?: CreateOrderOptions): Promise<{ order: OrderRecord; webhooks: WebhookRecord[] }>;
  /** A customer, app or compliance event (sandbox/shop-events.ts); resolves once its webhook was delivered. */
  shopEvent(shop: string, event: ShopEvent): Promise<{ webhooks: WebhookRecord[] }>;
  /** Runs bulk operations still CREATED (`bulk.manual`), waits for all, and for their finish webhooks. */
  completeBulkOperations(): Promise<void>;
  close(): Promise<void>;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const MAX_DELIVERY_LOG = 5_000;

export async function startSandboxServer(options: SandboxServerOptions): Promise<SandboxServer> {
  let publicUrl = "http://127.0.0.1";
  const adminApi = createAdminApi({
    store: options.store,
    restoreRate: options.restoreRate,
    maximumAvailable: options.maximumAvailable,
    bulk: { ...options.bulk, resultUrl: (token) => `${publicUrl}/bulk/${token}.jsonl` },
  });
  const appUrl = options.appUrl.replace(/\/$/, "");
  const subscriptions = readWebhookSubscriptions(options.appConfigPath ?? join(ROOT, "shopify.app.toml"));
  for (const [topic, uri] of Object.entries(options.webhookSubscriptions ?? {})) subscriptions.set(topic, uri);
  const appBridgeScript = readFileSync(join(here, "public", "app-bridge.js"), "utf8");
  const offlineTtl = options.offlineTokenTtl ?? 3600;
  const store = options.store;

  const issueSessionToken = (shop: string, userId = SANDBOX_STAFF[0].id) =>
    signSessionToken({ shop, apiKey: options.apiKey, apiSecret: options.apiSecret, userId });

  const sendWebhook = async (delivery: WebhookDelivery) => {
    const uri = subscriptions.get(delivery.topic);
    if (!uri) throw new Error(`shopify.app.toml declares no subscription for ${delivery.topic}`);
    return deliverWebhook(new URL(uri, `${appUrl}/`).toString(), delivery, options.apiSecret);
  };

  // ---- automatic webhooks ----
  const deliveries: WebhookRecord[] = [];
  const sent = new WeakMap<WebhookRecord, Promise<void>>();
  let capturing: WebhookRecord[] | null = null;
  let queue: Promise<void> = Promise.resolve();

  const emitWebhook = (shop: string, topic: string, payload: unknown): WebhookRecord => {
    const uri = subscriptions.get(topic);
    const record: WebhookRecord = {
      topic,
      shop,
      payload,
      webhookId: randomUUID(),
      eventId: randomUUID(),
      triggeredAt: new Date().toISOString(),
      url: uri ? new URL(uri, `${appUrl}/`).toString() : null,
      status: "pending",
      response: null,
      error: null,
    };
    deliveries.push(record);
    // A long-running sandbox keeps the most recent deliveries only.
    if (deliveries.length > MAX_DELIVERY_LOG) deliveries.splice(0, deliveries.length - MAX_DELIVERY_LOG);
    capturing?.push(record);
    const deliver = async () => {
      if (options.webhooks === false) record.status = "disabled";
      else if (!record.url) record.status = "skipped";
      else {
        try {
          const delivery = { topic, shop, payload, webhookId: record.webhookId, eventId: record.eventId, triggeredAt: record.triggeredAt, headerStyle: options.webhookHeaderStyle };
          record.response = await deliverWebhook(record.url, delivery, options.apiSecret);
          record.status = record.response.status >= 200 && record.response.status < 300 ? "delivered" : "failed";
        } catch (error) {
          record.status = "failed";
          record.error = error instanceof Error ? error.message : String(error);
        }
      }
      options.onWebhook?.(record);
    };
    // One at a time, in the order they happened.
    const done = queue.then(deliver, deliver);
    queue = done;
    sent.set(record, done);
    return record;
  };

  const webhooksIdle = async () => {
    let last: Promise<void> | null = null;
    while (last !== queue) {
      last = queue;
      await last;
    }
  };

  const stopStoreEvents = store.subscribe((event) => {
    emitWebhook(event.domain, event.topic, event.payload);
  });
  const stopBulkEvents = adminApi.bulk.onFinish((operation, domain) => {
    const shop = store.getShop(domain)?.shop;
    if (shop) emitWebhook(shop.myshopifyDomain, "bulk_operations/finish", bulkOperationFinishPayload(operation, shop));
  });

  /** Runs a change and waits for the webhooks it caused. */
  const withWebhooks = async <T>(apply: () => T): Promise<{ result: T; webhooks: WebhookRecord[] }> => {
    const records: WebhookRecord[] = [];
    capturing = records;
    let result: T;
    try {
      result = apply();
    } finally {
      capturing = null;
    }
    await Promise.all(records.map((record) => sent.get(record)));
    return { result, webhooks: records };
  };
  const orderChangeDelivered = async (apply: () => OrderChangeResult) => {
    const { result, webhooks } = await withWebhooks(apply);
    return { order: result.order, webhooks };
  };
  const changeOrderAndDeliver = (shop: string, orderId: string | number, change: OrderChange) =>
    orderChangeDelivered(() => changeOrder(store, normalizeDomain(shop), orderId, change));
  const createOrderAndDeliver = (shop: string, createOptions: CreateOrderOptions = {}) =>
    orderChangeDelivered(() => createOrder(store, normalizeDomain(shop), createOptions));
  const shopEventAndDeliver = async (shop: string, event: ShopEvent) => ({ webhooks: (await withWebhooks(() => shopEvent(store, normalizeDomain(shop), event))).webhooks });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://sandbox.local");
    const path = url.pathname;

    if (req.method === "OPTIONS") return send(res, 204, "", corsHeaders(appUrl));

    const tokenMatch = /^\/shops\/([^/]+)\/admin\/oauth\/access_token$/.exec(path);
    if (tokenMatch && req.method === "POST") return accessToken(decodeURIComponent(tokenMatch[1]), await readBody(req), res);

    const graphqlMatch = /^\/shops\/([^/]+)\/admin\/api\/([^/]+)\/graphql\.json$/.exec(path);
    if (graphqlMatch && req.method === "POST") {
      return graphql(decodeURIComponent(graphqlMatch[1]), graphqlMatch[2], req, await readBody(req), res);
    }

    if (path === "/session-token" && req.method === "GET") {
      const shop = url.searchParams.get("shop") ?? "";
      if (!options.store.getShop(shop)) return json(res, 404, { error: `unknown shop ${shop}` }, corsHeaders(appUrl));
      const user = Number(url.searchParams.get("user") ?? SANDBOX_STAFF[0].id);
      if (!SANDBOX_STAFF.some((member) => member.id === user)) return json(res, 404, { error: `unknown staff user ${user}` }, corsHeaders(appUrl));
      return json(res, 200, { token: issueSessionToken(shop, user) }, corsHeaders(appUrl));
    }

    if (path === "/app-bridge.js") {
      return send(res, 200, appBridgeScript, { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-cache" });
    }

    const adminMatch = /^\/admin\/([^/]+)\/?$/.exec(path);
    if (adminMatch && req.method === "GET") {
      const shop = decodeURIComponent(adminMatch[1]);
      if (!options.store.getShop(shop)) return send(res, 404, `Unknown shop ${shop}`, { "Content-Type": "text/plain" });
      const user = Number(url.searchParams.get("user") ?? SANDBOX_STAFF[0].id);
      const target = new URL(`${appUrl}/app`);
      target.searchParams.set("embedded", "1");
      target.searchParams.set("shop", shop);
      target.searchParams.set("host", Buffer.from(`admin.shopify.com/store/${shop.replace(".myshopify.com", "")}`).toString("base64url"));
      target.searchParams.set("locale", "en");
      target.searchParams.set("sandbox_user", String(user));
      target.searchParams.set("id_token", issueSessionToken(shop, user));
      return send(res, 302, "", { Location: target.toString() });
    }

    if (path === "/_sandbox/webhooks" && req.method === "POST") {
      const delivery = JSON.parse(await readBody(req)) as WebhookDelivery;
      return json(res, 200, await sendWebhook(delivery));
    }

    if (path === "/_sandbox/webhooks" && req.method === "GET") return json(res, 200, { deliveries: deliveries.map(describeDelivery) });

    const bulkMatch = /^\/bulk\/([A-Za-z0-9_-]+)\.jsonl$/.exec(path);
    if (bulkMatch && (req.method === "GET" || req.method === "HEAD")) {
      const file = adminApi.bulk.resultFile(bulkMatch[1] as string);
      if (!file) return send(res, 404, "The requested file was not found or has expired.", { "Content-Type": "text/plain" });
      res.writeHead(200, {
        "Content-Type": "application/jsonl",
        "Content-Length": String(file.size),
        "Content-Disposition": `attachment; filename="bulk-${bulkMatch[1]}.jsonl"`,
      });
      if (req.method === "HEAD") return void res.end();
      const stream = createReadStream(file.path);
      stream.on("error", () => res.destroy());
      return void stream.pipe(res);
    }

    const changeMatch = /^\/_sandbox\/orders\/([^/]+)\/change$/.exec(path);
    if (changeMatch && req.method === "POST") {
      const body = parseJsonObject(await readBody(req));
      const shop = pickShop(body?.["shop"] ?? url.searchParams.get("shop"));
      if (!body || !shop) return json(res, 400, { error: body ? shopError() : "body must be a JSON object" });
      const change = (body["change"] ?? body) as OrderChange;
      return respondToChange(res, 200, () => changeOrderAndDeliver(shop, decodeURIComponent(changeMatch[1] as string), change));
    }

    if (path === "/_sandbox/orders" && req.method === "POST") {
      const body = parseJsonObject((await readBody(req)) || "{}");
      const shop = pickShop(body?.["shop"] ?? url.searchParams.get("shop"));
      if (!body || !shop) return json(res, 400, { error: body ? shopError() : "body must be a JSON object" });
      const archetype = body["archetype"] as CreateOrderOptions["archetype"];
      return respondToChange(res, 201, () => createOrderAndDeliver(shop, archetype ? { archetype } : {}));
    }

    if (path === "/_sandbox/events" && req.method === "POST") {
      const body = parseJsonObject(await readBody(req));
      const shop = pickShop(body?.["shop"] ?? url.searchParams.get("shop"));
      if (!body || !shop) return json(res, 400, { error: body ? shopError() : "body must be a JSON object" });
      try {
        const { webhooks } = await shopEventAndDeliver(shop, (body["event"] ?? body) as ShopEvent);
        return json(res, 200, { webhooks: webhooks.map(describeDelivery) });
      } catch (error) {
        if (error instanceof OrderChangeError) return json(res, error.code === "NOT_FOUND" ? 404 : 422, { error: error.message });
        throw error;
      }
    }

    if (path === "/_sandbox/health") return json(res, 200, { ok: true, shops: options.store.listShops().map((shop) => shop.myshopifyDomain) });

    if (path === "/") return send(res, 200, indexPage(options.store), { "Content-Type": "text/html; charset=utf-8" });

    return json(res, 404, { errors: "Not Found" });
  }

  /** The shop a request names, or the store's only shop. */
  function pickShop(named: unknown): string | null {
    if (typeof named === "string" && named !== "") return store.getShop(named) ? normalizeDomain(named) : null;
    const shops = store.listShops();
    return shops.length === 1 ? (shops[0] as { myshopifyDomain: string }).myshopifyDomain : null;
  }

  function shopError(): string {
    return `name a shop ("shop" in the body or ?shop=): one of ${store.listShops().map((shop) => shop.myshopifyDomain).join(", ")}`;
  }

  async function respondToChange(res: ServerResponse, status: number, run: () => Promise<{ order: OrderRecord; webhooks: WebhookRecord[] }>) {
    try {
      const { order, webhooks } = await run();
      return json(res, status, {
        order: {
          id: order.id,
          legacyResourceId: order.legacyResourceId,
          name: order.name,
          updatedAt: order.updatedAt,
          displayFinancialStatus: order.displayFinancialStatus,
          displayFulfillmentStatus: order.displayFulfillmentStatus,
          cancelledAt: order.cancelledAt,
          tags: order.tags,
        },
        webhooks: webhooks.map(describeDelivery),
      });
    } catch (error) {
      if (error instanceof OrderChangeError) return json(res, error.code === "NOT_FOUND" ? 404 : 422, { error: error.message });
      throw error;
    }
  }

  function accessToken(shop: string, raw: string, res: ServerResponse) {
    let body: Record<string, string>;
    try {
      body = JSON.parse(raw) as Record<string, string>;
    } catch {
      return json(res, 400, { error: "invalid_request", error_description: "body must be JSON" });
    }
    if (!options.store.getShop(shop)) return json(res, 404, { errors: "Not Found" });
    if (body.client_id !== options.apiKey || body.client_secret !== options.apiSecret) {
      return json(res, 400, { error: "invalid_client", error_description: "Client credentials are invalid" });
    }
    const offlinePair = () => {
      const exp = nowSeconds() + offlineTtl;
      return {
        access_token: issueAccessToken({ shop, kind: "offline", exp }, options.apiSecret),
        scope: options.scopes,
        expires_in: offlineTtl,
        refresh_token: issueAccessToken({ shop, kind: "refresh", exp: nowSeconds() + 90 * 86400 }, options.apiSecret),
        refresh_token_expires_in: 90 * 86400,
      };
    };

    if (body.grant_type === "refresh_token") {
      const claims = verifyAccessToken(body.refresh_token ?? "", options.apiSecret);
      if (!claims || claims.kind !== "refresh" || claims.shop !== shop) {
        return json(res, 400, { error: "invalid_grant", error_description: "refresh token is invalid or expired" });
      }
      return json(res, 200, offlinePair());
    }

    if (body.grant_type !== "urn:ietf:params:oauth:grant-type:token-exchange") {
      return json(res, 400, { error: "unsupported_grant_type" });
    }
    const claims = verifyJwt(body.subject_token ?? "", options.apiSecret);
    if (!claims || claims.aud !== options.apiKey || claims.dest !== `https://${shop}`) {
      return json(res, 400, { error: "invalid_subject_token", error_description: "The session token is invalid" });
    }
    if (body.requested_token_type === "urn:shopify:params:oauth:token-type:online-access-token") {
      const member = SANDBOX_STAFF.find((staff) => String(staff.id) === String(claims.sub));
      if (!member) return json(res, 400, { error: "invalid_subject_token", error_description: "Unknown user" });
      return json(res, 200, {
        access_token: issueAccessToken({ shop, kind: "online", userId: String(member.id), exp: nowSeconds() + 86400 }, options.apiSecret),
        scope: options.scopes,
        expires_in: 86399,
        associated_user_scope: options.scopes,
        associated_user: {
          id: member.id,
          first_name: member.firstName,
          last_name: member.lastName,
          email: member.email,
          account_owner: member.accountOwner,
          locale: member.locale,
          collaborator: member.collaborator,
          email_verified: true,
        },
      });
    }
    if (body.expiring === "1") return json(res, 200, offlinePair());
    // Non-expiring offline token (apps created before 2026-04-01).
    return json(res, 200, {
      access_token: issueAccessToken({ shop, kind: "offline", exp: nowSeconds() + 10 * 365 * 86400 }, options.apiSecret),
      scope: options.scopes,
    });
  }

  async function graphql(shop: string, version: string, req: IncomingMessage, raw: string, res: ServerResponse) {
    const token = req.headers["x-shopify-access-token"];
    const claims = typeof token === "string" ? verifyAccessToken(token, options.apiSecret) : null;
    if (!claims || claims.kind === "refresh" || claims.shop !== shop) {
      return json(res, 401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
    }
    if (version !== ADMIN_API_VERSION) {
      return json(res, 404, { errors: `The sandbox serves Admin API ${ADMIN_API_VERSION} only (requested ${version})` });
    }
    let body: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      body = JSON.parse(raw) as typeof body;
    } catch {
      return json(res, 400, { errors: { query: "Required parameter missing or invalid" } });
    }
    if (typeof body.query !== "string") return json(res, 400, { errors: { query: "Required parameter missing or invalid" } });
    const result = await adminApi.execute(
      shop,
      {
        query: body.query,
        variables: (body.variables ?? null) as Record<string, unknown> | null,
        operationName: typeof body.operationName === "string" ? body.operationName : null,
      },
      { costDebug: req.headers["shopify-graphql-cost-debug"] === "1" },
    );
    await options.afterExecute?.({ shop, operation: typeof body.operationName === "string" ? body.operationName : operationOf(body.query) });
    return json(res, result.status, result.body);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      json(res, 500, { errors: `sandbox error: ${error instanceof Error ? error.message : String(error)}` });
    });
  });
  try {
    await listen(server, options.port ?? 0, options.host ?? "127.0.0.1");
  } catch (error) {
    stopStoreEvents();
    stopBulkEvents();
    await adminApi.bulk.dispose();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  publicUrl = `http://127.0.0.1:${port}`;
  return {
    url: publicUrl,
    port,
    store: options.store,
    adminApi,
    sendWebhook,
    issueSessionToken,
    deliveries,
    webhooksIdle,
    changeOrder: changeOrderAndDeliver,
    createOrder: createOrderAndDeliver,
    shopEvent: shopEventAndDeliver,
    completeBulkOperations: async () => {
      await adminApi.bulk.runPending();
      await webhooksIdle();
    },
    close: async () => {
      stopStoreEvents();
      stopBulkEvents();
      await adminApi.bulk.dispose();
      await webhooksIdle();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function describeDelivery(record: WebhookRecord) {
  return {
    topic: record.topic,
    shop: record.shop,
    status: record.status,
    url: record.url,
    webhookId: record.webhookId,
    triggeredAt: record.triggeredAt,
    response: record.response ? { status: record.response.status } : null,
    error: record.error,
    payload: record.payload,
  };
}

function parseJsonObject(raw: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === "EADDRINUSE" ? new Error(`port ${port} is already in use (set SANDBOX_PORT to another port)`) : error);
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function corsHeaders(appUrl: string): Record<string, string> {
  return {
    "Access-Control-Allow-Origin": new URL(appUrl).origin,
    "Access-Control-Allow-Methods": "GET, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
  };
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
  res.writeHead(status, headers);
  res.end(body);
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  send(res, status, JSON.stringify(body), { "Content-Type": "application/json; charset=utf-8", ...headers });
}

function indexPage(store: SandboxStore): string {
  const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const shops = store
    .listShops()
    .map((shop) => {
      const staff = SANDBOX_STAFF.map(
        (member) => `<a href="/admin/${encodeURIComponent(shop.myshopifyDomain)}?user=${member.id}">${escape(member.firstName)} ${escape(member.lastName)}</a>`,
      ).join(" · ");
      return `<li><strong>${escape(shop.name)}</strong> (${escape(shop.myshopifyDomain)}): open as ${staff}</li>`;
    })
    .join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shopify sandbox</title></head>
<body style="font-family:system-ui,sans-serif;max-width:720px;margin:8vh auto;line-height:1.6">
<h1>Local Shopify sandbox</h1><p>Stands in for Shopify Admin and its Admin API ${ADMIN_API_VERSION}. Not connected to Shopify.</p>
<ul>${shops}</ul></body></html>`;
}
