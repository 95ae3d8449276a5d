/**
 * Every topic shopify.app.toml subscribes to, end to end: the sandbox makes the change the way
 * Shopify would and emits the webhook in Shopify's documented shape; each delivery goes signed
 * (alternating Shopify's two header spellings) through the real route the subscription names,
 * the inbox, the worker and a GraphQL re-fetch, and the stored snapshot and timeline (read as
 * one consistent picture, tests/helpers/order-state.ts) or the shop's rows show the change.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_API_SECRET } from "../../sandbox/config";
import { returnableUnits } from "../../sandbox/changes";
import type { WebhookRecord } from "../../sandbox/server";
import type { OrderRecord } from "../../sandbox/store/types";
import { buildWebhookRequest, readWebhookSubscriptions } from "../../sandbox/webhooks";
import { readOrderState, waitForOrderState, type OrderState } from "../../tests/helpers/order-state";
import { SHOP_A, SHOP_B, startTestSandbox } from "../../tests/helpers/sandbox";
import { adminDocumentRequest, call } from "../../tests/helpers/shopify";
import { TEST_APP_URL } from "../../tests/setup/app-env";
import prisma from "../db.server";
import { stopBoss } from "../jobs/boss.server";
import { startWorker } from "../jobs/worker.server";
import { loader as homeLoader } from "../routes/app._index";
import { action as inboxAction } from "../routes/webhooks.$";
import { action as scopesUpdateAction } from "../routes/webhooks.app.scopes_update";
import { action as uninstalledAction } from "../routes/webhooks.app.uninstalled";

const sandbox = await startTestSandbox();
const SUBSCRIBED = [...readWebhookSubscriptions(join(import.meta.dirname, "..", "..", "shopify.app.toml")).keys()];
/** topic -> how its deliveries ended in the inbox (or "handled" for the lifecycle routes). */
const outcomes = new Map<string, Set<string>>();
let deliveries = 0;

beforeAll(async () => {
  // The worker first: an install starts its order import (bulk_operations/finish) only with one.
  await startWorker();
  for (const shop of [SHOP_A, SHOP_B]) await call(() => homeLoader({ request: adminDocumentRequest("/app", { shop }), params: {}, context: {} }));
}, 60_000);

afterAll(() => stopBoss());

const ROUTES: Record<string, typeof inboxAction> = { "/webhooks/app/uninstalled": uninstalledAction, "/webhooks/app/scopes_update": scopesUpdateAction };

/** Hands each webhook the sandbox emitted to the route its subscription names; waits until the inbox has worked it. */
async function deliver(webhooks: WebhookRecord[], expected: "processed" | "skipped" = "processed") {
  expect(webhooks.length).toBeGreaterThan(0);
  for (const webhook of webhooks) {
    expect(webhook.url, `${webhook.topic} is subscribed`).toBeTruthy();
    const path = new URL(webhook.url!).pathname;
    const headerStyle = deliveries++ % 2 === 0 ? "x-shopify" : "shopify";
    const request = buildWebhookRequest(`${TEST_APP_URL}${path}`, { ...webhook, headerStyle }, SANDBOX_API_SECRET);
    const response = await call(() => (ROUTES[path] ?? inboxAction)({ request, params: {}, context: {} }));
    expect(response.status, `${webhook.topic}: ${JSON.stringify(response.body)}`).toBe(200);
    if (ROUTES[path]) {
      record(webhook.topic, "handled");
      continue;
    }
    const row = await waitFor(async () => {
      const stored = await prisma.webhookDelivery.findFirst({ where: { shopDomain: webhook.shop, webhookId: webhook.webhookId } });
      return stored && stored.status !== "received" ? stored : null;
    });
    expect(row.topic).toBe(webhook.topic);
    record(webhook.topic, row.status);
    // Order topics other than the one under test in a change (orders/updated beside orders/paid...) must be processed too.
    expect(row.status, `${webhook.topic}: ${row.error ?? ""}`).toBe(webhook.topic === webhooks[0]!.topic ? expected : "processed");
  }
  return webhooks;
}

function record(topic: string, outcome: string) {
  if (!outcomes.has(topic)) outcomes.set(topic, new Set());
  outcomes.get(topic)!.add(outcome);
}

async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 25_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

const topicsOf = (webhooks: WebhookRecord[]) => webhooks.map((webhook) => webhook.topic);

async function change(orderId: string, orderChange: Parameters<typeof sandbox.changeOrder>[2]) {
  const { webhooks } = await sandbox.changeOrder(SHOP_A, orderId, orderChange);
  return deliver(webhooks);
}

function findOrder(predicate: (order: OrderRecord) => boolean, shop = SHOP_A): OrderRecord {
  const found = sandbox.store.orders(shop).find(predicate);
  if (!found) throw new Error("no such order in the demo store");
  return found;
}

