/**
 * The sandbox's customer, app and compliance events: validated like Shopify, reflected in the
 * Admin API, and delivered by the server (POST /_sandbox/events) as signed webhooks to the
 * routes the app's shopify.app.toml names, in either header spelling.
 */
import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { SANDBOX_API_KEY, SANDBOX_API_SECRET } from "./config";
import { OrderChangeError } from "./changes";
import { createAdminApi } from "./graphql/admin-api";
import { startSandboxServer } from "./server";
import { shopEvent } from "./shop-events";
import { SandboxStore } from "./store/store";

const SHOP = "shop-events.myshopify.com";

// Response bodies are dynamic JSON; tests read them through this loose accessor type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function seeded() {
  const store = new SandboxStore();
  store.seedShop({ domain: SHOP, name: "Shop Events", orderCount: 40, seed: 4 });
  return store;
}

describe("shopEvent", () => {
  it("updateCustomer changes what the Admin API answers and sends customers/update once", async () => {
    const store = seeded();
    const order = store.orders(SHOP).find((candidate) => candidate.customer)!;
    const customerId = order.customer!.__ref;
    const { events } = shopEvent(store, SHOP, { type: "updateCustomer", customerId, firstName: "Grace", lastName: "Hopper", email: "grace@example.com" });
    expect(events.map((event) => event.topic)).toEqual(["customers/update"]);
    expect(events[0]!.payload).toMatchObject({ admin_graphql_api_id: customerId, first_name: "Grace", last_name: "Hopper", email: "grace@example.com" });
    expect(shopEvent(store, SHOP, { type: "updateCustomer", customerId, firstName: "Grace" }).events).toEqual([]);

    const api = createAdminApi({ store });
    const result = await api.execute(SHOP, { query: `query($id: ID!) { order(id: $id) { customer { displayName defaultEmailAddress { emailAddress } } } }`, variables: { id: order.id } });
    expect((result.body as Json).data.order.customer).toEqual({ displayName: "Grace Hopper", defaultEmailAddress: { emailAddress: "grace@example.com" } });
  });

  it("createCustomer refuses a taken or malformed email", () => {
    const store = seeded();
    const taken = store.customers(SHOP)[0]!.email!;
    expect(() => shopEvent(store, SHOP, { type: "createCustomer", firstName: "A", lastName: "B", email: taken.toUpperCase() })).toThrow(/already been taken/);
    expect(() => shopEvent(store, SHOP, { type: "createCustomer", firstName: "A", lastName: "B", email: "nope" })).toThrow(OrderChangeError);
    const { customer, events } = shopEvent(store, SHOP, { type: "createCustomer", firstName: "Ada", lastName: "Lovelace", email: "ada@example.com" });
    expect(store.getCustomer(SHOP, customer!.id)).toBe(customer);
    expect(events[0]!.payload).toMatchObject({ id: Number(customer!.legacyResourceId), email: "ada@example.com", addresses: expect.any(Array) });
  });

  it("the compliance requests name the customer's orders", () => {
    const store = seeded();
    const order = store.orders(SHOP).find((candidate) => candidate.customer)!;
    const customerId = order.customer!.__ref;
    const own = store.orders(SHOP).filter((candidate) => candidate.customer?.__ref === customerId).map((candidate) => Number(candidate.legacyResourceId));
    const redact = shopEvent(store, SHOP, { type: "redactCustomer", customerId }).events[0]!.payload as Json;
    expect(redact).toMatchObject({ shop_domain: SHOP, customer: { id: Number(customerId.split("/").pop()) }, orders_to_redact: own });
    const request = shopEvent(store, SHOP, { type: "requestCustomerData", customerId }).events[0]!.payload as Json;
    expect(request).toMatchObject({ orders_requested: own, data_request: { id: expect.any(Number) } });
    expect(() => shopEvent(store, SHOP, { type: "redactCustomer", customerId: "gid://shopify/Customer/1" })).toThrow(OrderChangeError);
  });
});

describe("POST /_sandbox/events", () => {
  const received: Array<{ path: string; headers: IncomingMessage["headers"]; body: string }> = [];
  const app = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body });
      res.writeHead(200).end();
    });
  });
  afterAll(() => new Promise<void>((resolve) => app.close(() => resolve())));

  it("delivers each event, signed, to the route shopify.app.toml names, in Shopify's newer header spelling when asked", async () => {
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
    const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
    const store = seeded();
    const sandbox = await startSandboxServer({ store, apiKey: SANDBOX_API_KEY, apiSecret: SANDBOX_API_SECRET, appUrl, scopes: "read_orders", webhookHeaderStyle: "shopify" });
    try {
      const post = (event: Json) => fetch(`${sandbox.url}/_sandbox/events`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ event }) });
      expect((await post({ type: "uninstallApp" })).status).toBe(200);
      expect((await post({ type: "redactShop" })).status).toBe(200);
      expect((await post({ type: "updateScopes", scopes: ["read_orders", "write_orders"] })).status).toBe(200);
      expect((await post({ type: "redactCustomer", customerId: "gid://shopify/Customer/1" })).status).toBe(404);
      expect((await post({ type: "nope" })).status).toBe(422);
      expect(received.map((delivery) => [delivery.path, delivery.headers["shopify-topic"]])).toEqual([
        ["/webhooks/app/uninstalled", "app/uninstalled"],
        ["/webhooks/compliance", "shop/redact"],
        ["/webhooks/app/scopes_update", "app/scopes_update"],
      ]);
      for (const delivery of received) {
        expect(delivery.headers["x-shopify-topic"]).toBeUndefined();
        expect(delivery.headers["shopify-hmac-sha256"]).toBe(createHmac("sha256", SANDBOX_API_SECRET).update(delivery.body, "utf8").digest("base64"));
        expect(delivery.headers["shopify-shop-domain"]).toBe(SHOP);
        expect(delivery.headers["shopify-event-id"]).toEqual(expect.any(String));
      }
      expect(JSON.parse(received[2]!.body)).toMatchObject({ current: ["read_orders", "write_orders"] });
    } finally {
      await sandbox.close();
    }
  });
});
