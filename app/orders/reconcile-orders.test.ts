import { beforeAll, describe, expect, it } from "vitest";
import { SHOP_A, startTestSandbox } from "../../tests/helpers/sandbox";
import { adminDocumentRequest, call } from "../../tests/helpers/shopify";
import prisma from "../db.server";
import { scopedDb, type ScopedDb } from "../lib/tenancy.server";
import { loader as homeLoader } from "../routes/app._index";
import type { AdminClient } from "../shopify/admin-client.server";
import { offlineClient } from "../shopify/offline-client.server";
import { ingestOrder } from "./ingest-order.server";
import { reconcileOrders } from "./reconcile-orders.server";

const sandbox = await startTestSandbox();
let db: ScopedDb;
let shopId: string;
let client: AdminClient;

beforeAll(async () => {
  await call(() => homeLoader({ request: adminDocumentRequest("/app", { shop: SHOP_A }), params: {}, context: {} }));
  shopId = (await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_A } })).id;
  db = scopedDb(shopId);
  client = await offlineClient(SHOP_A);
});

describe("reconciliation (missed webhooks)", () => {
  it("ingests what we miss, skips what we hold, moves the cursor forward, and catches later changes", async () => {
    const orders = sandbox.store.orders(SHOP_A);
    const newest = Math.max(...orders.map((order) => Date.parse(order.updatedAt as string)));
    const now = new Date(newest + 60_000);
    // We already hold two orders; the rest were "missed".
    for (const order of orders.slice(0, 2)) await ingestOrder({ db, client, shopifyId: order.id as string });

    const queued: string[] = [];
    const first = await reconcileOrders({ db, shopId, client, now, initialLookbackHours: 24 * 365, ingest: async (id) => void queued.push(id) });
    expect(first.seen).toBe(orders.length);
    expect(new Set(queued)).toEqual(new Set(orders.slice(2).map((order) => order.id as string)));
    const state = await db.ingestionState.findFirstOrThrow({});
    expect(state.reconcileCursor!.getTime()).toBeGreaterThanOrEqual(newest - 60_000);

    // A change Shopify never told us about by webhook.
    const changed = orders[0];
    sandbox.store.touchOrder(SHOP_A, changed.id as string, { action: "tags_added", message: "Tag added" });
    const again: string[] = [];
    const second = await reconcileOrders({ db, shopId, client, now: new Date(), ingest: async (id) => void again.push(id) });
    expect(again).toEqual([changed.id]);
    expect(second.seen).toBeGreaterThanOrEqual(1);
  });
});