/** A new order placed now (orders/create...), delivered, until one satisfies `predicate`. */
async function newOrder(archetype: "paid_unfulfilled" | "pending", predicate: (order: OrderRecord) => boolean = () => true): Promise<OrderRecord> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const { order, webhooks } = await sandbox.createOrder(SHOP_A, { archetype });
    await deliver(webhooks);
    if (predicate(order)) return order;
  }
  throw new Error(`no ${archetype} order fits`);
}

const content = (state: OrderState) => state.content as {
  order: { tags: string[]; financialStatus: string; fulfillmentStatus: string; cancelledAt: string | null };
  customer: { name: string | null; email: string | null };
  lineItems: Array<{ id: string; quantity: number; currentQuantity: number }>;
  fulfillmentOrders: Array<{ id: string; status: string; location: string; holds: Array<{ reason: string; notes: string | null }> }>;
  fulfillments: Array<{ tracking: Array<{ number: string | null }> }>;
  returns: Array<{ id: string; status: string; closedAt: string | null }>;
  totals: { refunded: { shop: { amount: string } } };
};
const returnOf = (state: OrderState, id: string) => content(state).returns.find((ret) => ret.id === id);
const foOf = (state: OrderState, id: string) => content(state).fulfillmentOrders.find((fo) => fo.id === id);

