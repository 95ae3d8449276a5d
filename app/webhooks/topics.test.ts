/**
 * Real-shaped webhooks for each order topic: the sandbox changes an order the way Shopify
 * would and emits the webhooks Shopify sends for it; each delivery goes through the real
 * route (signed), the inbox, the worker and a GraphQL re-fetch, and the change shows up in the
 * stored snapshot and timeline.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_A, startTestSandbox } from "../../tests/helpers/sandbox";
import { adminDocumentRequest, call, webhookRequest } from "../../tests/helpers/shopify";
import prisma from "../db.server";
import { stopBoss } from "../jobs/boss.server";
import { startWorker } from "../jobs/worker.server";
import { loader as homeLoader } from "../routes/app._index";
import { action as webhookAction } from "../routes/webhooks.$";

const sandbox = await startTestSandbox();
const topicsSeen = new Set<string>();

beforeAll(async () => {
  await call(() => homeLoader({ request: adminDocumentRequest("/app", { shop: SHOP_A }), params: {}, context: {} }));
  await startWorker();
}, 60_000);

afterAll(() => stopBoss());

/** Applies a change in the sandbox and hands every webhook it emitted to the app's route. */
async function changeAndDeliver(orderId: string, change: Parameters<typeof sandbox.changeOrder>[2]) {
  const { webhooks } = await sandbox.changeOrder(SHOP_A, orderId, change);
  expect(webhooks.length).toBeGreaterThan(0);
  for (const webhook of webhooks) {
    topicsSeen.add(webhook.topic);
    const response = await call(() =>
      webhookAction({
        request: webhookRequest("/webhooks/shopify", { topic: webhook.topic, shop: SHOP_A, payload: webhook.payload, webhookId: webhook.webhookId, eventId: webhook.eventId, triggeredAt: webhook.triggeredAt }),
        params: {},
        context: {},
      }),
    );
    expect(response.status).toBe(200);
  }
  return webhooks;
}

async function latest(shopifyId: string, predicate: (content: Record<string, unknown>, types: string[]) => boolean) {
  const deadline = Date.now() + 25_000;
  for (;;) {
    const order = await prisma.order.findFirst({ where: { shopifyId } });
    if (order) {
      const snapshot = await prisma.orderSnapshot.findFirstOrThrow({ where: { orderId: order.id }, orderBy: { version: "desc" } });
      const types = (await prisma.orderTimelineEvent.findMany({ where: { orderId: order.id }, select: { type: true } })).map((event) => event.type);
      if (predicate(snapshot.content as Record<string, unknown>, types)) return { order, content: snapshot.content as Record<string, unknown>, types };
    }
    if (Date.now() > deadline) throw new Error(`order ${shopifyId} never reached the expected state`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const orderWith = (predicate: (order: Record<string, unknown>) => boolean) => {
  const found = sandbox.store.orders(SHOP_A).find((order) => predicate(order as unknown as Record<string, unknown>));
  if (!found) throw new Error("no such order in the demo store");
  return found.id as string;
};

describe("webhook topics reach the stored order", () => {
  it("orders/updated (a tag)", async () => {
    const id = orderWith((order) => !order.cancelledAt);
    await changeAndDeliver(id, { type: "addTag", tag: "vip-customer" });
    await latest(id, (content) => ((content.order as { tags: string[] }).tags ?? []).includes("vip-customer"));
  }, 40_000);

  it("orders/paid and order_transactions/create", async () => {
    const id = orderWith((order) => ["PENDING", "AUTHORIZED", "PARTIALLY_PAID"].includes(String(order.displayFinancialStatus)) && !order.cancelledAt);
    await changeAndDeliver(id, { type: "markPaid" });
    const result = await latest(id, (content) => (content.order as { financialStatus: string }).financialStatus === "PAID");
    expect(result.types.some((type) => type === "payment.captured" || type === "payment.paid")).toBe(true);
  }, 40_000);

  it("fulfillments/create and orders/fulfilled (tracking on the timeline)", async () => {
    const id = orderWith((order) => order.displayFulfillmentStatus === "UNFULFILLED" && order.displayFinancialStatus === "PAID" && !order.cancelledAt);
    await changeAndDeliver(id, { type: "fulfill", company: "DHL Express", trackingNumber: "JD014600003828" });
    const result = await latest(id, (_content, types) => types.includes("fulfillment.tracking_added"));
    const fulfillments = result.content.fulfillments as Array<{ tracking: Array<{ number: string }> }>;
    expect(fulfillments.flatMap((fulfillment) => fulfillment.tracking.map((info) => info.number))).toContain("JD014600003828");
  }, 40_000);

  it("refunds/create", async () => {
    const id = orderWith((order) => order.displayFinancialStatus === "PAID" && !order.cancelledAt && (order.refunds as unknown[]).length === 0);
    await changeAndDeliver(id, { type: "refund", amount: "1.00", note: "Goodwill" });
    const result = await latest(id, (_content, types) => types.includes("refund.created"));
    expect((result.content.totals as { refunded: { shop: { amount: string } } }).refunded.shop.amount).toBe("1.00");
  }, 40_000);

  it("orders/cancelled", async () => {
    const id = orderWith((order) => !order.cancelledAt && order.displayFulfillmentStatus === "UNFULFILLED" && (order.fulfillments as unknown[]).length === 0);
    await changeAndDeliver(id, { type: "cancel", reason: "CUSTOMER" });
    await latest(id, (content, types) => (content.order as { cancelledAt: string | null }).cancelledAt !== null && types.includes("order.cancelled"));
  }, 40_000);

  it("covered the topics Shopify sends for these changes", () => {
    expect([...topicsSeen]).toEqual(expect.arrayContaining(["orders/updated", "orders/paid", "order_transactions/create", "fulfillments/create", "refunds/create", "orders/cancelled"]));
  });
});
