/**
 * What the webhook inbox answers, on the real route with real signatures: Shopify's two header
 * spellings, duplicates by event id, and every body a sender can get wrong (malformed, not a
 * myshopify shop, oversized, text Postgres cannot store). A bad delivery gets a 4xx with the
 * standard error body and leaves nothing in the inbox; only a good one is stored, then
 * acknowledged.
 */
import { createHmac, randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { SANDBOX_API_SECRET } from "../../sandbox/config";
import { SandboxStore } from "../../sandbox/store/store";
import type { OrderRecord } from "../../sandbox/store/types";
import { orderPayload } from "../../sandbox/webhook-payloads";
import { webhookHeaders, type WebhookDelivery } from "../../sandbox/webhooks";
import { TEST_APP_URL } from "../../tests/setup/app-env";
import { call, webhookRequest } from "../../tests/helpers/shopify";
import prisma from "../db.server";
import { stopBoss } from "../jobs/boss.server";
import { action as webhookAction, loader as webhookLoader } from "../routes/webhooks.$";
import { action as scopesUpdateAction } from "../routes/webhooks.app.scopes_update";
import { action as uninstalledAction } from "../routes/webhooks.app.uninstalled";
import { MAX_WEBHOOK_BODY_BYTES } from "./read-webhook.server";

const SHOP = "intake-shop.myshopify.com";
const URL_INBOX = `${TEST_APP_URL}/webhooks/shopify`;

afterAll(() => stopBoss());

type ErrorJson = { error: { code: string; message: string; correlationId: string } };

function deliver(delivery: Partial<WebhookDelivery> & { topic?: string }) {
  const full: WebhookDelivery = { topic: "orders/updated", shop: SHOP, payload: { id: 1, admin_graphql_api_id: "gid://shopify/Order/1" }, ...delivery };
  return call<ErrorJson | string>(() => webhookAction({ request: webhookRequest("/webhooks/shopify", full), params: { "*": "shopify" }, context: {} }));
}

/** A signed request whose body is exactly `body` (bytes the sandbox would never send). */
function signedRaw(body: string | Uint8Array | ReadableStream<Uint8Array>, options: { shop?: string; topic?: string; webhookId?: string; signWith?: string; headers?: Record<string, string> } = {}) {
  const signed = typeof options.signWith === "string" ? options.signWith : typeof body === "string" ? body : "";
  const headers = {
    ...webhookHeaders({ topic: options.topic ?? "orders/updated", shop: options.shop ?? SHOP, payload: null, webhookId: options.webhookId ?? randomUUID() }, signed, SANDBOX_API_SECRET),
    ...options.headers,
  };
  return new Request(URL_INBOX, { method: "POST", headers, body, ...(body instanceof ReadableStream ? { duplex: "half" } : {}) } as RequestInit);
}

async function post(request: Request) {
  return call<ErrorJson | string>(() => webhookAction({ request, params: { "*": "shopify" }, context: {} }));
}

const rows = () => prisma.webhookDelivery.count();

function expectErrorBody(body: unknown, code: string) {
  const error = (body as ErrorJson).error;
  expect(error.code).toBe(code);
  expect(error.message).toEqual(expect.any(String));
  expect(error.correlationId).toEqual(expect.any(String));
}

describe("webhook intake: headers and duplicates", () => {
  it("accepts Shopify's lowercase shopify-* headers and stores the real topic and ids", async () => {
    const webhookId = randomUUID();
    const eventId = randomUUID();
    const result = await deliver({ topic: "orders/paid", headerStyle: "shopify", webhookId, eventId, triggeredAt: "2026-11-02T10:00:00.000Z", apiVersion: "2026-10" });
    expect(result.status).toBe(200);
    const stored = await prisma.webhookDelivery.findFirstOrThrow({ where: { webhookId } });
    expect(stored).toMatchObject({ topic: "orders/paid", shopDomain: SHOP, eventId, apiVersion: "2026-10" });
    expect(stored.triggeredAt?.toISOString()).toBe("2026-11-02T10:00:00.000Z");
  });

  it("a new webhook id with a seen event id (same topic) is acknowledged and stored once", async () => {
    const eventId = randomUUID();
    const first = await deliver({ webhookId: randomUUID(), eventId });
    const second = await deliver({ webhookId: randomUUID(), eventId });
    const third = await deliver({ webhookId: randomUUID(), eventId, headerStyle: "shopify" });
    expect([first.status, second.status, third.status]).toEqual([200, 200, 200]);
    expect(await prisma.webhookDelivery.count({ where: { eventId } })).toBe(1);
  });

  it("the same event id under another topic is another notification: both are stored", async () => {
    const eventId = randomUUID();
    expect((await deliver({ topic: "orders/updated", webhookId: randomUUID(), eventId })).status).toBe(200);
    expect((await deliver({ topic: "orders/paid", webhookId: randomUUID(), eventId })).status).toBe(200);
    expect(await prisma.webhookDelivery.count({ where: { eventId } })).toBe(2);
  });

  it("concurrent copies of one event (new webhook ids) leave one row", async () => {
    const eventId = randomUUID();
    const results = await Promise.all(Array.from({ length: 6 }, () => deliver({ webhookId: randomUUID(), eventId })));
    expect(results.map((result) => result.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(await prisma.webhookDelivery.count({ where: { eventId } })).toBe(1);
  });
});

describe("webhook intake: bad deliveries get a 4xx and store nothing", () => {
  it("refuses an unsigned or wrongly signed delivery with 401 and the error body", async () => {
    const before = await rows();
    const unsigned = signedRaw('{"id":1}', { headers: { "X-Shopify-Hmac-Sha256": "" } });
    unsigned.headers.delete("X-Shopify-Hmac-Sha256");
    for (const request of [unsigned, signedRaw('{"id":1}', { headers: { "X-Shopify-Hmac-Sha256": "bm90IHRoZSBzaWduYXR1cmU=" } }), signedRaw('{"id":2}', { signWith: '{"id":1}' })]) {
      const result = await post(request);
      expect(result.status).toBe(401);
      expectErrorBody(result.body, "UNAUTHENTICATED");
    }
    expect(await rows()).toBe(before);
  });

  it("answers 400 to validly signed malformed JSON", async () => {
    const before = await rows();
    for (const body of ['{"id": 1,', "not json", "", '"a string"', "[1,2]", "null"]) {
      const result = await post(signedRaw(body));
      expect(result.status, body).toBe(400);
      expectErrorBody(result.body, "VALIDATION");
    }
    expect(await rows()).toBe(before);
  });

  it("answers 400 when the shop header is not a myshopify domain", async () => {
    const before = await rows();
    for (const shop of ["evil.example.com", "https://shop.myshopify.com", "shop.myshopify.com.evil.io", "../../etc", "a".repeat(300) + ".myshopify.com"]) {
      const result = await post(signedRaw('{"id":1}', { shop }));
      expect(result.status, shop).toBe(400);
      expectErrorBody(result.body, "VALIDATION");
    }
    expect(await rows()).toBe(before);
  });

  it("answers 400 when a required header is missing, even signed", async () => {
    const before = await rows();
    for (const name of ["X-Shopify-Topic", "X-Shopify-Shop-Domain", "X-Shopify-Webhook-Id"]) {
      const request = signedRaw('{"id":1}');
      request.headers.delete(name);
      const result = await post(request);
      expect(result.status, name).toBe(400);
      expectErrorBody(result.body, "VALIDATION");
    }
    expect(await rows()).toBe(before);
  });

  it("refuses a 10 MB signed body without storing it, whether or not it declares its length", async () => {
    const before = await rows();
    const big = JSON.stringify({ id: 1, note: "x".repeat(10 * 1024 * 1024) });
    const declared = await post(signedRaw(big));
    expect(declared.status).toBe(400);
    expectErrorBody(declared.body, "VALIDATION");

    // Streamed (no Content-Length): the reader stops at the cap instead of buffering it all.
    const bytes = new TextEncoder().encode(big);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= bytes.length) return controller.close();
        const chunk = bytes.subarray(sent, sent + 64 * 1024);
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const streamed = await post(signedRaw(stream, { signWith: big }));
    expect(streamed.status).toBe(400);
    expectErrorBody(streamed.body, "VALIDATION");
    expect(sent).toBeLessThan(MAX_WEBHOOK_BODY_BYTES + 256 * 1024);
    expect(await rows()).toBe(before);
  });

  it("leaves room under the cap for Shopify's largest shape: a 250-line order, shipped and refunded", () => {
    const store = new SandboxStore();
    store.seedShop({ domain: SHOP, name: "Big", orderCount: 200, seed: 5 });
    const source = store.orders(SHOP).find((order) => order.fulfillments.length > 0 && order.refunds.some((refund) => refund.refundLineItems.length > 0));
    expect(source).toBeTruthy();
    const order = structuredClone(source!) as OrderRecord;
    const template = order.lineItems[0]!;
    order.lineItems = Array.from({ length: 250 }, (_, i) => ({ ...structuredClone(template), id: `gid://shopify/LineItem/${9_000_000 + i}` }));
    const fulfillment = order.fulfillments[0]!;
    fulfillment.fulfillmentLineItems = order.lineItems.map((line, i) => ({ ...structuredClone(fulfillment.fulfillmentLineItems[0]!), id: `gid://shopify/FulfillmentLineItem/${9_000_000 + i}`, lineItem: { __ref: line.id } }));
    const refund = order.refunds.find((candidate) => candidate.refundLineItems.length > 0)!;
    refund.refundLineItems = order.lineItems.map((line, i) => ({ ...structuredClone(refund.refundLineItems[0]!), id: `gid://shopify/RefundLineItem/${9_000_000 + i}`, lineItem: { __ref: line.id } }));
    const bytes = Buffer.byteLength(JSON.stringify(orderPayload(store, SHOP, order)));
    // Recorded in read-webhook.server.ts beside the cap (~0.9 MB when measured).
    expect(bytes).toBeGreaterThan(500_000);
    expect(bytes).toBeLessThan(MAX_WEBHOOK_BODY_BYTES / 2);
  });

  it("accepts a signed body just under the cap", async () => {
    const body = JSON.stringify({ id: 2, admin_graphql_api_id: "gid://shopify/Order/2", note: "y".repeat(MAX_WEBHOOK_BODY_BYTES - 200) });
    const webhookId = randomUUID();
    expect((await post(signedRaw(body, { webhookId }))).status).toBe(200);
    expect(await prisma.webhookDelivery.count({ where: { webhookId } })).toBe(1);
  });

  it("answers 400 to text Postgres cannot store (NUL, lone surrogates, invalid UTF-8)", async () => {
    const before = await rows();
    const bodies: Array<string | Uint8Array> = [
      '{"id":1,"note":"a\\u0000b"}',
      '{"id":1,"note\\u0000":"x"}',
      '{"id":1,"note":"\\ud800"}',
      '{"id":1,"lines":[{"title":"\\udfff tail"}]}',
      new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    ];
    for (const body of bodies) {
      const result = await post(typeof body === "string" ? signedRaw(body) : signedRawBytes(body));
      expect(result.status, String(body)).toBe(400);
      expectErrorBody(result.body, "VALIDATION");
    }
    expect(await rows()).toBe(before);
  });

  it("answers 400 with the error body to other methods", async () => {
    const put = await post(new Request(URL_INBOX, { method: "PUT", body: "{}" }));
    expect(put.status).toBe(400);
    expectErrorBody(put.body, "VALIDATION");
    const get = await call<ErrorJson>(() => Promise.resolve(webhookLoader({ request: new Request(URL_INBOX), params: { "*": "shopify" }, context: {} })));
    expect(get.status).toBe(400);
    expectErrorBody(get.body, "VALIDATION");
  });

  it("the app lifecycle routes give the same answers", async () => {
    for (const action of [uninstalledAction, scopesUpdateAction]) {
      const malformed = await call<ErrorJson>(() => action({ request: signedRaw("{oops", { topic: "app/uninstalled" }), params: {}, context: {} }));
      expect(malformed.status).toBe(400);
      expectErrorBody(malformed.body, "VALIDATION");
      const badShop = await call<ErrorJson>(() => action({ request: signedRaw('{"id":1}', { shop: "evil.example.com" }), params: {}, context: {} }));
      expect(badShop.status).toBe(400);
      const forged = await call<ErrorJson>(() => action({ request: signedRaw('{"id":2}', { signWith: '{"id":1}' }), params: {}, context: {} }));
      expect(forged.status).toBe(401);
      expectErrorBody(forged.body, "UNAUTHENTICATED");
    }
  });
});

/** Signed over the exact bytes (the HMAC is over bytes, not a decoded string). */
function signedRawBytes(bytes: Uint8Array) {
  const hmac = createHmac("sha256", SANDBOX_API_SECRET).update(bytes).digest("base64");
  const headers = webhookHeaders({ topic: "orders/updated", shop: SHOP, payload: null, webhookId: randomUUID() }, "", SANDBOX_API_SECRET);
  headers["X-Shopify-Hmac-Sha256"] = hmac;
  return new Request(URL_INBOX, { method: "POST", headers, body: Buffer.from(bytes) });
}