describe("every subscribed webhook topic reaches what the app stores", () => {
  let placed: OrderRecord;
  let shipped: OrderRecord;

  it("orders/create, order_transactions/create and orders/paid: a new paid order", async () => {
    placed = await newOrder("paid_unfulfilled");
    const state = await waitForOrderState(placed.id, (s) => content(s).order.financialStatus === "PAID");
    expect(state.types).toContain("order.created");
    expect(state.types.some((type) => type === "payment.paid" || type === "payment.captured")).toBe(true);
  }, 60_000);

  it("orders/updated: a tag", async () => {
    await change(placed.id, { type: "addTag", tag: "vip-customer" });
    await waitForOrderState(placed.id, (s) => content(s).order.tags.includes("vip-customer"));
  }, 40_000);

  it("orders/paid and order_transactions/create: marked as paid", async () => {
    const order = findOrder((o) => ["PENDING", "AUTHORIZED", "PARTIALLY_PAID"].includes(o.displayFinancialStatus) && !o.cancelledAt);
    const webhooks = await change(order.id, { type: "markPaid" });
    expect(topicsOf(webhooks)).toEqual(expect.arrayContaining(["order_transactions/create", "orders/paid", "orders/updated"]));
    const state = await waitForOrderState(order.id, (s) => content(s).order.financialStatus === "PAID");
    expect(state.types.some((type) => type === "payment.captured" || type === "payment.paid")).toBe(true);
  }, 40_000);

  it("fulfillments/create and orders/partially_fulfilled, then orders/fulfilled and fulfillments/update (tracking)", async () => {
    shipped = await newOrder("paid_unfulfilled", (o) => o.lineItems.some((line) => line.quantity > 1) && o.fulfillmentOrders.some((fo) => fo.status === "OPEN"));
    const line = shipped.lineItems.find((candidate) => candidate.quantity > 1)!;
    expect(topicsOf(await change(shipped.id, { type: "fulfill", lineItems: [{ id: line.id, quantity: 1 }], company: "DHL Express", trackingNumber: "JD014600003828" }))).toEqual([
      "fulfillments/create",
      "orders/partially_fulfilled",
      "orders/updated",
    ]);
    await waitForOrderState(shipped.id, (s) => content(s).order.fulfillmentStatus === "PARTIALLY_FULFILLED" && s.types.includes("fulfillment.tracking_added"));
    expect(topicsOf(await change(shipped.id, { type: "fulfill" }))).toEqual(["fulfillments/create", "orders/fulfilled", "orders/updated"]);
    await waitForOrderState(shipped.id, (s) => content(s).order.fulfillmentStatus === "FULFILLED");
    const fulfillment = shipped.fulfillments[0]!;
    expect(topicsOf(await change(shipped.id, { type: "updateTracking", fulfillmentId: fulfillment.id, company: "UPS", number: "1Z999AA10123456784", url: null, notify: true }))).toEqual(["fulfillments/update", "orders/updated"]);
    await waitForOrderState(shipped.id, (s) => content(s).fulfillments.some((f) => f.tracking.some((info) => info.number === "1Z999AA10123456784")));
  }, 60_000);

  it("refunds/create", async () => {
    const order = findOrder((o) => o.displayFinancialStatus === "PAID" && !o.cancelledAt && o.refunds.length === 0 && o !== shipped && o !== placed);
    await change(order.id, { type: "refund", amount: "1.00", note: "Goodwill" });
    const state = await waitForOrderState(order.id, (s) => s.types.includes("refund.created"));
    expect(content(state).totals.refunded.shop.amount).toBe("1.00");
  }, 40_000);

  it("orders/cancelled", async () => {
    const order = findOrder((o) => !o.cancelledAt && o.fulfillments.length === 0 && o !== placed && o.displayFulfillmentStatus === "UNFULFILLED");
    await change(order.id, { type: "cancel", reason: "CUSTOMER" });
    await waitForOrderState(order.id, (s) => content(s).order.cancelledAt !== null && s.types.includes("order.cancelled"));
  }, 40_000);

  it("orders/edited: an order edit removes a unit", async () => {
    const order = await newOrder("pending", (o) => o.lineItems.reduce((acc, line) => acc + line.currentQuantity, 0) > 1 && o.fulfillmentOrders.every((fo) => fo.status !== "CLOSED"));
    const line = order.lineItems.find((candidate) => candidate.currentQuantity > 1) ?? order.lineItems[0]!;
    const before = line.currentQuantity;
    expect(topicsOf(await change(order.id, { type: "editQuantity", lineItemId: line.id, quantity: before - 1, staffNote: "Out of stock" }))).toEqual(["orders/edited", "orders/updated"]);
    const state = await waitForOrderState(order.id, (s) => content(s).lineItems.some((item) => item.id === line.id && item.currentQuantity === before - 1));
    expect(state.types).toContain("order.order_edited");
  }, 60_000);

  it("fulfillment_orders/placed_on_hold, hold_released, moved and cancelled", async () => {
    const fo = placed.fulfillmentOrders.find((candidate) => candidate.status === "OPEN")!;
    expect(fo).toBeTruthy();
    await change(placed.id, { type: "holdFulfillmentOrder", fulfillmentOrderId: fo.id, reason: "INCORRECT_ADDRESS", reasonNotes: "House number missing" });
    let state = await waitForOrderState(placed.id, (s) => foOf(s, fo.id)?.status === "ON_HOLD");
    expect(foOf(state, fo.id)!.holds).toEqual([expect.objectContaining({ reason: "INCORRECT_ADDRESS", notes: "House number missing" })]);
    expect(state.types).toContain("fulfillment_order.on_hold");

    await change(placed.id, { type: "releaseHold", fulfillmentOrderId: fo.id });
    await waitForOrderState(placed.id, (s) => foOf(s, fo.id)?.status === "OPEN" && foOf(s, fo.id)!.holds.length === 0);

    const destination = sandbox.store.requireShop(SHOP_A).locations.find((location) => location.id !== fo.assignedLocation.location?.__ref && !location.isFulfillmentService)!;
    await change(placed.id, { type: "moveFulfillmentOrder", fulfillmentOrderId: fo.id, locationId: destination.id });
    state = await waitForOrderState(placed.id, (s) => foOf(s, fo.id)?.location === destination.name);
    expect(state.types).toContain("order.fulfillment_order_moved");

    await change(placed.id, { type: "cancelFulfillmentOrder", fulfillmentOrderId: fo.id });
    state = await waitForOrderState(placed.id, (s) => foOf(s, fo.id)?.status === "CANCELLED");
    expect(content(state).fulfillmentOrders.some((other) => other.id !== fo.id && other.status === "OPEN")).toBe(true);
  }, 60_000);

  it("returns/request, returns/approve, returns/close and returns/reopen", async () => {
    const item = shipped.fulfillments[0]!.fulfillmentLineItems[0]!;
    await change(shipped.id, { type: "requestReturn", lines: [{ fulfillmentLineItemId: item.id, quantity: 1, returnReason: "SIZE_TOO_SMALL" }] });
    const ret = shipped.returns.at(-1)!;
    let state = await waitForOrderState(shipped.id, (s) => returnOf(s, ret.id)?.status === "REQUESTED");
    expect(state.types).toContain("return.requested");
    await change(shipped.id, { type: "approveReturn", returnId: ret.id });
    await waitForOrderState(shipped.id, (s) => returnOf(s, ret.id)?.status === "OPEN");
    await change(shipped.id, { type: "closeReturn", returnId: ret.id });
    state = await waitForOrderState(shipped.id, (s) => returnOf(s, ret.id)?.status === "CLOSED");
    expect(state.types).toContain("return.closed");
    await change(shipped.id, { type: "reopenReturn", returnId: ret.id });
    state = await waitForOrderState(shipped.id, (s) => returnOf(s, ret.id)?.status === "OPEN");
    expect(returnOf(state, ret.id)!.closedAt).toBeNull();
  }, 60_000);

  it("returns/decline", async () => {
    const order = findOrder(
      (o) => o !== shipped && !o.cancelledAt && o.returns.length === 0 && o.fulfillments.some((f) => f.status === "SUCCESS" && f.fulfillmentLineItems.some((item) => returnableUnits(o, item.id) > 0)),
    );
    const item = order.fulfillments.flatMap((f) => f.fulfillmentLineItems).find((candidate) => returnableUnits(order, candidate.id) > 0)!;
    await change(order.id, { type: "requestReturn", lines: [{ fulfillmentLineItemId: item.id, quantity: 1 }] });
    const ret = order.returns.at(-1)!;
    await change(order.id, { type: "declineReturn", returnId: ret.id, reason: "RETURN_PERIOD_ENDED", note: "The 30-day window has ended." });
    await waitForOrderState(order.id, (s) => returnOf(s, ret.id)?.status === "DECLINED");
  }, 60_000);

  it("customers/update: the customer's orders show the new name", async () => {
    const customerId = placed.customer!.__ref;
    const { webhooks } = await sandbox.shopEvent(SHOP_A, { type: "updateCustomer", customerId, firstName: "Renamed", lastName: "Customer" });
    await deliver(webhooks);
    await waitForOrderState(placed.id, (s) => content(s).customer.name === "Renamed Customer");
  }, 40_000);

  it("customers/create: accepted; nothing of ours names a brand-new customer yet", async () => {
    const { webhooks } = await sandbox.shopEvent(SHOP_A, { type: "createCustomer", firstName: "New", lastName: "Person", email: "new.person@example.com" });
    await deliver(webhooks, "skipped");
  }, 40_000);

  it("bulk_operations/finish: the install's import completes", async () => {
    const finished = await waitFor(async () => sandbox.deliveries.find((webhook) => webhook.topic === "bulk_operations/finish" && webhook.shop === SHOP_A));
    await deliver([finished]);
    const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_A } });
    await waitFor(async () => (await prisma.ingestionState.findUnique({ where: { shopId: shop.id } }))?.backfillStatus === "completed");
    expect(await prisma.order.count({ where: { shopId: shop.id } })).toBeGreaterThanOrEqual(sandbox.store.orders(SHOP_A).length);
  }, 60_000);

  it("customers/data_request: the export is stored once per request", async () => {
    const customerId = shipped.customer!.__ref;
    const { webhooks } = await sandbox.shopEvent(SHOP_A, { type: "requestCustomerData", customerId });
    await deliver(webhooks);
    const requestId = String((webhooks[0]!.payload as { data_request: { id: number } }).data_request.id);
    const stored = await prisma.dataRequest.findFirstOrThrow({ where: { shopifyRequestId: requestId } });
    expect(stored.customerShopifyId).toBe(customerId);
  }, 40_000);

  it("customers/redact: the customer's email leaves the stored order", async () => {
    const customer = sandbox.store.getCustomer(SHOP_A, shipped.customer!.__ref)!;
    const before = await readOrderState(shipped.id);
    expect(content(before!).customer.email).toBe(customer.email);
    const { webhooks } = await sandbox.shopEvent(SHOP_A, { type: "redactCustomer", customerId: customer.id });
    await deliver(webhooks);
    await waitForOrderState(shipped.id, (s) => content(s).customer.email !== customer.email);
  }, 40_000);

  it("app/scopes_update: the shop records the new grant", async () => {
    const { webhooks } = await sandbox.shopEvent(SHOP_A, { type: "updateScopes", scopes: ["read_orders", "write_orders", "read_customers"] });
    await deliver(webhooks);
    expect((await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_A } })).scopes).toBe("read_orders,write_orders,read_customers");
  }, 40_000);

  it("app/uninstalled, then shop/redact 48 hours later: the shop's data is gone", async () => {
    const shopB = await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_B } });
    await waitFor(async () => (await prisma.ingestionState.findUnique({ where: { shopId: shopB.id } }))?.backfillStatus === "completed");
    expect(await prisma.order.count({ where: { shopId: shopB.id } })).toBeGreaterThan(0);
    await deliver((await sandbox.shopEvent(SHOP_B, { type: "uninstallApp" })).webhooks);
    expect((await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_B } })).uninstalledAt).toBeInstanceOf(Date);
    await deliver((await sandbox.shopEvent(SHOP_B, { type: "redactShop" })).webhooks);
    expect(await prisma.shop.findUnique({ where: { domain: SHOP_B } })).toBeNull();
    expect(await prisma.order.count({ where: { shopId: shopB.id } })).toBe(0);
  }, 60_000);

  it("covered every subscribed topic, and no delivery failed", async () => {
    expect([...outcomes.keys()].sort()).toEqual([...SUBSCRIBED].sort());
    for (const [topic, seen] of outcomes) expect([topic, [...seen].every((outcome) => ["processed", "skipped", "handled"].includes(outcome))]).toEqual([topic, true]);
    expect(await prisma.webhookDelivery.count({ where: { status: "failed" } })).toBe(0);
  });
});
