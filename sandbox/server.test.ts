import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_API_KEY, SANDBOX_API_SECRET, SANDBOX_STAFF } from "./config";
import { startSandboxServer, type SandboxServer } from "./server";
import { signSessionToken, verifyJwt } from "./session-token";
import { SandboxStore } from "./store/store";

const SHOP = "alpha.myshopify.com";
const received: Array<{ path: string; headers: IncomingMessage["headers"]; body: string }> = [];
const app = createServer((req, res) => {
  let body = "";
  req.on("data", (chunk: Buffer) => (body += chunk.toString()));
  req.on("end", () => {
    received.push({ path: req.url ?? "", headers: req.headers, body });
    res.writeHead(200).end();
  });
});
let sandbox: SandboxServer;

beforeAll(async () => {
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  const store = new SandboxStore();
  store.seedShop({ domain: SHOP, name: "Alpha", orderCount: 3, seed: 7 });
  sandbox = await startSandboxServer({
    store,
    apiKey: SANDBOX_API_KEY,
    apiSecret: SANDBOX_API_SECRET,
    appUrl: `http://127.0.0.1:${(app.address() as AddressInfo).port}`,
    scopes: "read_orders",
  });
});
afterAll(async () => {
  await sandbox.close();
  app.close();
});

const tokenUrl = () => `${sandbox.url}/shops/${SHOP}/admin/oauth/access_token`;
const graphqlUrl = (version = "2026-10") => `${sandbox.url}/shops/${SHOP}/admin/api/${version}/graphql.json`;
const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) });

function exchange(overrides: Record<string, string> = {}) {
  return post(tokenUrl(), {
    client_id: SANDBOX_API_KEY,
    client_secret: SANDBOX_API_SECRET,
    grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
    subject_token: signSessionToken({ shop: SHOP, apiKey: SANDBOX_API_KEY, apiSecret: SANDBOX_API_SECRET, userId: SANDBOX_STAFF[3].id }),
    subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
    requested_token_type: "urn:shopify:params:oauth:token-type:offline-access-token",
    expiring: "1",
    ...overrides,
  });
}

describe("token exchange", () => {
  it("issues an expiring offline token with a refresh token, which the Admin API accepts", async () => {
    const response = await exchange();
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ scope: "read_orders", expires_in: 3600, refresh_token_expires_in: 90 * 86400 });
    const query = await post(graphqlUrl(), { query: "{ shop { name } }" }, { "X-Shopify-Access-Token": String(body.access_token) });
    expect(await query.json()).toMatchObject({ data: { shop: { name: "Alpha" } } });

    const refreshed = await post(tokenUrl(), { client_id: SANDBOX_API_KEY, client_secret: SANDBOX_API_SECRET, grant_type: "refresh_token", refresh_token: body.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(((await refreshed.json()) as Record<string, unknown>).access_token).toMatch(/^shpat_sbx_/);
  });

  it("issues an online token carrying the staff member as associated_user", async () => {
    const response = await exchange({ requested_token_type: "urn:shopify:params:oauth:token-type:online-access-token" });
    const body = (await response.json()) as { associated_user: Record<string, unknown> };
    expect(body.associated_user).toMatchObject({ id: SANDBOX_STAFF[3].id, first_name: "Sam", account_owner: false });
  });

  it("refuses bad client credentials and forged or foreign subject tokens", async () => {
    expect((await exchange({ client_secret: "wrong" })).status).toBe(400);
    const forged = signSessionToken({ shop: SHOP, apiKey: SANDBOX_API_KEY, apiSecret: "forged", userId: 1 });
    const forgedResponse = await exchange({ subject_token: forged });
    expect(forgedResponse.status).toBe(400);
    expect(await forgedResponse.json()).toMatchObject({ error: "invalid_subject_token" });
    const otherShop = signSessionToken({ shop: "beta.myshopify.com", apiKey: SANDBOX_API_KEY, apiSecret: SANDBOX_API_SECRET, userId: 1 });
    expect((await exchange({ subject_token: otherShop })).status).toBe(400);
  });
});

describe("Admin API endpoint", () => {
  it("answers 401 without a valid access token, like Shopify", async () => {
    const response = await post(graphqlUrl(), { query: "{ shop { name } }" }, { "X-Shopify-Access-Token": "shpat_nope" });
    expect(response.status).toBe(401);
  });

  it("serves only the schema version it has", async () => {
    const { access_token } = (await (await exchange()).json()) as { access_token: string };
    const response = await post(graphqlUrl("2025-01"), { query: "{ shop { name } }" }, { "X-Shopify-Access-Token": access_token });
    expect(response.status).toBe(404);
  });
});

describe("session tokens and the admin entry", () => {
  it("issues session tokens the app can verify with its secret", async () => {
    const response = await fetch(`${sandbox.url}/session-token?shop=${SHOP}&user=${SANDBOX_STAFF[1].id}`);
    const { token } = (await response.json()) as { token: string };
    const claims = verifyJwt(token, SANDBOX_API_SECRET);
    expect(claims).toMatchObject({ aud: SANDBOX_API_KEY, dest: `https://${SHOP}`, iss: `https://${SHOP}/admin`, sub: String(SANDBOX_STAFF[1].id) });
    expect(Number(claims!.exp) - Number(claims!.iat)).toBe(60);
  });

  it("opens the app embedded with a fresh id_token", async () => {
    const response = await fetch(`${sandbox.url}/admin/${SHOP}`, { redirect: "manual" });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location")!);
    expect(location.pathname).toBe("/app");
    expect(location.searchParams.get("embedded")).toBe("1");
    expect(verifyJwt(location.searchParams.get("id_token")!, SANDBOX_API_SECRET)).not.toBeNull();
  });
});

describe("webhooks", () => {
  it("delivers to the toml's URI with Shopify's headers and a valid HMAC", async () => {
    const result = await sandbox.sendWebhook({ topic: "app/uninstalled", shop: SHOP, payload: { domain: SHOP }, webhookId: "wh-42" });
    expect(result.status).toBe(200);
    const delivery = received.at(-1)!;
    expect(delivery.path).toBe("/webhooks/app/uninstalled");
    expect(delivery.headers).toMatchObject({
      "x-shopify-topic": "app/uninstalled",
      "x-shopify-shop-domain": SHOP,
      "x-shopify-webhook-id": "wh-42",
      "x-shopify-api-version": "2026-10",
    });
    expect(delivery.headers["x-shopify-event-id"]).toBeTruthy();
    expect(Date.parse(String(delivery.headers["x-shopify-triggered-at"]))).not.toBeNaN();
    const expected = createHmac("sha256", SANDBOX_API_SECRET).update(delivery.body).digest("base64");
    expect(delivery.headers["x-shopify-hmac-sha256"]).toBe(expected);
  });

  it("refuses a topic the app does not subscribe to", async () => {
    await expect(sandbox.sendWebhook({ topic: "products/create", shop: SHOP, payload: {} })).rejects.toThrow(/no subscription/);
  });
});
