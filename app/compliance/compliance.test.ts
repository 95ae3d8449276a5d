/**
 * The mandatory compliance topics, delivered signed to the real webhook route and processed:
 * shop/redact erases a shop (audit log included), customers/redact removes one customer's
 * personal data and keeps the facts, customers/data_request exports what we hold.
 * Two shops each time: the other one is untouched.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { SHOP_A, SHOP_B, startTestSandbox } from "../../tests/helpers/sandbox";
import { adminDocumentRequest, call, webhookRequest } from "../../tests/helpers/shopify";
import prisma from "../db.server";
import { TENANT_MODELS, scopedDb } from "../lib/tenancy.server";
import { ingestOrder } from "../orders/ingest-order.server";
import { loader as homeLoader } from "../routes/app._index";
import { action as webhookAction } from "../routes/webhooks.$";
import { offlineClient } from "../shopify/offline-client.server";
import { processDelivery } from "../webhooks/process-delivery.server";

const sandbox = await startTestSandbox();

beforeAll(async () => {
  for (const shop of [SHOP_A, SHOP_B]) {
    await call(() => homeLoader({ request: adminDocumentRequest("/app", { shop }), params: {}, context: {} }));
    const record = await prisma.shop.findUniqueOrThrow({ where: { domain: shop } });
    const client = await offlineClient(shop);
    for (const order of sandbox.store.orders(shop).slice(0, 6)) await ingestOrder({ db: scopedDb(record.id), client, shopifyId: order.id as string });
  }
}, 60_000);

async function deliverAndProcess(topic: string, shop: string, payload: unknown, webhookId: string) {
  const response = await call(() => webhookAction({ request: webhookRequest("/webhooks/compliance", { topic, shop, payload, webhookId }), params: {}, context: {} }));
  expect(response.status).toBe(200);
  const delivery = await prisma.webhookDelivery.findFirstOrThrow({ where: { shopDomain: shop, webhookId } });
  return processDelivery({ deliveryId: delivery.id, correlationId: `test-${webhookId}` });
}

async function countsFor(shopId: string) {
  const counts: Record<string, number> = {};
  for (const model of TENANT_MODELS) {
    const rows = await prisma.$queryRawUnsafe<Array<{ n: bigint }>>(`SELECT count(*) AS n FROM "${model}" WHERE "shopId" = $1`, shopId);
    counts[model] = Number(rows[0].n);
  }
  return counts;
}

describe("customers/redact", () => {
  it("removes the customer's name, email, phone and address everywhere and keeps the facts", async () => {
    const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_A } });
    const target = await prisma.order.findFirstOrThrow({ where: { shopId: shop.id, email: { not: null } } });
    const email = target.email!;
    const otherShopOrdersBefore = await prisma.order.findMany({ where: { shopId: { not: shop.id } }, select: { email: true } });

    for (let i = 0; i < 2; i++) {
      expect(await deliverAndProcess("customers/redact", SHOP_A, { shop_domain: SHOP_A, customer: { id: Number(target.customerShopifyId!.split("/").pop()), email }, orders_to_redact: [] }, "redact-1")).toMatch(/processed/);
    }
    const orders = await prisma.order.findMany({ where: { shopId: shop.id, customerShopifyId: target.customerShopifyId } });
    expect(orders.length).toBeGreaterThan(0);
    for (const order of orders) {
      expect(order.email).toBeNull();
      expect(order.customerName).toBeNull();
      expect(order.totalAmount).toMatch(/^\d+\.\d{2}$/); // the facts stay
      const snapshots = await prisma.orderSnapshot.findMany({ where: { orderId: order.id } });
      for (const snapshot of snapshots) {
        const text = JSON.stringify(snapshot.content);
        expect(text).not.toContain(email);
        expect((snapshot.content as { shippingAddress: unknown }).shippingAddress).toBeNull();
        expect((snapshot.content as { totals: { total: unknown } }).totals.total).not.toBeNull();
      }
    }
    expect(await prisma.auditLog.count({ where: { shopId: shop.id, action: "customer.redacted" } })).toBe(1);
    // Shop B is untouched.
    expect(await prisma.order.findMany({ where: { shopId: { not: shop.id } }, select: { email: true } })).toEqual(otherShopOrdersBefore);
  });
});

describe("customers/data_request", () => {
  it("exports what we hold for the customer, once per request", async () => {
    const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_B } });
    const target = await prisma.order.findFirstOrThrow({ where: { shopId: shop.id, email: { not: null } } });
    const payload = { shop_domain: SHOP_B, customer: { id: Number(target.customerShopifyId!.split("/").pop()), email: target.email }, orders_requested: [], data_request: { id: 777 } };
    await deliverAndProcess("customers/data_request", SHOP_B, payload, "dr-1");
    await deliverAndProcess("customers/data_request", SHOP_B, payload, "dr-2");
    const requests = await prisma.dataRequest.findMany({ where: { shopId: shop.id } });
    expect(requests).toHaveLength(1);
    const exported = requests[0].export as { orders: Array<{ order: string; timeline: unknown[] }> };
    expect(exported.orders.map((order) => order.order)).toContain(target.name);
    expect(exported.orders[0].timeline.length).toBeGreaterThan(0);
    expect(await prisma.auditLog.count({ where: { shopId: shop.id, action: "customer.data_requested" } })).toBe(1);
  });
});

describe("shop/redact", () => {
  it("deletes every row of the shop, audit log included, idempotently; the other shop keeps everything", async () => {
    const a = await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_A } });
    const b = await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_B } });
    const before = await countsFor(a.id);
    expect(before.AuditLog).toBeGreaterThan(0);
    expect(before.Order).toBeGreaterThan(0);
    const bBefore = await countsFor(b.id);

    for (const id of ["purge-1", "purge-2"]) await deliverAndProcess("shop/redact", SHOP_A, { shop_id: 1, shop_domain: SHOP_A }, id);

    expect(Object.values(await countsFor(a.id)).every((count) => count === 0)).toBe(true);
    expect(await prisma.shop.count({ where: { domain: SHOP_A } })).toBe(0);
    expect(await prisma.session.count({ where: { shop: SHOP_A } })).toBe(0);
    expect(await prisma.webhookDelivery.count({ where: { shopDomain: SHOP_A, topic: { not: "shop/redact" } } })).toBe(0);
    expect(await countsFor(b.id)).toEqual(bBefore);
    // The append-only rule is back in force after the purge.
    await expect(prisma.$executeRawUnsafe(`DELETE FROM "AuditLog" WHERE "shopId" = $1`, b.id)).rejects.toThrow(/append-only/);
  });
});
