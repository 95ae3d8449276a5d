import { createHmac } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_API_KEY, SANDBOX_API_SECRET, SANDBOX_STAFF } from "./config";
import { startSandboxServer, type SandboxServer, type WebhookRecord } from "./server";
import { signSessionToken } from "./session-token";
import { SandboxStore } from "./store/store";

const SHOP = "events-a.myshopify.com";
const SHOP_B = "events-b.myshopify.com";

// Response bodies are dynamic JSON; tests read them through this loose accessor type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

interface Received {
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

const SUBSCRIPTIONS = {
  "bulk_operations/finish": "/webhooks/bulk_operations/finish",
  "orders/create": "/webhooks/orders",
  "orders/updated": "/webhooks/orders",
  "orders/paid": "/webhooks/orders",
  "orders/cancelled": "/webhooks/orders",
  "refunds/create": "/webhooks/refunds",
  "fulfillments/create": "/webhooks/fulfillments",
  // orders/fulfilled and orders/partially_fulfilled are deliberately not subscribed.
};

// The app's own shopify.app.toml changes as the app grows; these tests route by their own.
const configDir = mkdtempSync(join(tmpdir(), "sandbox-events-test-"));
const APP_CONFIG = join(configDir, "shopify.app.toml");
writeFileSync(APP_CONFIG, `[webhooks]\napi_version = "2026-10"\n\n  [[webhooks.subscriptions]]\n  topics = [ "app/uninstalled" ]\n  uri = "/webhooks/app/uninstalled"\n`);
afterAll(() => rmSync(configDir, { recursive: true, force: true }));

/** A stand-in for the app: records what it receives and answers 200. */
async function startApp(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

function expectSigned(delivery: Received) {
  const expected = createHmac("sha256", SANDBOX_API_SECRET).update(delivery.body, "utf8").digest("base64");
  expect(delivery.headers["x-shopify-hmac-sha256"]).toBe(expected);
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) });

