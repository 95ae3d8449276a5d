/**
 * The local stand-in for what Shopify hosts, and nothing else (docs/decisions/0005):
 *   POST /shops/:shop/admin/oauth/access_token      token exchange and refresh
 *   POST /shops/:shop/admin/api/:version/graphql.json  the Admin API (official schema)
 *   GET  /session-token?shop=&user=                  App Bridge id tokens for the stand-in
 *   GET  /app-bridge.js                              the App Bridge stand-in script
 *   GET  /admin/:shop?user=                          "open the app in the admin"
 *   POST /_sandbox/webhooks                          deliver a signed webhook to the app
 * The app reaches it only through a fetch redirect installed by the sandbox launcher or the
 * test setup (sandbox/fetch-redirect.ts): app code is the production code, unchanged.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { issueAccessToken, verifyAccessToken } from "./access-tokens";
import { SANDBOX_STAFF } from "./config";
import { createAdminApi } from "./graphql/admin-api";
import { ADMIN_API_VERSION } from "./graphql/schema";
import { signSessionToken, verifyJwt } from "./session-token";
import type { SandboxStore } from "./store/store";
import { deliverWebhook, readWebhookSubscriptions, type WebhookDelivery } from "./webhooks";

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
}

export interface SandboxServer {
  url: string;
  port: number;
  store: SandboxStore;
  adminApi: ReturnType<typeof createAdminApi>;
  /** Sends a signed webhook to the URI the app's shopify.app.toml declares for the topic. */
  sendWebhook(delivery: WebhookDelivery): Promise<{ status: number; body: string }>;
  issueSessionToken(shop: string, userId?: number): string;
  close(): Promise<void>;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

export async function startSandboxServer(options: SandboxServerOptions): Promise<SandboxServer> {
  const adminApi = createAdminApi({
    store: options.store,
    restoreRate: options.restoreRate,
    maximumAvailable: options.maximumAvailable,
  });
  const appUrl = options.appUrl.replace(/\/$/, "");
  const subscriptions = readWebhookSubscriptions(join(ROOT, "shopify.app.toml"));
  const appBridgeScript = readFileSync(join(here, "public", "app-bridge.js"), "utf8");
  const offlineTtl = options.offlineTokenTtl ?? 3600;

  const issueSessionToken = (shop: string, userId = SANDBOX_STAFF[0].id) =>
    signSessionToken({ shop, apiKey: options.apiKey, apiSecret: options.apiSecret, userId });

  const sendWebhook = async (delivery: WebhookDelivery) => {
    const uri = subscriptions.get(delivery.topic);
    if (!uri) throw new Error(`shopify.app.toml declares no subscription for ${delivery.topic}`);
    return deliverWebhook(new URL(uri, `${appUrl}/`).toString(), delivery, options.apiSecret);
  };

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

    if (path === "/_sandbox/health") return json(res, 200, { ok: true, shops: options.store.listShops().map((shop) => shop.myshopifyDomain) });

    if (path === "/") return send(res, 200, indexPage(options.store), { "Content-Type": "text/html; charset=utf-8" });

    return json(res, 404, { errors: "Not Found" });
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
    return json(res, result.status, result.body);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      json(res, 500, { errors: `sandbox error: ${error instanceof Error ? error.message : String(error)}` });
    });
  });
  await listen(server, options.port ?? 0, options.host ?? "127.0.0.1");
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    store: options.store,
    adminApi,
    sendWebhook,
    issueSessionToken,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
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
