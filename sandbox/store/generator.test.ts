import { describe, expect, it } from "vitest";
import {
  DEFAULT_NOW,
  ORDER_HISTORY_DAYS,
  archetypeFor,
  generateDemoStore,
  generateOrder,
  generateOrders,
  generateShop,
} from "./generator";
import { parseMinor } from "./money";
import type { MoneyBag, OrderRecord } from "./types";

const DOMAIN = "generator-test.myshopify.com";
const shop = generateShop({ seed: 11, domain: DOMAIN });
const store = generateDemoStore({ seed: 11, orderCount: 250, domain: DOMAIN });

function minor(bag: MoneyBag): number {
  expect(bag.presentmentMoney).toEqual(bag.shopMoney);
  return parseMinor(bag.shopMoney.amount, bag.shopMoney.currencyCode);
}

function sum(values: number[]): number {
  return values.reduce((acc, v) => acc + v, 0);
}

describe("generateOrder determinism", () => {
  it("gives deep-equal orders for the same seed and index", () => {
    for (const index of [0, 1, 16, 17, 123, 9_999]) {
      expect(generateOrder({ seed: 11, index, shop })).toEqual(generateOrder({ seed: 11, index, shop }));
    }
  });

  it("does not depend on the other orders: the store's order N equals a standalone order N", () => {
    for (const index of [0, 42, 249]) {
      expect(store.orders[index]).toEqual(generateOrder({ seed: 11, index, shop }));
    }
  });

  it("differs between seeds and between indexes", () => {
    const a = generateOrder({ seed: 1, index: 5, shop });
    const b = generateOrder({ seed: 2, index: 5, shop });
    const c = generateOrder({ seed: 1, index: 6, shop });
    expect(a.id).not.toBe(b.id);
    expect(a).not.toEqual(b);
    expect(a.id).not.toBe(c.id);
    expect(JSON.stringify(a.lineItems.map((l) => [l.title, l.quantity]))).not.toBe(JSON.stringify(b.lineItems.map((l) => [l.title, l.quantity])));
  });

  it("numbers orders #1001 upwards with Shopify GIDs", () => {
    expect(store.orders[0]?.name).toBe("#1001");
    expect(store.orders[249]?.name).toBe("#1250");
    for (const order of store.orders) expect(order.id).toMatch(/^gid:\/\/shopify\/Order\/\d+$/);
  });

  it("streams orders lazily (generator function, constant memory)", () => {
    const iterator = generateOrders({ seed: 11, shop, count: 3, start: 100 });
    const names = [...iterator].map((order) => order.name);
    expect(names).toEqual(["#1101", "#1102", "#1103"]);
  });

  it("rejects indexes that would overflow the ID scheme", () => {
    expect(() => generateOrder({ seed: 1, index: -1, shop })).toThrow(RangeError);
    expect(() => generateOrder({ seed: 1, index: 10_000_000, shop })).toThrow(RangeError);
  });
});

