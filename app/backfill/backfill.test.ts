import { Readable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import { SHOP_A, SHOP_B, startTestSandbox } from "../../tests/helpers/sandbox";
import { adminDocumentRequest, call } from "../../tests/helpers/shopify";
import prisma from "../db.server";
import { scopedDb } from "../lib/tenancy.server";
import { ingestOrder } from "../orders/ingest-order.server";
import { loader as homeLoader } from "../routes/app._index";
import type { AdminClient } from "../shopify/admin-client.server";
import { BULK_OPERATION_STATUS_QUERY } from "../shopify/documents";
import { offlineClient } from "../shopify/offline-client.server";
import { assembleOrders } from "./jsonl-orders";
import { runBackfill, type BackfillStep } from "./run-backfill.server";

const sandbox = await startTestSandbox({
  shops: [
    { domain: SHOP_A, name: "Shop A", orderCount: 40, seed: 5 },
    { domain: SHOP_B, name: "Shop B", orderCount: 5, seed: 6 },
  ],
});
let client: AdminClient;
let shopId: string;

beforeAll(async () => {
  for (const shop of [SHOP_A, SHOP_B]) await call(() => homeLoader({ request: adminDocumentRequest("/app", { shop }), params: {}, context: {} }));
  client = await offlineClient(SHOP_A);
  shopId = (await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_A } })).id;
});

async function backfillUntilDone(): Promise<BackfillStep[]> {
  const steps: BackfillStep[] = [];
  for (let i = 0; i < 50; i++) {
    const step = await runBackfill({ shopDomain: SHOP_A, client });
    steps.push(step);
    if (step === "imported" || step === "done" || step === "failed") return steps;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`backfill did not finish: ${steps.join(",")}`);
}

describe("backfill through a bulk operation", () => {
  it("imports every order of the shop, and only that shop's", async () => {
    const steps = await backfillUntilDone();
    expect(steps[0]).toBe("started");
    expect(steps.at(-1)).toBe("imported");
    expect(await prisma.order.count({ where: { shopId } })).toBe(40);
    expect(await prisma.order.count({ where: { shopId: { not: shopId } } })).toBe(0);
    const state = await prisma.ingestionState.findUniqueOrThrow({ where: { shopId } });
    expect(state).toMatchObject({ backfillStatus: "completed", backfillOrdersDone: 40, backfillObjectCount: 40 });
    expect(await runBackfill({ shopDomain: SHOP_A, client })).toBe("done");
  });

  it("rebuilds the same snapshot from the JSONL as single-order ingestion, but for the line items of fulfillment orders, fulfillments and returns", async () => {
    const db = scopedDb(shopId);
    for (const order of sandbox.store.orders(SHOP_A).slice(0, 5)) {
      const row = await db.order.findFirstOrThrow({ where: { shopifyId: order.id as string } });
      const fromBulk = await db.orderSnapshot.findFirstOrThrow({ where: { orderId: row.id, version: 1 } });
      await ingestOrder({ db, client, shopifyId: order.id as string });
      const single = await db.orderSnapshot.findFirstOrThrow({ where: { orderId: row.id }, orderBy: { version: "desc" } });
      // Bulk queries cannot nest that deep (documents.ts): the next single ingest fills them in.
      // The bulk snapshot says so (null, not an empty list), so a return is never offered on it.
      type Lines = { lineItems?: unknown[] | null };
      const content = (value: unknown) => value as { fulfillmentOrders: Lines[]; fulfillments: Lines[]; returns: Lines[] };
      expect(content(fromBulk.content).fulfillments.every((f) => f.lineItems === null)).toBe(true);
      expect(content(fromBulk.content).returns.every((r) => r.lineItems === null)).toBe(true);
      const withoutLines = (snapshot: unknown) => {
        const value = structuredClone(content(snapshot));
        value.fulfillmentOrders.forEach((fo) => (fo.lineItems = []));
        [...value.fulfillments, ...value.returns].forEach((item) => (item.lineItems = null));
        return value;
      };
      expect(withoutLines(single.content)).toEqual(withoutLines(fromBulk.content));
    }
  });

  it("resumes after a crash from its checkpoint without duplicating anything", async () => {
    const db = scopedDb(shopId);
    const orders = await db.order.findMany({ orderBy: { shopifyCreatedAt: "asc" } });
    // As if the import died after its checkpoint at 20 orders: the rest was never stored.
    const kept = new Set((await readJsonlOrderIds()).slice(0, 20));
    const lost = orders.filter((order) => !kept.has(order.shopifyId));
    for (const order of lost) {
      await db.orderTimelineEvent.deleteMany({ where: { orderId: order.id } });
      await db.orderSnapshot.deleteMany({ where: { orderId: order.id } });
      await db.order.delete({ where: { id: order.id } });
    }
    const lines = await linesUpTo(20);
    await db.ingestionState.update({ where: { shopId }, data: { backfillStatus: "importing", backfillOrdersDone: 20, backfillLinesDone: lines } });
    expect(await prisma.order.count({ where: { shopId } })).toBe(20);

    expect(await runBackfill({ shopDomain: SHOP_A, client })).toBe("imported");
    expect(await prisma.order.count({ where: { shopId } })).toBe(40);
    // Every order has its snapshot again; the re-imported ones start at version 1.
    const withSnapshots = await prisma.orderSnapshot.findMany({ where: { shopId }, distinct: ["orderId"], select: { orderId: true } });
    expect(withSnapshots).toHaveLength(40);
    const reimported = await prisma.order.findMany({ where: { shopId, shopifyId: { in: lost.map((order) => order.shopifyId) } } });
    expect(reimported.map((order) => order.snapshotVersion)).toEqual(lost.map(() => 1));
    const state = await prisma.ingestionState.findUniqueOrThrow({ where: { shopId } });
    expect(state.backfillOrdersDone).toBe(40);
  });
});