async function accessToken(sandbox: SandboxServer, shop: string): Promise<string> {
  const response = await post(`${sandbox.url}/shops/${shop}/admin/oauth/access_token`, {
    client_id: SANDBOX_API_KEY,
    client_secret: SANDBOX_API_SECRET,
    grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
    subject_token: signSessionToken({ shop, apiKey: SANDBOX_API_KEY, apiSecret: SANDBOX_API_SECRET, userId: SANDBOX_STAFF[0].id }),
    subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
    requested_token_type: "urn:shopify:params:oauth:token-type:offline-access-token",
    expiring: "1",
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

describe("with webhooks on", () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  let sandbox: SandboxServer;
  let token: string;
  const hooked: WebhookRecord[] = [];
  const graphql = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await post(`${sandbox.url}/shops/${SHOP}/admin/api/2026-10/graphql.json`, { query, variables }, { "X-Shopify-Access-Token": token });
    return (await response.json()) as Json;
  };

  beforeAll(async () => {
    app = await startApp();
    const store = new SandboxStore();
    store.seedShop({ domain: SHOP, name: "Events A", orderCount: 80, seed: 9 });
    store.seedShop({ domain: SHOP_B, name: "Events B", orderCount: 5, seed: 10 });
    sandbox = await startSandboxServer({
      store,
      apiKey: SANDBOX_API_KEY,
      apiSecret: SANDBOX_API_SECRET,
      appUrl: app.url,
      scopes: "read_orders",
      appConfigPath: APP_CONFIG,
      webhookSubscriptions: SUBSCRIPTIONS,
      onWebhook: (record) => hooked.push(record),
    });
    token = await accessToken(sandbox, SHOP);
  });
  afterAll(async () => {
    await sandbox.close();
    app.server.close();
  });

  it("runs a bulk query over HTTP, serves the JSONL at its url and sends bulk_operations/finish", async () => {
    const run = await graphql(
      `mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id status } userErrors { field message code } } }`,
      { q: `{ orders { edges { node { id name lineItems { edges { node { id quantity } } } } } } }` },
    );
    expect(run.data.bulkOperationRunQuery.userErrors).toEqual([]);
    expect(run.extensions.cost.requestedQueryCost).toBe(10);
    const id = run.data.bulkOperationRunQuery.bulkOperation.id as string;

    let operation: Json = null;
    for (let attempt = 0; attempt < 100; attempt++) {
      operation = (await graphql(`query($id: ID!) { bulkOperation(id: $id) { id status objectCount rootObjectCount fileSize url } }`, { id })).data.bulkOperation;
      if (operation.status === "COMPLETED") break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(operation).toMatchObject({ status: "COMPLETED", rootObjectCount: "80" });
    expect(operation.url.startsWith(`${sandbox.url}/bulk/`)).toBe(true);

    const download = await fetch(operation.url);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/jsonl");
    expect(download.headers.get("content-length")).toBe(operation.fileSize);
    const text = await download.text();
    const lines = text.trim().split("\n").map((line) => JSON.parse(line) as Json);
    expect(lines).toHaveLength(Number(operation.objectCount));
    expect(lines.filter((line) => !line.__parentId)).toHaveLength(80);
    const orderIds = new Set(sandbox.store.orders(SHOP).map((order) => order.id));
    for (const line of lines.filter((l) => l.__parentId)) expect(orderIds.has(line.__parentId)).toBe(true);

    await sandbox.webhooksIdle();
    const finish = app.received.filter((delivery) => delivery.path === "/webhooks/bulk_operations/finish");
    expect(finish).toHaveLength(1);
    const delivery = finish[0] as Received;
    expectSigned(delivery);
    expect(delivery.headers).toMatchObject({ "x-shopify-topic": "bulk_operations/finish", "x-shopify-shop-domain": SHOP, "x-shopify-api-version": "2026-10" });
    const payload = JSON.parse(delivery.body) as Json;
    expect(payload).toEqual({
      admin_graphql_api_id: id,
      completed_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+01:00$/),
      created_at: expect.stringMatching(/\+01:00$/),
      error_code: null,
      status: "completed",
      type: "query",
    });
    const record = sandbox.deliveries.find((d) => d.topic === "bulk_operations/finish");
    expect(record).toMatchObject({ status: "delivered", shop: SHOP, response: { status: 200 } });
    expect(hooked).toContain(record);

    expect((await fetch(`${sandbox.url}/bulk/unknown-token.jsonl`)).status).toBe(404);
  });

  it("changes an order over HTTP and delivers its webhooks, signed, skipping unsubscribed topics", async () => {
    const order = sandbox.store.orders(SHOP).find((o) => o.displayFinancialStatus === "PENDING" && o.fulfillmentOrders[0]?.status !== "ON_HOLD");
    if (!order) throw new Error("no pending order");
    const before = order.updatedAt;
    const seen = app.received.length;
    const response = await post(`${sandbox.url}/_sandbox/orders/${order.legacyResourceId}/change`, { shop: SHOP, change: { type: "markPaid" } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Json;
    expect(body.order).toMatchObject({ id: order.id, displayFinancialStatus: "PAID" });
    expect(body.order.updatedAt > before).toBe(true);
    expect(body.webhooks.map((w: Json) => [w.topic, w.status])).toEqual([
      ["order_transactions/create", "skipped"],
      ["orders/paid", "delivered"],
      ["orders/updated", "delivered"],
    ]);
    const deliveries = app.received.slice(seen);
    expect(deliveries.map((d) => [d.path, d.headers["x-shopify-topic"]])).toEqual([
      ["/webhooks/orders", "orders/paid"],
      ["/webhooks/orders", "orders/updated"],
    ]);
    for (const delivery of deliveries) {
      expectSigned(delivery);
      const payload = JSON.parse(delivery.body) as Json;
      expect(payload).toMatchObject({ id: Number(order.legacyResourceId), admin_graphql_api_id: order.id, name: order.name, financial_status: "paid" });
      expect(Date.parse(payload.updated_at)).toBe(Date.parse(body.order.updatedAt));
    }

    const fulfilled = await sandbox.changeOrder(SHOP, order.id, { type: "fulfill" });
    expect(fulfilled.webhooks.map((w) => [w.topic, w.status])).toEqual([
      ["fulfillments/create", "delivered"],
      ["orders/fulfilled", "skipped"],
      ["orders/updated", "delivered"],
    ]);
    expect(fulfilled.webhooks[1]?.url).toBeNull();
    const fulfillment = app.received.find((d) => d.path === "/webhooks/fulfillments");
    expect(JSON.parse(fulfillment?.body ?? "{}")).toMatchObject({ order_id: Number(order.legacyResourceId), status: "success" });

    const log = (await (await fetch(`${sandbox.url}/_sandbox/webhooks`)).json()) as Json;
    expect(log.deliveries.map((d: Json) => d.topic)).toEqual(expect.arrayContaining(["orders/paid", "fulfillments/create", "orders/fulfilled"]));
  });

  it("places an order over HTTP (orders/create) and explains refused changes", async () => {
    const created = await post(`${sandbox.url}/_sandbox/orders?shop=${SHOP}`, {});
    expect(created.status).toBe(201);
    const body = (await created.json()) as Json;
    expect(body.order.name).toBe("#1081");
    expect(body.webhooks.map((w: Json) => w.topic)).toEqual(["orders/create", ...body.webhooks.slice(1, -1).map(() => "order_transactions/create"), "orders/paid"]);
    expect(body.webhooks.filter((w: Json) => w.topic.startsWith("orders/")).every((w: Json) => w.status === "delivered")).toBe(true);
    expect(body.webhooks[0].payload).toMatchObject({ admin_graphql_api_id: body.order.id, name: "#1081", financial_status: "paid" });

    const unknown = await post(`${sandbox.url}/_sandbox/orders/1/change`, { shop: SHOP, change: { type: "markPaid" } });
    expect(unknown.status).toBe(404);
    const refused = await post(`${sandbox.url}/_sandbox/orders/${body.order.legacyResourceId}/change`, { shop: SHOP, change: { type: "markPaid" } });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as Json).error).toMatch(/no outstanding balance/);
    // Two shops: the request has to say which one.
    const ambiguous = await post(`${sandbox.url}/_sandbox/orders`, {});
    expect(ambiguous.status).toBe(400);
    expect(((await ambiguous.json()) as Json).error).toContain(SHOP_B);
  });
});

describe("with webhooks off", () => {
  it("records without sending, so tests can poll instead; close removes result files", async () => {
    const app = await startApp();
    const store = new SandboxStore();
    store.seedShop({ domain: SHOP, name: "Quiet", orderCount: 20, seed: 3 });
    const sandbox = await startSandboxServer({
      store,
      apiKey: SANDBOX_API_KEY,
      apiSecret: SANDBOX_API_SECRET,
      appUrl: app.url,
      scopes: "read_orders",
      webhooks: false,
      appConfigPath: APP_CONFIG,
      webhookSubscriptions: SUBSCRIPTIONS,
      bulk: { manual: true },
    });
    try {
      const order = store.orders(SHOP)[0];
      const { webhooks } = await sandbox.changeOrder(SHOP, order?.id ?? "", { type: "addTag", tag: "quiet" });
      expect(webhooks.map((w) => [w.topic, w.status])).toEqual([["orders/updated", "disabled"]]);

      const result = await sandbox.adminApi.execute(SHOP, {
        query: `mutation { bulkOperationRunQuery(query: "{ orders { edges { node { id tags } } } }") { bulkOperation { id status } userErrors { message } } }`,
      });
      const id = (result.body as Json).data.bulkOperationRunQuery.bulkOperation.id as string;
      expect((await sandbox.adminApi.execute(SHOP, { query: `{ bulkOperation(id: "${id}") { status } }` })).body).toMatchObject({ data: { bulkOperation: { status: "CREATED" } } });
      await sandbox.completeBulkOperations();
      expect((await sandbox.adminApi.execute(SHOP, { query: `{ bulkOperation(id: "${id}") { status } }` })).body).toMatchObject({ data: { bulkOperation: { status: "COMPLETED" } } });
      expect(sandbox.deliveries.map((d) => [d.topic, d.status])).toEqual([
        ["orders/updated", "disabled"],
        ["bulk_operations/finish", "disabled"],
      ]);
      expect(app.received).toEqual([]);
      const path = sandbox.adminApi.bulk.resultPath(id);
      expect(path && existsSync(path)).toBe(true);
      await sandbox.close();
      expect(path && existsSync(path)).toBe(false);
    } finally {
      await sandbox.close().catch(() => undefined);
      app.server.close();
    }
  });
});