describe("money consistency (integer minor units)", () => {
  const orders = Array.from({ length: 500 }, (_, index) => generateOrder({ seed: 99, index, shop }));

  it.each(orders.map((order) => [order.name, order] as const))("%s adds up", (_name, order: OrderRecord) => {
    const subtotal = minor(order.subtotalPriceSet);
    const shipping = minor(order.totalShippingPriceSet);
    const tax = minor(order.totalTaxSet);
    const discounts = minor(order.totalDiscountsSet);
    const total = minor(order.totalPriceSet);
    const original = sum(order.lineItems.map((line) => minor(line.originalTotalSet)));

    // Shopify's subtotalPriceSet is after discounts, so: lines - discounts + shipping + tax = total.
    expect(original - discounts).toBe(subtotal);
    expect(subtotal + shipping + tax).toBe(total);
    expect(original + shipping + tax - discounts).toBe(total);
    for (const line of order.lineItems) {
      expect(minor(line.originalTotalSet)).toBe(minor(line.originalUnitPriceSet) * line.quantity);
      const allocated = sum(line.discountAllocations.map((a) => minor(a.allocatedAmountSet)));
      expect(minor(line.originalTotalSet) - allocated).toBe(minor(line.__discountedTotalWithCodeDiscountsSet));
    }
    const lineTax = sum(order.lineItems.flatMap((line) => line.taxLines.map((t) => minor(t.priceSet))));
    const shippingTax = sum(order.shippingLine?.taxLines.map((t) => minor(t.priceSet)) ?? []);
    expect(lineTax + shippingTax).toBe(tax);

    const success = order.transactions.filter((t) => t.status === "SUCCESS");
    const received = sum(success.filter((t) => t.kind === "SALE" || t.kind === "CAPTURE").map((t) => minor(t.amountSet)));
    const refundedByTransactions = sum(success.filter((t) => t.kind === "REFUND").map((t) => minor(t.amountSet)));
    const refunded = minor(order.totalRefundedSet);
    expect(minor(order.totalReceivedSet)).toBe(received);
    expect(refunded).toBe(refundedByTransactions);
    expect(sum(order.refunds.map((r) => minor(r.totalRefundedSet)))).toBe(refunded);
    for (const refund of order.refunds) {
      const parts =
        sum(refund.refundLineItems.map((r) => minor(r.subtotalSet) + minor(r.totalTaxSet))) +
        sum(refund.refundShippingLines.map((r) => minor(r.subtotalAmountSet) + minor(r.taxAmountSet)));
      expect(parts).toBe(minor(refund.totalRefundedSet));
    }
    expect(minor(order.netPaymentSet)).toBe(received - refunded);

    const currentTotal = minor(order.currentTotalPriceSet);
    expect(minor(order.currentSubtotalPriceSet) + minor(order.currentShippingPriceSet) + minor(order.currentTotalTaxSet)).toBe(currentTotal);
    if (order.cancelledAt !== null && order.refunds.length === 0) expect(currentTotal).toBe(0);
    else expect(currentTotal).toBe(total - refunded);
    expect(minor(order.totalOutstandingSet)).toBe(currentTotal - (received - refunded));

    switch (order.displayFinancialStatus) {
      case "PAID":
        expect([received, refunded, minor(order.totalOutstandingSet)]).toEqual([total, 0, 0]);
        break;
      case "PARTIALLY_PAID":
        expect(received).toBeGreaterThan(0);
        expect(received).toBeLessThan(total);
        expect(minor(order.totalOutstandingSet)).toBe(total - received);
        break;
      case "AUTHORIZED":
        expect(received).toBe(0);
        expect(minor(order.totalCapturableSet)).toBe(total);
        expect(order.capturable).toBe(true);
        break;
      case "PENDING":
      case "EXPIRED":
        expect(received).toBe(0);
        expect(minor(order.totalOutstandingSet)).toBe(total);
        break;
      case "PARTIALLY_REFUNDED":
        expect(refunded).toBeGreaterThan(0);
        expect(refunded).toBeLessThan(received);
        break;
      case "REFUNDED":
        expect(refunded).toBe(received);
        expect(currentTotal).toBe(0);
        break;
      case "VOIDED":
        expect(received).toBe(0);
        expect(order.transactions.some((t) => t.kind === "VOID" && t.status === "SUCCESS")).toBe(true);
        break;
    }
    for (const bag of [order.totalOutstandingSet, order.totalCapturableSet, order.currentTotalPriceSet, order.netPaymentSet]) {
      expect(minor(bag)).toBeGreaterThanOrEqual(0);
    }
    expect(order.totalPriceSet.shopMoney.amount).toMatch(/^\d+\.\d{2}$/);
  });
});

describe("quantities and fulfillment", () => {
  it("keeps line, fulfillment and fulfillment-order quantities in step", () => {
    for (const order of store.orders) {
      for (const line of order.lineItems) {
        const shipped = sum(order.fulfillments.flatMap((f) => f.fulfillmentLineItems.filter((fli) => fli.lineItem.__ref === line.id).map((fli) => fli.quantity)));
        expect(shipped + line.unfulfilledQuantity + line.nonFulfillableQuantity).toBe(line.quantity);
        const refundedUnits = sum(order.refunds.flatMap((r) => r.refundLineItems.filter((rli) => rli.lineItem.__ref === line.id).map((rli) => rli.quantity)));
        if (order.cancelledAt === null || order.refunds.length > 0) expect(line.currentQuantity).toBe(line.quantity - refundedUnits);
        else expect(line.currentQuantity).toBe(0);
      }
      const remaining = sum(order.fulfillmentOrders.flatMap((fo) => fo.lineItems.map((li) => li.remainingQuantity)));
      expect(remaining).toBe(sum(order.lineItems.map((line) => line.unfulfilledQuantity)));
      if (order.displayFulfillmentStatus === "FULFILLED") {
        expect(order.fulfillments.length).toBeGreaterThan(0);
        expect(remaining).toBe(0);
      }
      if (order.displayFulfillmentStatus === "ON_HOLD") {
        expect(order.fulfillmentOrders[0]?.status).toBe("ON_HOLD");
        expect(order.fulfillmentOrders[0]?.fulfillmentHolds.length).toBeGreaterThan(0);
      }
    }
  });
});