describe("backfill steps", () => {
  it("starts one bulk operation when two steps race, and imports in bounded slices that resume exactly where they stopped", async () => {
    const clientB = await offlineClient(SHOP_B);
    const shopB = (await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_B } })).id;
    // Two steps at once (two processes, or a retried step beside the first): one claim wins.
    const steps = await Promise.all([runBackfill({ shopDomain: SHOP_B, client: clientB }), runBackfill({ shopDomain: SHOP_B, client: clientB })]);
    expect(steps.sort()).toEqual(["started", "waiting"]);
    expect(sandbox.adminApi.bulk.list(SHOP_B)).toHaveLength(1);

    const seen: BackfillStep[] = [];
    for (let i = 0; i < 50 && seen.at(-1) !== "imported"; i++) {
      // A zero budget: every slice stores one order, checkpoints and hands over.
      seen.push(await runBackfill({ shopDomain: SHOP_B, client: clientB, sliceMs: 0 }));
      if (seen.at(-1) === "waiting") await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(seen.filter((step) => step === "importing")).toHaveLength(5);
    expect(seen.at(-1)).toBe("imported");
    expect(await prisma.order.count({ where: { shopId: shopB } })).toBe(5);
    expect(await prisma.orderSnapshot.count({ where: { shopId: shopB } })).toBe(5);
    const state = await prisma.ingestionState.findUniqueOrThrow({ where: { shopId: shopB } });
    expect(state).toMatchObject({ backfillStatus: "completed", backfillOrdersDone: 5 });
    expect(sandbox.adminApi.bulk.list(SHOP_B)).toHaveLength(1);
  });
});

describe("JSONL assembly", () => {
  it("attaches children by __parentId, two levels deep, and honours skipLines", async () => {
    const jsonl = [
      { id: "gid://shopify/Order/1", name: "#1" },
      { id: "gid://shopify/LineItem/11", title: "Mug", __parentId: "gid://shopify/Order/1" },
      { id: "gid://shopify/FulfillmentOrder/21", status: "OPEN", __parentId: "gid://shopify/Order/1" },
      { id: "gid://shopify/FulfillmentOrderLineItem/31", totalQuantity: 1, __parentId: "gid://shopify/FulfillmentOrder/21" },
      { id: "gid://shopify/Order/2", name: "#2" },
    ]
      .map((line) => JSON.stringify(line))
      .join("\n");
    const all = [];
    for await (const item of assembleOrders(Readable.from([jsonl]))) all.push(item);
    expect(all.map((item) => item.line)).toEqual([1, 5]);
    const first = all[0].order as { lineItems: { nodes: unknown[] }; fulfillmentOrders: { nodes: Array<{ lineItems: { nodes: unknown[] } }> } };
    expect(first.lineItems.nodes).toHaveLength(1);
    expect(first.fulfillmentOrders.nodes[0].lineItems.nodes).toEqual([{ id: "gid://shopify/FulfillmentOrderLineItem/31", totalQuantity: 1 }]);
    const resumed = [];
    for await (const item of assembleOrders(Readable.from([jsonl]), { skipLines: 1 })) resumed.push(item.line);
    expect(resumed).toEqual([5]);
  });
});

/** The order ids in the completed operation's JSONL, in file order. */
async function readJsonlOrderIds(): Promise<string[]> {
  const ids: string[] = [];
  for await (const { order } of assembleOrders(await download())) ids.push(order.id as string);
  return ids;
}

async function linesUpTo(count: number): Promise<number> {
  let seen = 0;
  for await (const { line } of assembleOrders(await download())) if (++seen === count) return line;
  throw new Error("not enough orders");
}

async function download(): Promise<Readable> {
  const state = await prisma.ingestionState.findUniqueOrThrow({ where: { shopId } });
  const status = await client.request<{ bulkOperation: { url: string } }>("BulkOperationStatus", BULK_OPERATION_STATUS_QUERY, { id: state.bulkOperationId });
  const response = await fetch(status.bulkOperation.url);
  return Readable.from([await response.text()]);
}
