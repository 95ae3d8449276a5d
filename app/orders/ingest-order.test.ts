import { beforeAll, describe, expect, it } from "vitest";
import { SHOP_A, SHOP_B, startTestSandbox } from "../../tests/helpers/sandbox";
import { adminDocumentRequest, call } from "../../tests/helpers/shopify";
import prisma from "../db.server";
import { scopedDb, type ScopedDb } from "../lib/tenancy.server";
import { loader as homeLoader } from "../routes/app._index";
import type { AdminClient } from "../shopify/admin-client.server";
import { ORDER_CONTEXT_QUERY } from "../shopify/documents";
import { offlineClient } from "../shopify/offline-client.server";
import { ingestOrder } from "./ingest-order.server";
import { ZOrderContext, type OrderContext } from "./schema";
import { storeOrderContext } from "./store-order-context.server";

const sandbox = await startTestSandbox();
let db: ScopedDb;
let client: AdminClient;

beforeAll(async () => {
  // Installing the app (token exchange) stores the offline session jobs use.
  for (const shop of [SHOP_A, SHOP_B]) await call(() => homeLoader({ request: adminDocumentRequest("/app", { shop }), params: {}, context: {} }));
  const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_A } });
  db = scopedDb(shop.id);
  client = await offlineClient(SHOP_A);
});

const orderIds = (shop: string) => sandbox.store.orders(shop).map((order) => order.id as string);

async function fetchContext(shopifyId: string): Promise<OrderContext> {
  const data = await client.request<{ order: unknown }>("OrderContext", ORDER_CONTEXT_QUERY, { id: shopifyId });
  return ZOrderContext.parse(data.order);
}

const timeline = (orderId: string) =>
  db.orderTimelineEvent.findMany({ where: { orderId }, orderBy: [{ occurredAt: "asc" }, { dedupeKey: "asc" }], select: { id: true, dedupeKey: true, type: true, occurredAt: true } });

describe("single-order ingest", () => {
  it("re-ingesting the same order N times yields the same snapshot version and timeline", async () => {
    const [first] = orderIds(SHOP_A);
    const outcomes = [];
    let events: Awaited<ReturnType<typeof timeline>> | undefined;
    for (let i = 0; i < 5; i++) {
      const result = await ingestOrder({ db, client, shopifyId: first });
      outcomes.push(result.outcome);
      const order = await db.order.findFirstOrThrow({ where: { shopifyId: first } });
      const now = await timeline(order.id);
      if (events) expect(now).toEqual(events);
      events = now;
    }
    expect(outcomes).toEqual(["created", "unchanged", "unchanged", "unchanged", "unchanged"]);
    const order = await db.order.findFirstOrThrow({ where: { shopifyId: first } });
    expect(order.snapshotVersion).toBe(1);
    expect(await db.orderSnapshot.count({ where: { orderId: order.id } })).toBe(1);
    expect(events!.length).toBeGreaterThan(1);
  });

  it("stores money exactly as Shopify's decimal strings, in shop and presentment currency", async () => {
    const id = orderIds(SHOP_A)[1];
    await ingestOrder({ db, client, shopifyId: id });
    const source = sandbox.store.getOrder(SHOP_A, id)!;
    const order = await db.order.findFirstOrThrow({ where: { shopifyId: id } });
    const snapshot = await db.orderSnapshot.findFirstOrThrow({ where: { orderId: order.id } });
    const content = snapshot.content as { totals: { total: { shop: { amount: string }; presentment: { amount: string } } } };
    const totalPriceSet = (source as unknown as { totalPriceSet: { shopMoney: { amount: string }; presentmentMoney: { amount: string } } }).totalPriceSet;
    expect(order.totalAmount).toBe(totalPriceSet.shopMoney.amount);
    expect(content.totals.total.shop.amount).toBe(totalPriceSet.shopMoney.amount);
    expect(content.totals.total.presentment.amount).toBe(totalPriceSet.presentmentMoney.amount);
  });

  it("produces at least 12 kinds of timeline events from real Shopify data", async () => {
    for (const id of orderIds(SHOP_A)) await ingestOrder({ db, client, shopifyId: id });
    const types = await db.orderTimelineEvent.findMany({ distinct: ["type"], select: { type: true } });
    expect(types.length).toBeGreaterThanOrEqual(12);
    expect(types.map((row) => row.type)).toEqual(expect.arrayContaining(["order.created", "payment.failed", "fulfillment.tracking_added", "fulfillment_order.on_hold", "refund.created", "return.requested"]));
  });

  it("a changed order gets a new version and only its new events; older data never overwrites newer", async () => {
    const id = orderIds(SHOP_A)[2];
    const original = await fetchContext(id);
    await storeOrderContext({ db, order: original });
    const before = await db.order.findFirstOrThrow({ where: { shopifyId: id } });
    const eventsBefore = await timeline(before.id);

    const later = new Date(Date.parse(original.updatedAt) + 60_000).toISOString();
    const changed: OrderContext = { ...original, updatedAt: later, tags: [...original.tags, "vip"], note: "Call before delivery" };
    expect((await storeOrderContext({ db, order: changed })).outcome).toBe("updated");
    const after = await db.order.findFirstOrThrow({ where: { shopifyId: id } });
    expect(after.snapshotVersion).toBe(before.snapshotVersion + 1);
    expect(await timeline(after.id)).toEqual(eventsBefore);

    // An older delivery (the original state) arriving late changes nothing.
    expect((await storeOrderContext({ db, order: original })).outcome).toBe("stale");
    const final = await db.order.findFirstOrThrow({ where: { shopifyId: id } });
    expect(final.snapshotVersion).toBe(after.snapshotVersion);
    const latest = await db.orderSnapshot.findFirstOrThrow({ where: { orderId: final.id }, orderBy: { version: "desc" } });
    expect((latest.content as { order: { tags: string[] } }).order.tags).toContain("vip");
  });

  it("cannot reach another shop's order: shop A's client sees shop B's order as missing", async () => {
    const foreign = orderIds(SHOP_B)[0];
    expect((await ingestOrder({ db, client, shopifyId: foreign })).outcome).toBe("missing");
    expect(await prisma.order.count({ where: { shopifyId: foreign } })).toBe(0);
  });
});