describe("a 250-order demo store", () => {
  const orders = store.orders;
  const has = (predicate: (order: OrderRecord) => boolean) => orders.some(predicate);

  it("covers every financial state", () => {
    const seen = new Set(orders.map((o) => o.displayFinancialStatus));
    for (const state of ["PAID", "PARTIALLY_PAID", "AUTHORIZED", "PENDING", "PARTIALLY_REFUNDED", "REFUNDED", "VOIDED", "EXPIRED"] as const) {
      expect(seen, state).toContain(state);
    }
    expect(has((o) => o.cancelledAt !== null && o.cancelReason !== null)).toBe(true);
    expect(has((o) => o.closed && o.closedAt !== null)).toBe(true);
  });

  it("covers every fulfillment state, with holds, tracking and delivery states", () => {
    const seen = new Set(orders.map((o) => o.displayFulfillmentStatus));
    for (const state of ["UNFULFILLED", "FULFILLED", "PARTIALLY_FULFILLED", "ON_HOLD", "IN_PROGRESS"] as const) {
      expect(seen, state).toContain(state);
    }
    const fulfillments = orders.flatMap((o) => o.fulfillments);
    const displayStatuses = new Set(fulfillments.map((f) => f.displayStatus));
    expect(displayStatuses).toContain("DELIVERED");
    expect(displayStatuses).toContain("IN_TRANSIT");
    for (const fulfillment of fulfillments) {
      const info = fulfillment.trackingInfo[0];
      expect(info?.company).toBeTruthy();
      expect(info?.number).toBeTruthy();
      expect(info?.url).toMatch(/^https:\/\//);
    }
    expect(has((o) => o.fulfillmentOrders.some((fo) => fo.requestStatus === "ACCEPTED"))).toBe(true);
  });

  it("has every transaction kind, each also failing somewhere", () => {
    const transactions = orders.flatMap((o) => o.transactions);
    for (const kind of ["AUTHORIZATION", "CAPTURE", "SALE", "REFUND", "VOID"] as const) {
      expect(transactions.some((t) => t.kind === kind && t.status === "SUCCESS"), `${kind} SUCCESS`).toBe(true);
      expect(transactions.some((t) => t.kind === kind && t.status === "FAILURE"), `${kind} FAILURE`).toBe(true);
    }
    expect(transactions.some((t) => t.status === "PENDING")).toBe(true);
    expect(has((o) => o.transactions.length >= 3)).toBe(true);
  });

  it("has returns in each state, with return line items", () => {
    const returns = orders.flatMap((o) => o.returns);
    for (const status of ["REQUESTED", "OPEN", "CLOSED"] as const) expect(returns.map((r) => r.status)).toContain(status);
    for (const ret of returns) expect(ret.returnLineItems.length).toBeGreaterThan(0);
    expect(orders.flatMap((o) => o.refunds).every((r) => r.refundLineItems.length > 0 && r.transactions.length > 0)).toBe(true);
  });

  it("has customers with contact details, and orders with events, tags and notes", () => {
    expect(store.customers.length).toBeGreaterThan(0);
    for (const customer of store.customers) {
      expect(customer.displayName).toBe(`${customer.firstName} ${customer.lastName}`);
      expect(customer.email).toMatch(/@example\.(com|org|net)$/);
      expect(customer.defaultAddress?.city).toBeTruthy();
    }
    expect(new Set(store.customers.map((c) => c.email)).size).toBe(store.customers.length);
    expect(has((o) => o.customer === null)).toBe(true);
    expect(has((o) => o.tags.length > 0)).toBe(true);
    expect(has((o) => o.note !== null)).toBe(true);
    for (const order of orders) {
      expect(order.events.length).toBeGreaterThanOrEqual(3);
      expect(order.events[0]?.action).toBe("placed");
      const times = order.events.map((e) => e.createdAt);
      expect([...times].sort()).toEqual(times);
      expect(order.shippingAddress?.address1).toBeTruthy();
      expect(order.billingAddress?.name).toBeTruthy();
    }
    expect(orders.flatMap((o) => o.events).some((e) => e.criticalAlert)).toBe(true);
  });

  it("spreads dates over the last ~90 days and never after now", () => {
    const now = DEFAULT_NOW.getTime();
    const oldest = now - (ORDER_HISTORY_DAYS + 1) * 86_400_000;
    for (const order of orders) {
      const created = Date.parse(order.createdAt);
      const updated = Date.parse(order.updatedAt);
      expect(created).toBeGreaterThanOrEqual(oldest);
      expect(updated).toBeGreaterThanOrEqual(created);
      expect(updated).toBeLessThanOrEqual(now);
      for (const event of order.events) expect(Date.parse(event.createdAt)).toBeLessThanOrEqual(now);
      expect(order.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    }
    const ages = orders.map((o) => (now - Date.parse(o.createdAt)) / 86_400_000);
    expect(Math.max(...ages)).toBeGreaterThan(60);
    expect(Math.min(...ages)).toBeLessThan(2);
  });

  it("uses unique, well-formed GIDs across every record", () => {
    const seen = new Map<string, object>();
    const visit = (value: unknown) => {
      if (Array.isArray(value)) return value.forEach(visit);
      if (typeof value !== "object" || value === null || "__ref" in value) return;
      const record = value as Record<string, unknown>;
      if (typeof record["id"] === "string" && typeof record["__typename"] === "string") {
        expect(record["id"]).toMatch(/^gid:\/\/shopify\/[A-Za-z]+\/\d+$/);
        const previous = seen.get(record["id"]);
        // One record may appear twice (a customer's default address, Shopify's shared return
        // reason definitions), but two different records may never share an id.
        if (previous) expect(previous).toEqual(record);
        seen.set(record["id"], record);
      }
      Object.values(record).forEach(visit);
    };
    visit(store);
    expect(seen.size).toBeGreaterThan(5_000);
  });

  it("walks through every archetype within the first orders of any seed", () => {
    const first = (seed: number) => new Set(Array.from({ length: 17 }, (_, i) => archetypeFor(seed, i)));
    expect(first(1).size).toBe(17);
    expect(first(123_456).size).toBe(17);
  });
});

describe("currencies", () => {
  it("prices a store in its currency with the currency's minor units", () => {
    const usd = generateDemoStore({ seed: 3, orderCount: 20, domain: "usd.myshopify.com", currencyCode: "USD" });
    const jpy = generateDemoStore({ seed: 3, orderCount: 20, domain: "jpy.myshopify.com", currencyCode: "JPY" });
    expect(usd.shop.currencyCode).toBe("USD");
    expect(usd.orders.every((o) => o.totalPriceSet.shopMoney.currencyCode === "USD" && /^\d+\.\d{2}$/.test(o.totalPriceSet.shopMoney.amount))).toBe(true);
    expect(jpy.orders.every((o) => o.totalPriceSet.shopMoney.currencyCode === "JPY" && /^\d+$/.test(o.totalPriceSet.shopMoney.amount))).toBe(true);
  });

  it("derives a different seed (and different IDs) per domain when no seed is given", () => {
    const a = generateDemoStore({ orderCount: 1, domain: "a.myshopify.com" });
    const b = generateDemoStore({ orderCount: 1, domain: "b.myshopify.com" });
    expect(a.seed).not.toBe(b.seed);
    expect(a.orders[0]?.id).not.toBe(b.orders[0]?.id);
  });

  it("keeps GIDs distinct between shops even with the same seed", () => {
    const a = generateDemoStore({ seed: 1, orderCount: 1, domain: "a.myshopify.com" });
    const b = generateDemoStore({ seed: 1, orderCount: 1, domain: "b.myshopify.com" });
    expect(a.orders[0]?.id).not.toBe(b.orders[0]?.id);
    expect(a.orders[0]?.lineItems[0]?.title).toBe(b.orders[0]?.lineItems[0]?.title);
  });
});
