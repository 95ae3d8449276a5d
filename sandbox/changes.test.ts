import { describe, expect, it } from "vitest";
import { OrderChangeError, changeOrder, createOrder, type OrderChange } from "./changes";
import { createAdminApi } from "./graphql/admin-api";
import { orderInvariantViolations } from "./store/invariants";
import { bagMinor } from "./store/money";
import { SandboxStore, type StoreEvent } from "./store/store";
import type { OrderRecord } from "./store/types";
import { restTimestamp } from "./webhook-payloads";

const SHOP = "changes.myshopify.com";

// Webhook payloads are dynamic JSON; tests read them through this loose accessor type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function setup(orderCount = 250) {
  const store = new SandboxStore();
  store.seedShop({ domain: SHOP, name: "Changes", orderCount, seed: 1 });
  const published: StoreEvent[] = [];
  store.subscribe((event) => published.push(event));
  const pick = (predicate: (order: OrderRecord) => boolean) => {
    const order = store.orders(SHOP).find(predicate);
    if (!order) throw new Error("no matching order in the demo store");
    return order;
  };
  const newest = () => store.orders(SHOP).reduce((max, order) => (order.updatedAt > max ? order.updatedAt : max), "");
  return { store, published, pick, newest };
}

const minor = bagMinor;

function expectConsistent(order: OrderRecord) {
  expect(orderInvariantViolations(order)).toEqual([]);
}

function expectWebhooks(events: StoreEvent[], order: OrderRecord, topics: string[]) {
  expect(events.map((event) => event.topic)).toEqual(topics);
  for (const event of events) expect(event.domain).toBe(SHOP);
  const orderPayloads = events.filter((event) => event.topic.startsWith("orders/") && event.topic !== "orders/edited").map((event) => event.payload as Json);
  for (const payload of orderPayloads) {
    expect(payload).toMatchObject({
      id: Number(order.legacyResourceId),
      admin_graphql_api_id: order.id,
      name: order.name,
      order_number: order.number,
      financial_status: order.displayFinancialStatus.toLowerCase(),
      total_price: order.totalPriceSet.shopMoney.amount,
      current_total_price: order.currentTotalPriceSet.shopMoney.amount,
      tags: order.tags.join(", "),
    });
    // Same instant as the GraphQL updatedAt, in the shop's offset (Europe/Berlin: +01:00).
    expect(payload.updated_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+01:00$/);
    expect(Date.parse(payload.updated_at)).toBe(Date.parse(order.updatedAt));
    expect(payload.line_items).toHaveLength(order.lineItems.length);
  }
}

describe("order invariants", () => {
  it("hold for every generated order", () => {
    const { store } = setup();
    for (const order of store.orders(SHOP)) expectConsistent(order);
  });
});

describe("changeOrder", () => {
  it("addTag bumps updatedAt, records an event and sends orders/updated; a repeated tag changes nothing", () => {
    const { store, pick, newest, published } = setup();
    const order = pick((o) => !o.tags.includes("vip"));
    const before = newest();
    const { events } = changeOrder(store, SHOP, order.id, { type: "addTag", tag: "vip" });
    expect(order.updatedAt > before).toBe(true);
    expect(order.tags).toContain("vip");
    expect(order.events.at(-1)).toMatchObject({ action: "tags_added", createdAt: order.updatedAt });
    expectWebhooks(events, order, ["orders/updated"]);
    expect(published).toEqual(events);

    const stamp = order.updatedAt;
    expect(changeOrder(store, SHOP, Number(order.legacyResourceId), { type: "addTag", tag: "VIP" }).events).toEqual([]);
    expect(order.updatedAt).toBe(stamp);
    expect(() => changeOrder(store, SHOP, order.id, { type: "addTag", tag: " " })).toThrow(OrderChangeError);
    expect(() => changeOrder(store, SHOP, "gid://shopify/Order/1", { type: "addTag", tag: "x" })).toThrow(/does not exist/);
    expect(() => changeOrder(store, SHOP, order.id, { type: "explode" } as unknown as OrderChange)).toThrow(/Unknown change type/);
  });

  it("markPaid records a manual sale for the balance, releases payment holds and sends orders/paid", () => {
    const { store, pick } = setup();
    const order = pick((o) => o.displayFinancialStatus === "PENDING" && o.fulfillmentOrders[0]?.fulfillmentHolds[0]?.reason === "AWAITING_PAYMENT");
    const balance = minor(order.totalOutstandingSet);
    const { events } = changeOrder(store, SHOP, order.id, { type: "markPaid" });
    expect(order.displayFinancialStatus).toBe("PAID");
    expect(order.transactions.at(-1)).toMatchObject({ kind: "SALE", status: "SUCCESS", gateway: "manual", processedAt: order.updatedAt });
    expect(minor(order.transactions.at(-1)?.amountSet ?? order.totalPriceSet)).toBe(balance);
    expect(minor(order.totalOutstandingSet)).toBe(0);
    expect(order.fulfillmentOrders[0]?.status).toBe("OPEN");
    expect(order.fulfillmentOrders[0]?.fulfillmentHolds).toEqual([]);
    expect(order.displayFulfillmentStatus).toBe("UNFULFILLED");
    expect(order.canMarkAsPaid).toBe(false);
    expectConsistent(order);
    expectWebhooks(events, order, ["order_transactions/create", "fulfillment_orders/hold_released", "orders/paid", "orders/updated"]);
    expect(events[0]?.payload).toMatchObject({ kind: "sale", status: "success", gateway: "manual", order_id: Number(order.legacyResourceId) });
    expect(events[1]?.payload).toEqual({ fulfillment_order: { id: order.fulfillmentOrders[0]?.id, status: "open" } });

    expect(() => changeOrder(store, SHOP, order.id, { type: "markPaid" })).toThrow(/no outstanding balance/);
  });

  it("markPaid captures an authorized payment and tops up a partial one", () => {
    const { store, pick } = setup();
    const authorized = pick((o) => o.displayFinancialStatus === "AUTHORIZED");
    const auth = authorized.transactions.find((t) => t.kind === "AUTHORIZATION" && t.manuallyCapturable);
    changeOrder(store, SHOP, authorized.id, { type: "markPaid" });
    expect(authorized.transactions.at(-1)).toMatchObject({ kind: "CAPTURE", status: "SUCCESS", parentTransaction: { __ref: auth?.id } });
    expect(authorized).toMatchObject({ displayFinancialStatus: "PAID", capturable: false });
    expect(minor(authorized.totalCapturableSet)).toBe(0);
    expectConsistent(authorized);

    const partial = pick((o) => o.displayFinancialStatus === "PARTIALLY_PAID");
    const received = minor(partial.totalReceivedSet);
    changeOrder(store, SHOP, partial.id, { type: "markPaid" });
    expect(minor(partial.totalReceivedSet)).toBe(minor(partial.totalPriceSet));
    expect(minor(partial.transactions.at(-1)?.amountSet ?? partial.totalPriceSet)).toBe(minor(partial.totalPriceSet) - received);
    expectConsistent(partial);
  });

  it("fulfill ships with tracking: partially, then the rest", () => {
    const { store, pick } = setup();
    const order = pick((o) => o.displayFulfillmentStatus === "UNFULFILLED" && o.cancelledAt === null && o.lineItems.length >= 2 && o.fulfillmentOrders[0]?.status === "OPEN");
    const first = order.lineItems[0];
    if (!first) throw new Error("no line");
    const partial = changeOrder(store, SHOP, order.id, { type: "fulfill", lineItems: [{ id: first.id, quantity: 1 }], company: "DHL Express", trackingNumber: "1234567890" });
    expect(order.displayFulfillmentStatus).toBe("PARTIALLY_FULFILLED");
    expect(order.fulfillmentOrders[0]?.status).toBe("IN_PROGRESS");
    expectConsistent(order);
    expectWebhooks(partial.events, order, ["fulfillments/create", "orders/partially_fulfilled", "orders/updated"]);
    const fulfillment = partial.events[0]?.payload as Json;
    expect(fulfillment).toMatchObject({
      order_id: Number(order.legacyResourceId),
      status: "success",
      tracking_company: "DHL Express",
      tracking_number: "1234567890",
      tracking_numbers: ["1234567890"],
      name: `${order.name}-F1`,
      line_items: [{ id: Number(first.id.split("/").pop()), quantity: 1 }],
    });
    expect(fulfillment.tracking_url).toMatch(/^https:\/\/www\.dhl\.com\//);
    expect(store.getNode(SHOP, order.fulfillments[0]?.id ?? "")).toBe(order.fulfillments[0]);

    const rest = changeOrder(store, SHOP, order.id, { type: "fulfill" });
    expect(order.displayFulfillmentStatus).toBe("FULFILLED");
    expect(order.fulfillmentOrders[0]?.status).toBe("CLOSED");
    expect(order.fulfillments).toHaveLength(2);
    expect(order.fulfillments[1]?.trackingInfo[0]?.number).toBeTruthy();
    expect(order.lineItems.every((line) => line.unfulfilledQuantity === 0 && line.fulfillmentStatus === "fulfilled")).toBe(true);
    expectConsistent(order);
    expectWebhooks(rest.events, order, ["fulfillments/create", "orders/fulfilled", "orders/updated"]);
    expect((rest.events.at(-1)?.payload as Json).fulfillment_status).toBe("fulfilled");
    expect(() => changeOrder(store, SHOP, order.id, { type: "fulfill" })).toThrow(/nothing left to fulfill/);
  });

  it("fulfill refuses held orders and quantities that are not there", () => {
    const { store, pick } = setup();
    const held = pick((o) => o.displayFulfillmentStatus === "ON_HOLD");
    const stamp = held.updatedAt;
    expect(() => changeOrder(store, SHOP, held.id, { type: "fulfill" })).toThrow(/on hold/);
    expect(held.updatedAt).toBe(stamp);
    const open = pick((o) => o.displayFulfillmentStatus === "UNFULFILLED" && o.fulfillmentOrders[0]?.status === "OPEN");
    const line = open.lineItems[0];
    expect(() => changeOrder(store, SHOP, open.id, { type: "fulfill", lineItems: [{ id: line?.id ?? "", quantity: 99 }] })).toThrow(/remaining/);
  });

  it("cancel refunds what was paid, restocks every unit and closes the order", () => {
    const { store, pick } = setup();
    const order = pick((o) => o.displayFinancialStatus === "PAID" && o.fulfillments.length === 0 && o.cancelledAt === null);
    const paid = minor(order.totalReceivedSet);
    const { events } = changeOrder(store, SHOP, order.id, { type: "cancel", reason: "CUSTOMER" });
    expect(order).toMatchObject({ displayFinancialStatus: "REFUNDED", cancelReason: "CUSTOMER", closed: true, cancelledAt: order.updatedAt, closedAt: order.updatedAt });
    expect(minor(order.totalRefundedSet)).toBe(paid);
    expect(minor(order.currentTotalPriceSet)).toBe(0);
    const refund = order.refunds.at(-1);
    expect(refund?.refundLineItems.map((item) => [item.lineItem.__ref, item.quantity, item.restockType])).toEqual(
      order.lineItems.map((line) => [line.id, line.quantity, "CANCEL"]),
    );
    expect(order.lineItems.every((line) => line.currentQuantity === 0)).toBe(true);
    expect(order.fulfillmentOrders.every((fo) => fo.status === "CLOSED")).toBe(true);
    expect(order.events.at(-1)?.action).toBe("refund_success");
    expect(order.events.some((event) => event.action === "cancelled" && event.createdAt === order.updatedAt)).toBe(true);
    expectConsistent(order);
    expectWebhooks(events, order, ["order_transactions/create", "refunds/create", "orders/cancelled", "orders/updated"]);
    const refundPayload = events[1]?.payload as Json;
    expect(refundPayload).toMatchObject({ order_id: Number(order.legacyResourceId), restock: true, transactions: [{ kind: "refund", status: "success", amount: order.totalRefundedSet.shopMoney.amount }] });
    expect((events[2]?.payload as Json).cancel_reason).toBe("customer");

    expect(() => changeOrder(store, SHOP, order.id, { type: "cancel" })).toThrow(/already been cancelled/);
  });

  it("cancel voids an unpaid order and refuses an order with fulfillments", () => {
    const { store, pick } = setup();
    const authorized = pick((o) => o.displayFinancialStatus === "AUTHORIZED");
    const { events } = changeOrder(store, SHOP, authorized.id, { type: "cancel", reason: "FRAUD", staffNote: "chargeback risk" });
    expect(authorized.displayFinancialStatus).toBe("VOIDED");
    expect(authorized.transactions.at(-1)).toMatchObject({ kind: "VOID", status: "SUCCESS" });
    expect(authorized.refunds).toEqual([]);
    expect(minor(authorized.totalCapturableSet)).toBe(0);
    expectConsistent(authorized);
    expectWebhooks(events, authorized, ["order_transactions/create", "orders/cancelled", "orders/updated"]);
    expect(events[0]?.payload).toMatchObject({ kind: "void", status: "success" });

    const pending = pick((o) => o.displayFinancialStatus === "PENDING" && o.cancelledAt === null);
    changeOrder(store, SHOP, pending.id, { type: "cancel" });
    expect(pending.displayFinancialStatus).toBe("VOIDED");
    expectConsistent(pending);

    const partial = pick((o) => o.displayFinancialStatus === "PARTIALLY_PAID" && o.fulfillments.length === 0);
    changeOrder(store, SHOP, partial.id, { type: "cancel" });
    expect(partial.displayFinancialStatus).toBe("REFUNDED");
    expectConsistent(partial);

    const shipped = pick((o) => o.fulfillments.length > 0 && o.cancelledAt === null);
    expect(() => changeOrder(store, SHOP, shipped.id, { type: "cancel" })).toThrow(/fulfillments/);
    expect(() => changeOrder(store, SHOP, shipped.id, { type: "cancel", reason: "BORED" as never })).toThrow(/Unknown cancel reason/);
  });

  it("refund takes back an amount exactly, then the rest", () => {
    const { store, pick } = setup();
    const order = pick((o) => o.displayFinancialStatus === "PAID" && o.fulfillments.length === 0 && minor(o.totalPriceSet) > 2_000);
    const total = minor(order.totalPriceSet);
    const partial = changeOrder(store, SHOP, order.id, { type: "refund", amount: "10.00", note: "Goodwill" });
    expect(order.displayFinancialStatus).toBe("PARTIALLY_REFUNDED");
    expect(minor(order.totalRefundedSet)).toBe(1_000);
    expect(minor(order.netPaymentSet)).toBe(total - 1_000);
    expect(minor(order.currentTotalPriceSet)).toBe(total - 1_000);
    expect(minor(order.totalOutstandingSet)).toBe(0);
    const refund = order.refunds.at(-1);
    expect(refund).toMatchObject({ note: "Goodwill", refundLineItems: [], orderAdjustments: [{ reason: "REFUND_DISCREPANCY" }] });
    expect(order.transactions.at(-1)).toMatchObject({ kind: "REFUND", status: "SUCCESS", amountSet: { shopMoney: { amount: "10.00" } } });
    expectConsistent(order);
    expectWebhooks(partial.events, order, ["order_transactions/create", "refunds/create", "orders/updated"]);
    expect(partial.events[1]?.payload).toMatchObject({ note: "Goodwill", order_adjustments: [{ kind: "refund_discrepancy" }], transactions: [{ amount: "10.00", kind: "refund" }] });

    expect(() => changeOrder(store, SHOP, order.id, { type: "refund", amount: "1.001" })).toThrow(/precision/);
    expect(() => changeOrder(store, SHOP, order.id, { type: "refund", amount: 5 as unknown as string })).toThrow(/decimal string/);
    expect(() => changeOrder(store, SHOP, order.id, { type: "refund", amount: "999999.00" })).toThrow(/exceeds the refundable amount/);

    changeOrder(store, SHOP, order.id, { type: "refund" });
    expect(order.displayFinancialStatus).toBe("REFUNDED");
    expect(minor(order.currentTotalPriceSet)).toBe(0);
    expect(minor(order.netPaymentSet)).toBe(0);
    expectConsistent(order);
    expect(() => changeOrder(store, SHOP, order.id, { type: "refund" })).toThrow(/no payment left/);

    // Cancelling after amount-only refunds still removes every unit and balances the refund.
    changeOrder(store, SHOP, order.id, { type: "cancel" });
    expect(order.lineItems.every((line) => line.currentQuantity === 0)).toBe(true);
    expectConsistent(order);
  });

  it("keeps every identity through random sequences of changes", () => {
    const { store } = setup(300);
    const changes: OrderChange[] = [
      { type: "markPaid" },
      { type: "fulfill" },
      { type: "refund", amount: "1.00" },
      { type: "refund" },
      { type: "cancel", reason: "INVENTORY" },
      { type: "addTag", tag: "checked" },
    ];
    let applied = 0;
    store.orders(SHOP).forEach((order, i) => {
      for (const change of [changes[i % 6], changes[(i * 7 + 3) % 6], changes[(i * 5 + 1) % 6], changes[(i * 11 + 2) % 6]] as OrderChange[]) {
        const stamp = order.updatedAt;
        try {
          changeOrder(store, SHOP, order.id, change);
          applied++;
        } catch (error) {
          if (!(error instanceof OrderChangeError)) throw error;
          expect(order.updatedAt).toBe(stamp);
        }
        expectConsistent(order);
      }
    });
    expect(applied).toBeGreaterThan(500);
  });
});

describe("changeOrder: edits, fulfillment orders and returns", () => {
  const unpaidWithUnits = (o: OrderRecord) => o.displayFinancialStatus === "PENDING" && !o.cancelledAt && o.lineItems.reduce((acc, l) => acc + l.currentQuantity, 0) > 1;

  it("editQuantity removes unfulfilled units of an unpaid order and sends orders/edited", () => {
    const { store, pick } = setup();
    const order = pick(unpaidWithUnits);
    const line = order.lineItems.find((candidate) => candidate.currentQuantity > 1) ?? order.lineItems[0]!;
    const totalBefore = minor(order.currentTotalPriceSet);
    const { events } = changeOrder(store, SHOP, order.id, { type: "editQuantity", lineItemId: line.id, quantity: line.currentQuantity - 1, staffNote: "Out of stock" });
    expectWebhooks(events, order, ["orders/edited", "orders/updated"]);
    expect((events[0]!.payload as Json).order_edit).toMatchObject({ order_id: Number(order.legacyResourceId), staff_note: "Out of stock", line_items: { removals: [{ id: Number(line.id.split("/").pop()), delta: 1 }] } });
    expect(line.currentQuantity).toBe(line.quantity - 1);
    expect(minor(order.currentTotalPriceSet)).toBeLessThan(totalBefore);
    expect(minor(order.totalOutstandingSet)).toBe(minor(order.currentTotalPriceSet));
    expect(order.edited).toBe(true);
    expect(order.events.at(-1)).toMatchObject({ action: "order_edited" });
    expectConsistent(order);
    // Then paid in full for what is left, then cancelled with a refund of exactly that.
    changeOrder(store, SHOP, order.id, { type: "markPaid" });
    expect(order.displayFinancialStatus).toBe("PAID");
    expectConsistent(order);
    changeOrder(store, SHOP, order.id, { type: "cancel" });
    expect(order.displayFinancialStatus).toBe("REFUNDED");
    expectConsistent(order);
  });

  it("editQuantity refuses paid orders, raises, shipped units and emptying the order", () => {
    const { store, pick } = setup();
    const paid = pick((o) => o.displayFinancialStatus === "PAID" && !o.cancelledAt);
    expect(() => changeOrder(store, SHOP, paid.id, { type: "editQuantity", lineItemId: paid.lineItems[0]!.id, quantity: 0 })).toThrow(/nothing was paid/);
    const order = pick(unpaidWithUnits);
    const line = order.lineItems[0]!;
    expect(() => changeOrder(store, SHOP, order.id, { type: "editQuantity", lineItemId: line.id, quantity: line.currentQuantity + 1 })).toThrow(/only remove/);
    expect(() => changeOrder(store, SHOP, order.id, { type: "editQuantity", lineItemId: "gid://shopify/LineItem/1", quantity: 0 })).toThrow(OrderChangeError);
    expect(changeOrder(store, SHOP, order.id, { type: "editQuantity", lineItemId: line.id, quantity: line.currentQuantity }).events).toEqual([]);
    const stamp = order.updatedAt;
    for (const other of order.lineItems.slice(1)) changeOrder(store, SHOP, order.id, { type: "editQuantity", lineItemId: other.id, quantity: 0 });
    expect(() => changeOrder(store, SHOP, order.id, { type: "editQuantity", lineItemId: line.id, quantity: 0 })).toThrow(/at least one item/);
    expect(order.updatedAt >= stamp).toBe(true);
    expectConsistent(order);
  });

  it("holds and releases a fulfillment order", () => {
    const { store, pick } = setup();
    const order = pick((o) => !o.cancelledAt && o.fulfillmentOrders.some((fo) => fo.status === "OPEN"));
    const fo = order.fulfillmentOrders.find((candidate) => candidate.status === "OPEN")!;
    const held = changeOrder(store, SHOP, order.id, { type: "holdFulfillmentOrder", fulfillmentOrderId: fo.id, reason: "HIGH_RISK_OF_FRAUD" });
    expectWebhooks(held.events, order, ["fulfillment_orders/placed_on_hold", "orders/updated"]);
    expect(fo.status).toBe("ON_HOLD");
    expect(order.displayFulfillmentStatus).toBe("ON_HOLD");
    expect((held.events[0]!.payload as Json).created_fulfillment_hold.reason).toBe("high_risk_of_fraud");
    expectConsistent(order);
    expect(() => changeOrder(store, SHOP, order.id, { type: "holdFulfillmentOrder", fulfillmentOrderId: fo.id })).toThrow(/on_hold and can't be put on hold/);
    const released = changeOrder(store, SHOP, order.id, { type: "releaseHold", fulfillmentOrderId: fo.id });
    expectWebhooks(released.events, order, ["fulfillment_orders/hold_released", "orders/updated"]);
    expect(released.events[0]!.payload).toEqual({ fulfillment_order: { id: fo.id, status: "open" } });
    expect(fo.fulfillmentHolds).toEqual([]);
    expectConsistent(order);
  });

  it("moves a fulfillment order to another location, in place when nothing shipped", () => {
    const { store, pick } = setup();
    const order = pick((o) => !o.cancelledAt && o.fulfillmentOrders.some((fo) => fo.status === "OPEN"));
    const fo = order.fulfillmentOrders.find((candidate) => candidate.status === "OPEN")!;
    const from = fo.assignedLocation.location!.__ref;
    const to = store.requireShop(SHOP).locations.find((location) => location.id !== from)!;
    const { events } = changeOrder(store, SHOP, order.id, { type: "moveFulfillmentOrder", fulfillmentOrderId: fo.id, locationId: to.id });
    expectWebhooks(events, order, ["fulfillment_orders/moved", "orders/updated"]);
    expect(events[0]!.payload).toMatchObject({
      original_fulfillment_order: { id: fo.id, assigned_location_id: to.id },
      moved_fulfillment_order: { id: fo.id, status: "open", assigned_location_id: to.id },
      destination_location_id: to.id,
      source_location: { id: from },
    });
    expect(fo.assignedLocation.name).toBe(to.name);
    expect(() => changeOrder(store, SHOP, order.id, { type: "moveFulfillmentOrder", fulfillmentOrderId: fo.id, locationId: to.id })).toThrow(/already assigned/);
    expect(() => changeOrder(store, SHOP, order.id, { type: "moveFulfillmentOrder", fulfillmentOrderId: fo.id, locationId: "gid://shopify/Location/1" })).toThrow(OrderChangeError);
    expectConsistent(order);
  });

  it("moving a partly shipped fulfillment order closes it and moves the rest to a new one", () => {
    const { store, pick } = setup();
    const order = pick((o) => o.displayFinancialStatus === "PAID" && o.displayFulfillmentStatus === "UNFULFILLED" && !o.cancelledAt && o.lineItems.some((line) => line.quantity > 1));
    const line = order.lineItems.find((candidate) => candidate.quantity > 1)!;
    changeOrder(store, SHOP, order.id, { type: "fulfill", lineItems: [{ id: line.id, quantity: 1 }] });
    const fo = order.fulfillmentOrders.find((candidate) => candidate.status === "IN_PROGRESS")!;
    const to = store.requireShop(SHOP).locations.find((location) => location.id !== fo.assignedLocation.location!.__ref)!;
    const { events } = changeOrder(store, SHOP, order.id, { type: "moveFulfillmentOrder", fulfillmentOrderId: fo.id, locationId: to.id });
    const payload = events[0]!.payload as Json;
    expect(payload.original_fulfillment_order).toMatchObject({ id: fo.id, status: "closed" });
    expect(payload.moved_fulfillment_order.id).not.toBe(fo.id);
    expect(store.getNode(SHOP, payload.moved_fulfillment_order.id)).toMatchObject({ status: "OPEN", assignedLocation: { name: to.name } });
    expectConsistent(order);
    changeOrder(store, SHOP, order.id, { type: "fulfill" });
    expect(order.displayFulfillmentStatus).toBe("FULFILLED");
    expectConsistent(order);
  });

  it("cancels an open fulfillment order into an open replacement", () => {
    const { store, pick } = setup();
    const order = pick((o) => !o.cancelledAt && o.fulfillmentOrders.some((fo) => fo.status === "OPEN" && fo.requestStatus === "UNSUBMITTED"));
    const fo = order.fulfillmentOrders.find((candidate) => candidate.status === "OPEN")!;
    const units = fo.lineItems.reduce((acc, item) => acc + item.remainingQuantity, 0);
    const { events } = changeOrder(store, SHOP, order.id, { type: "cancelFulfillmentOrder", fulfillmentOrderId: fo.id });
    expectWebhooks(events, order, ["fulfillment_orders/cancelled", "orders/updated"]);
    const replacement = (events[0]!.payload as Json).replacement_fulfillment_order;
    expect((events[0]!.payload as Json).fulfillment_order).toEqual({ id: fo.id, status: "cancelled" });
    const record = order.fulfillmentOrders.find((candidate) => candidate.id === replacement.id)!;
    expect(record.lineItems.reduce((acc, item) => acc + item.remainingQuantity, 0)).toBe(units);
    expect(() => changeOrder(store, SHOP, order.id, { type: "cancelFulfillmentOrder", fulfillmentOrderId: fo.id })).toThrow(OrderChangeError);
    expectConsistent(order);
  });

  it("takes a requested return through approve, close and reopen, and declines another", () => {
    const { store, pick } = setup();
    const shipped = (o: OrderRecord) => !o.cancelledAt && o.returns.length === 0 && o.refunds.length === 0 && o.fulfillments.some((f) => f.status === "SUCCESS");
    const order = pick(shipped);
    const item = order.fulfillments.find((f) => f.status === "SUCCESS")!.fulfillmentLineItems[0]!;
    const requested = changeOrder(store, SHOP, order.id, { type: "requestReturn", lines: [{ fulfillmentLineItemId: item.id, quantity: 1 }] });
    expectWebhooks(requested.events, order, ["returns/request", "orders/updated"]);
    const ret = order.returns.at(-1)!;
    expect(ret).toMatchObject({ status: "REQUESTED", requestApprovedAt: null });
    expect(order.returnStatus).toBe("RETURN_REQUESTED");
    expect(() => changeOrder(store, SHOP, order.id, { type: "closeReturn", returnId: ret.id })).toThrow(/requested; it must be open/);
    for (const [type, status, topic, returnStatus] of [
      ["approveReturn", "OPEN", "returns/approve", "IN_PROGRESS"],
      ["closeReturn", "CLOSED", "returns/close", "RETURNED"],
      ["reopenReturn", "OPEN", "returns/reopen", "IN_PROGRESS"],
    ] as const) {
      const { events } = changeOrder(store, SHOP, order.id, { type, returnId: ret.id });
      expectWebhooks(events, order, [topic, "orders/updated"]);
      expect(ret.status).toBe(status);
      expect(order.returnStatus).toBe(returnStatus);
      expectConsistent(order);
    }
    expect(ret.closedAt).toBeNull();
    expect(changeOrder(store, SHOP, order.id, { type: "closeReturn", returnId: ret.id }).events[0]!.payload).toEqual({ id: Number(ret.id.split("/").pop()), admin_graphql_api_id: ret.id, order_id: Number(order.legacyResourceId), status: "closed" });

    const other = pick((o) => o !== order && shipped(o));
    const otherItem = other.fulfillments.find((f) => f.status === "SUCCESS")!.fulfillmentLineItems[0]!;
    changeOrder(store, SHOP, other.id, { type: "requestReturn", lines: [{ fulfillmentLineItemId: otherItem.id, quantity: 1 }] });
    const declined = changeOrder(store, SHOP, other.id, { type: "declineReturn", returnId: other.returns.at(-1)!.id, reason: "FINAL_SALE", note: "Final sale item" });
    expectWebhooks(declined.events, other, ["returns/decline", "orders/updated"]);
    expect((declined.events[0]!.payload as Json).decline).toEqual({ reason: "final_sale", note: "Final sale item" });
    // A declined return no longer holds its units: they can be returned again.
    expect(() => changeOrder(store, SHOP, other.id, { type: "createReturn", lines: [{ fulfillmentLineItemId: otherItem.id, quantity: 1 }] })).not.toThrow();
    expectConsistent(other);
  });

  it("keeps every identity through random sequences of all the changes", () => {
    const { store } = setup(300);
    const locations = store.requireShop(SHOP).locations;
    const changesFor = (order: OrderRecord, i: number): OrderChange[] => {
      const line = order.lineItems[i % order.lineItems.length]!;
      const fo = order.fulfillmentOrders[0];
      const shippedItem = order.fulfillments.flatMap((f) => f.fulfillmentLineItems)[0];
      const ret = order.returns.at(-1);
      return [
        { type: "editQuantity", lineItemId: line.id, quantity: Math.max(0, line.currentQuantity - 1) },
        { type: "holdFulfillmentOrder" },
        { type: "releaseHold" },
        { type: "moveFulfillmentOrder", locationId: locations[(i % (locations.length - 1)) + 1]!.id },
        { type: "cancelFulfillmentOrder", ...(fo ? { fulfillmentOrderId: fo.id } : {}) },
        { type: "markPaid" },
        { type: "fulfill" },
        { type: "refund", amount: "1.00" },
        { type: "cancel" },
        ...(shippedItem ? [{ type: "requestReturn", lines: [{ fulfillmentLineItemId: shippedItem.id, quantity: 1 }] } as OrderChange] : []),
        ...(ret ? (["approveReturn", "closeReturn", "reopenReturn", "declineReturn"] as const).map((type) => ({ type, returnId: ret.id }) as OrderChange) : []),
      ];
    };
    let applied = 0;
    store.orders(SHOP).forEach((order, i) => {
      for (let step = 0; step < 6; step++) {
        const options = changesFor(order, i + step);
        const change = options[(i * 7 + step * 5) % options.length]!;
        const stamp = order.updatedAt;
        try {
          changeOrder(store, SHOP, order.id, change);
          applied++;
        } catch (error) {
          if (!(error instanceof OrderChangeError)) throw error;
          expect(order.updatedAt).toBe(stamp);
        }
        expect(orderInvariantViolations(order), `${change.type} on ${order.name}`).toEqual([]);
      }
    });
    expect(applied).toBeGreaterThan(400);
  });
});

describe("createOrder", () => {
  it("places the next order now and sends orders/create (and orders/paid)", () => {
    const { store, newest } = setup(30);
    const before = newest();
    const { order, events } = createOrder(store, SHOP);
    expect(order.name).toBe("#1031");
    expect(store.orders(SHOP)).toHaveLength(31);
    expect(store.getOrder(SHOP, order.id)).toBe(order);
    expect(order.updatedAt > before).toBe(true);
    expect(order.createdAt <= order.updatedAt).toBe(true);
    expect(Date.parse(order.updatedAt) - Date.parse(order.createdAt)).toBeLessThanOrEqual(10_000);
    expect(order).toMatchObject({ displayFinancialStatus: "PAID", displayFulfillmentStatus: "UNFULFILLED" });
    expectConsistent(order);
    expectWebhooks(events, order, ["orders/create", ...order.transactions.map(() => "order_transactions/create"), "orders/paid"]);
    expect((events[0]?.payload as Json).created_at).toBe(restTimestamp(order.createdAt, { timezoneOffsetMinutes: 60 }));

    const pending = createOrder(store, SHOP, { archetype: "pending" });
    expect(pending.order.name).toBe("#1032");
    expect(pending.events.map((event) => event.topic)).toEqual(["orders/create", "order_transactions/create"]);
    expect(pending.events[1]?.payload).toMatchObject({ kind: "sale", status: "pending" });
    expectConsistent(pending.order);
    expect(() => createOrder(store, SHOP, { archetype: "nope" as never })).toThrow(/Unknown archetype/);
    expect(() => createOrder(store, "nope.myshopify.com")).toThrow(/Unknown shop/);
  });
});

describe("changes through the Admin API", () => {
  it("show up in updated_at polling", async () => {
    const { store, newest, pick } = setup(60);
    const api = createAdminApi({ store });
    const watermark = newest();
    const tagged = pick((o) => o.displayFinancialStatus === "PAID" && o.cancelledAt === null);
    changeOrder(store, SHOP, tagged.id, { type: "addTag", tag: "synced" });
    const created = createOrder(store, SHOP).order;
    const result = await api.execute(SHOP, {
      query: `query($q: String!) { orders(first: 10, query: $q, sortKey: UPDATED_AT) { nodes { id updatedAt tags } } }`,
      variables: { q: `updated_at:>'${watermark}'` },
    });
    const nodes = (result.body as Json).data.orders.nodes;
    expect(nodes.map((n: Json) => n.id)).toEqual([tagged.id, created.id]);
    expect(nodes[0].tags).toContain("synced");
  });
});

describe("restTimestamp", () => {
  it("renders instants in the shop's offset", () => {
    expect(restTimestamp("2026-10-31T09:15:00Z", { timezoneOffsetMinutes: 60 })).toBe("2026-10-31T10:15:00+01:00");
    expect(restTimestamp("2026-10-31T02:00:00Z", { timezoneOffsetMinutes: -300 })).toBe("2026-10-30T21:00:00-05:00");
    expect(restTimestamp("2026-10-31T02:00:00Z", { timezoneOffsetMinutes: 330 })).toBe("2026-10-31T07:30:00+05:30");
    expect(restTimestamp(null, { timezoneOffsetMinutes: 0 })).toBeNull();
  });
});
