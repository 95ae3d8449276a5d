import { beforeAll, describe, expect, it } from "vitest";
import { bagMinor } from "../store/money";
import { SandboxStore } from "../store/store";
import type { CustomerRecord, OrderRecord } from "../store/types";
import { createAdminApi, type GraphqlRequestBody } from "./admin-api";
import { loadAdminSchema } from "./schema";

const SHOP_A = "shop-a.myshopify.com";
const SHOP_B = "shop-b.myshopify.com";

interface GraphqlBody {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; locations?: Array<{ line: number; column: number }>; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
  extensions?: {
    cost?: {
      requestedQueryCost: number;
      actualQueryCost: number | null;
      throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
      fields?: unknown[];
    };
    search?: unknown[];
  };
}

// Response data is dynamic JSON; tests read it through this loose accessor type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function setup(options: { now?: () => number; maximumAvailable?: number; restoreRate?: number } = {}) {
  const store = new SandboxStore({ now: options.now });
  store.seedShop({ domain: SHOP_A, name: "Shop A", orderCount: 250, seed: 1 });
  store.seedShop({ domain: SHOP_B, name: "Shop B", orderCount: 20, seed: 2, currencyCode: "USD" });
  const api = createAdminApi({ store, ...options });
  const run = async (shop: string, body: GraphqlRequestBody | string, opts?: { costDebug?: boolean }) => {
    const result = await api.execute(shop, typeof body === "string" ? { query: body } : body, opts);
    return { status: result.status, body: result.body as GraphqlBody, data: (result.body as GraphqlBody).data as Json };
  };
  return { store, api, run };
}

let ctx: ReturnType<typeof setup>;
beforeAll(() => {
  loadAdminSchema();
  ctx = setup();
});

const ORDER_PAGE = `query Page($after: String) {
  orders(first: 50, after: $after) {
    edges { cursor node { id name updatedAt } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

describe("shop and counts", () => {
  it("answers a realistic home-page query", async () => {
    const { status, body, data } = await ctx.run(SHOP_A, `{
      shop { name currencyCode myshopifyDomain ianaTimezone plan { displayName } primaryDomain { url } }
      ordersCount { count precision }
      capped: ordersCount(limit: 100) { count precision }
      paid: ordersCount(query: "financial_status:paid") { count }
    }`);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(data.shop).toMatchObject({ name: "Shop A", currencyCode: "EUR", myshopifyDomain: SHOP_A, primaryDomain: { url: `https://${SHOP_A}` } });
    expect(data.ordersCount).toEqual({ count: 250, precision: "EXACT" });
    expect(data.capped).toEqual({ count: 100, precision: "AT_LEAST" });
    expect(data.paid.count).toBe(ctx.store.orders(SHOP_A).filter((o) => o.displayFinancialStatus === "PAID").length);
    expect(body.extensions?.cost).toMatchObject({ requestedQueryCost: 6, actualQueryCost: 6, throttleStatus: { maximumAvailable: 2000, restoreRate: 100 } });
  });

  it("answers app and location queries", async () => {
    const { body, data } = await ctx.run(SHOP_A, `{
      currentAppInstallation { id app { title handle } accessScopes { handle } }
      app { title }
      locations(first: 10) { nodes { id name isActive address { city countryCode } } }
      location { name isPrimary }
    }`);
    expect(body.errors).toBeUndefined();
    expect(data.currentAppInstallation.app.title).toBe("Ops Action Center");
    expect(data.currentAppInstallation.accessScopes.map((s: Json) => s.handle)).toContain("read_orders");
    expect(data.locations.nodes).toHaveLength(3);
    expect(data.locations.nodes.map((l: Json) => l.name)).toEqual([...data.locations.nodes.map((l: Json) => l.name)].sort());
    expect(data.location.isPrimary).toBe(true);
  });
});

const DEEP_ORDER = `query Deep($id: ID!) {
  order(id: $id) {
    id name email tags note createdAt updatedAt cancelledAt cancelReason closed
    displayFinancialStatus displayFulfillmentStatus returnStatus
    totalPrice
    totalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } }
    currentTotalPriceSet { shopMoney { amount } }
    totalRefundedSet { shopMoney { amount } }
    totalReceivedSet { shopMoney { amount } }
    totalOutstandingSet { shopMoney { amount } }
    customer { id displayName email phone numberOfOrders amountSpent { amount currencyCode } defaultAddress { city countryCodeV2 } }
    shippingAddress { name address1 city zip countryCodeV2 }
    billingAddress { name }
    lineItems(first: 10) {
      nodes { id title sku quantity currentQuantity variantTitle refundableQuantity unfulfilledQuantity
        originalUnitPriceSet { shopMoney { amount } }
        discountedTotalSet { shopMoney { amount } }
        withCode: discountedTotalSet(withCodeDiscounts: true) { shopMoney { amount } } }
    }
    fulfillmentOrders(first: 5) {
      nodes { id status requestStatus
        assignedLocation { name location { id name } }
        fulfillmentHolds { reason displayReason }
        lineItems(first: 10) { nodes { totalQuantity remainingQuantity lineItem { id } } } }
    }
    fulfillments { id name status displayStatus trackingInfo { company number url }
      fulfillmentLineItems(first: 10) { nodes { quantity lineItem { id } } } }
    transactions { id kind status errorCode amountSet { shopMoney { amount } } parentTransaction { id kind } }
    refunds { id totalRefundedSet { shopMoney { amount } }
      refundLineItems(first: 10) { nodes { quantity restockType lineItem { id } subtotalSet { shopMoney { amount } } } }
      transactions(first: 5) { nodes { id kind status } } }
    returns(first: 5) { nodes { id name status
      returnLineItems(first: 5) { nodes { quantity ... on ReturnLineItem { returnReason fulfillmentLineItem { lineItem { id } } } } } } }
    events(first: 50) { nodes { id action message createdAt appTitle attributeToApp attributeToUser criticalAlert
      ... on BasicEvent { subjectType } } }
  }
}`;

describe("a deep order query", () => {
  const pick = (predicate: (order: OrderRecord) => boolean) => {
    const order = ctx.store.orders(SHOP_A).find(predicate);
    if (!order) throw new Error("no matching order in the demo store");
    return order;
  };

  it("returns an order with refunds, a return, fulfillments and events consistently", async () => {
    const record = pick((o) => o.refunds.length > 0 && o.returns.length > 0 && o.fulfillments.length > 0 && o.customer !== null);
    const { body, data } = await ctx.run(SHOP_A, { query: DEEP_ORDER, variables: { id: record.id } });
    expect(body.errors).toBeUndefined();
    const order = data.order;
    expect(order.id).toBe(record.id);
    expect(order.totalPrice).toBe(record.totalPriceSet.shopMoney.amount);
    expect(order.totalPriceSet.presentmentMoney).toEqual(order.totalPriceSet.shopMoney);

    const lineIds = new Set(order.lineItems.nodes.map((l: Json) => l.id));
    expect(lineIds.size).toBe(record.lineItems.length);
    for (const fulfillment of order.fulfillments) {
      expect(fulfillment.trackingInfo[0].url).toMatch(/^https:\/\//);
      for (const item of fulfillment.fulfillmentLineItems.nodes) expect(lineIds.has(item.lineItem.id)).toBe(true);
    }
    for (const fo of order.fulfillmentOrders.nodes) {
      expect(fo.assignedLocation.location.id).toMatch(/^gid:\/\/shopify\/Location\//);
      for (const item of fo.lineItems.nodes) expect(lineIds.has(item.lineItem.id)).toBe(true);
    }

    // Money: refunds add up to totalRefunded, current total reflects them.
    const amount = (m: Json) => Math.round(Number(m.shopMoney.amount) * 100);
    const refunded = order.refunds.reduce((acc: number, r: Json) => acc + amount(r.totalRefundedSet), 0);
    expect(refunded).toBe(amount(order.totalRefundedSet));
    expect(amount(order.currentTotalPriceSet)).toBe(amount(order.totalPriceSet) - refunded);
    for (const refund of order.refunds) {
      expect(refund.transactions.nodes.some((t: Json) => t.kind === "REFUND" && t.status === "SUCCESS")).toBe(true);
      for (const item of refund.refundLineItems.nodes) expect(lineIds.has(item.lineItem.id)).toBe(true);
    }
    const refundTransactions = order.transactions.filter((t: Json) => t.kind === "REFUND");
    for (const t of refundTransactions) expect(["SALE", "CAPTURE"]).toContain(t.parentTransaction.kind);

    const ret = order.returns.nodes[0];
    expect(ret.name).toBe(`${record.name}-R1`);
    expect(lineIds.has(ret.returnLineItems.nodes[0].fulfillmentLineItem.lineItem.id)).toBe(true);
    expect(order.events.nodes[0].action).toBe("placed");
    expect(order.events.nodes.every((e: Json) => e.subjectType === "ORDER")).toBe(true);

    const customerOrders = ctx.store.orders(SHOP_A).filter((o) => o.customer?.__ref === record.customer?.__ref);
    expect(order.customer.numberOfOrders).toBe(String(customerOrders.length));
    expect(Math.round(Number(order.customer.amountSpent.amount) * 100)).toBe(customerOrders.reduce((acc, o) => acc + bagMinor(o.netPaymentSet), 0));
  });

  it("shows fulfillment holds on an on-hold order and code discounts on request", async () => {
    const onHold = pick((o) => o.displayFulfillmentStatus === "ON_HOLD");
    const { data } = await ctx.run(SHOP_A, { query: DEEP_ORDER, variables: { id: onHold.id } });
    const fo = data.order.fulfillmentOrders.nodes[0];
    expect(fo.status).toBe("ON_HOLD");
    expect(fo.fulfillmentHolds[0].reason).toBe(onHold.fulfillmentOrders[0]?.fulfillmentHolds[0]?.reason);

    const discounted = pick((o) => o.discountCodes.length > 0);
    const { data: withCode } = await ctx.run(SHOP_A, { query: DEEP_ORDER, variables: { id: discounted.id } });
    const line = withCode.order.lineItems.nodes[0];
    expect(Number(line.withCode.shopMoney.amount)).toBeLessThan(Number(line.discountedTotalSet.shopMoney.amount));
  });

  it("returns null for an unknown order and an error for a malformed id", async () => {
    const missing = await ctx.run(SHOP_A, `{ order(id: "gid://shopify/Order/1") { id } }`);
    expect(missing.data).toEqual({ order: null });
    const malformed = await ctx.run(SHOP_A, `{ order(id: "1") { id } }`);
    expect(malformed.body.errors?.[0]?.message).toBe("Invalid global id '1'");
  });
});

describe("orders connection", () => {
  it("visits every order exactly once with first: 50", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const { body, data } = await ctx.run(SHOP_A, { query: ORDER_PAGE, variables: { after } });
      expect(body.errors).toBeUndefined();
      pages++;
      seen.push(...data.orders.edges.map((e: Json) => e.node.id));
      expect(data.orders.pageInfo.hasPreviousPage).toBe(pages > 1);
      if (!data.orders.pageInfo.hasNextPage) break;
      after = data.orders.pageInfo.endCursor;
    }
    expect(pages).toBe(5);
    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    expect(new Set(seen)).toEqual(new Set(ctx.store.orders(SHOP_A).map((o) => o.id)));
  });

  it("defaults to PROCESSED_AT order and supports sortKey, reverse, last/before", async () => {
    const { data } = await ctx.run(SHOP_A, `{
      byDate: orders(first: 250) { nodes { processedAt } }
      byNumber: orders(first: 3, sortKey: ORDER_NUMBER, reverse: true) { nodes { name } }
      byTotal: orders(first: 100, sortKey: TOTAL_PRICE) { nodes { totalPriceSet { shopMoney { amount } } } }
      tail: orders(last: 2, sortKey: ORDER_NUMBER) { nodes { name } pageInfo { hasNextPage hasPreviousPage } }
    }`);
    const dates = data.byDate.nodes.map((n: Json) => n.processedAt);
    expect(dates).toEqual([...dates].sort());
    expect(data.byNumber.nodes.map((n: Json) => n.name)).toEqual(["#1250", "#1249", "#1248"]);
    const totals = data.byTotal.nodes.map((n: Json) => Number(n.totalPriceSet.shopMoney.amount));
    expect(totals).toEqual([...totals].sort((a, b) => a - b));
    expect(data.tail.nodes.map((n: Json) => n.name)).toEqual(["#1249", "#1250"]);
    expect(data.tail.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true });
  });

  it("filters with updated_at:> like an incremental sync", async () => {
    const orders = ctx.store.orders(SHOP_A);
    const sorted = orders.map((o) => o.updatedAt).sort();
    const threshold = sorted[Math.floor(sorted.length * 0.8)] as string;
    const expected = orders.filter((o) => o.updatedAt > threshold).map((o) => o.id).sort();
    expect(expected.length).toBeGreaterThan(10);
    const { body, data } = await ctx.run(SHOP_A, {
      query: `query($q: String!) { orders(first: 250, query: $q, sortKey: UPDATED_AT) { nodes { id updatedAt } } ordersCount(query: $q) { count } }`,
      variables: { q: `updated_at:>'${threshold}'` },
    });
    expect(body.errors).toBeUndefined();
    expect(data.orders.nodes.map((n: Json) => n.id).sort()).toEqual(expected);
    expect(data.ordersCount.count).toBe(expected.length);
    const inclusive = await ctx.run(SHOP_A, { query: `query($q: String!) { ordersCount(query: $q) { count } }`, variables: { q: `updated_at:>='${threshold}'` } });
    expect(inclusive.data.ordersCount.count).toBe(orders.filter((o) => o.updatedAt >= threshold).length);
  });

  it("sees a store write through updated_at polling and the order's timeline", async () => {
    const local = setup();
    const orders = local.store.orders(SHOP_A);
    const watermark = orders.reduce((max, o) => (o.updatedAt > max ? o.updatedAt : max), "");
    const target = orders[7] as OrderRecord;
    local.store.touchOrder(SHOP_A, target.id, { action: "tags_added", message: "Tags added: priority", appTitle: "Ops Action Center", attributeToApp: true });
    const { body, data } = await local.run(SHOP_A, {
      query: `query($q: String!, $fo: ID!) {
        orders(first: 10, query: $q) { nodes { id updatedAt events(last: 1) { nodes { action appTitle } } } }
        fulfillmentOrder(id: $fo) { id orderName order { id } }
      }`,
      variables: { q: `updated_at:>'${watermark}'`, fo: target.fulfillmentOrders[0]?.id },
    });
    expect(body.errors).toBeUndefined();
    expect(data.orders.nodes).toEqual([{ id: target.id, updatedAt: target.updatedAt, events: { nodes: [{ action: "tags_added", appTitle: "Ops Action Center" }] } }]);
    expect(target.updatedAt > watermark).toBe(true);
    expect(data.fulfillmentOrder).toEqual({ id: target.fulfillmentOrders[0]?.id, orderName: target.name, order: { id: target.id } });
  });

  it("supports Shopify's common search fields and free text", async () => {
    const orders = ctx.store.orders(SHOP_A);
    const withCustomer = orders.find((o) => o.customer !== null && o.email) as OrderRecord;
    const customerName = ctx.store.deref<CustomerRecord>(SHOP_A, withCustomer.customer)?.displayName ?? "";
    const count = async (query: string) => (await ctx.run(SHOP_A, { query: `query($q: String) { ordersCount(query: $q) { count } }`, variables: { q: query } })).data.ordersCount.count;

    expect(await count("name:#1001")).toBe(1);
    expect(await count("name:1001")).toBe(1);
    expect(await count(`email:${withCustomer.email}`)).toBe(orders.filter((o) => o.email === withCustomer.email).length);
    expect(await count("fulfillment_status:shipped")).toBe(orders.filter((o) => o.displayFulfillmentStatus === "FULFILLED").length);
    const shippedNothing = (o: OrderRecord) => ["UNFULFILLED", "ON_HOLD", "IN_PROGRESS"].includes(o.displayFulfillmentStatus);
    expect(await count("fulfillment_status:unshipped")).toBe(orders.filter(shippedNothing).length);
    expect(await count("fulfillment_status:unfulfilled")).toBe(orders.filter((o) => shippedNothing(o) || o.displayFulfillmentStatus === "PARTIALLY_FULFILLED").length);
    expect(await count("fulfillment_status:on_hold")).toBe(orders.filter((o) => o.displayFulfillmentStatus === "ON_HOLD").length);
    expect(await count("fulfillment_status:partial")).toBe(orders.filter((o) => o.displayFulfillmentStatus === "PARTIALLY_FULFILLED").length);
    expect(await count("status:cancelled")).toBe(orders.filter((o) => o.cancelledAt !== null).length);
    expect(await count("status:closed")).toBe(orders.filter((o) => o.closed).length);
    expect(await count("status:open")).toBe(orders.filter((o) => !o.closed && o.cancelledAt === null).length);
    expect(await count("financial_status:refunded")).toBe(orders.filter((o) => o.displayFinancialStatus === "REFUNDED").length);
    expect(await count("financial_status:paid fulfillment_status:unshipped")).toBe(
      orders.filter((o) => o.displayFinancialStatus === "PAID" && shippedNothing(o)).length,
    );
    expect(await count(`"${customerName}"`)).toBeGreaterThanOrEqual(orders.filter((o) => o.customer?.__ref === withCustomer.customer?.__ref).length);
    expect(await count("created_at:>=2026-10-01 created_at:<2026-10-15")).toBe(
      orders.filter((o) => o.createdAt >= "2026-10-01T00:00:00Z" && o.createdAt < "2026-10-15T00:00:00Z").length,
    );
  });

  it("reports unknown search fields under extensions.search and ignores them", async () => {
    const { body, data } = await ctx.run(SHOP_A, `{ ordersCount(query: "flavour:mint") { count } }`);
    expect(data.ordersCount.count).toBe(250);
    expect(body.extensions?.search).toEqual([
      { path: ["ordersCount"], query: "flavour:mint", warnings: [{ field: "flavour", message: "Invalid search field for this query." }] },
    ]);
  });

  it("serves a customer's orders and the customers connection", async () => {
    const { body, data } = await ctx.run(SHOP_A, `{
      customers(first: 5, sortKey: NAME) { nodes { id displayName email orders(first: 50) { nodes { id customer { id } } } } }
      customersCount { count }
    }`);
    expect(body.errors).toBeUndefined();
    expect(data.customersCount.count).toBe(ctx.store.customers(SHOP_A).length);
    for (const customer of data.customers.nodes) {
      for (const order of customer.orders.nodes) expect(order.customer.id).toBe(customer.id);
    }
  });

  it("refuses a connection without first or last, like Shopify", async () => {
    const { body } = await ctx.run(SHOP_A, `{ orders { nodes { id } } }`);
    expect(body.data).toBeNull();
    expect(body.errors?.[0]).toMatchObject({ message: "you must provide one of first or last", path: ["orders"] });
    expect(body.extensions?.cost).toMatchObject({ requestedQueryCost: 2, actualQueryCost: 2 });
  });

  it("rejects page sizes over 250 before running", async () => {
    const { body } = await ctx.run(SHOP_A, `{ orders(first: 251) { nodes { id } } }`);
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.message).toContain("Expected a page size from 0 to 250");
  });
});

describe("request errors", () => {
  it("reports validation errors with locations, without data", async () => {
    const { status, body } = await ctx.run(SHOP_A, "{\n  shop {\n    nope\n  }\n}");
    expect(status).toBe(200);
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([{ message: 'Cannot query field "nope" on type "Shop". Did you mean "name"?', locations: [{ line: 3, column: 5 }] }]);
  });

  it("reports syntax errors", async () => {
    const { status, body } = await ctx.run(SHOP_A, "{ shop { name }");
    expect(status).toBe(200);
    expect(body.errors?.[0]?.message).toMatch(/^Syntax Error/);
    expect(body.errors?.[0]?.locations).toEqual([{ line: 1, column: 16 }]);
  });

  it("answers 404 for an unknown shop", async () => {
    const result = await ctx.api.execute("nope.myshopify.com", { query: "{ shop { name } }" });
    expect(result).toEqual({ status: 404, body: { errors: "Not Found" } });
  });

  it("reports bad variables and unknown operation names", async () => {
    const badVariable = await ctx.run(SHOP_A, { query: "query($n: Int!) { orders(first: $n) { nodes { id } } }", variables: { n: "ten" } });
    expect(badVariable.body.errors?.[0]?.message).toContain('Variable "$n" got invalid value "ten"');
    const unknownOperation = await ctx.run(SHOP_A, { query: "query A { shop { name } }", operationName: "B" });
    expect(unknownOperation.body.errors?.[0]?.message).toBe('Unknown operation named "B".');
  });

  it("says clearly when a mutation is not implemented yet", async () => {
    const order = ctx.store.orders(SHOP_A)[0] as OrderRecord;
    const { body } = await ctx.run(SHOP_A, {
      query: `mutation($id: ID!) { orderMarkAsPaid(input: { id: $id }) { userErrors { message } } }`,
      variables: { id: order.id },
    });
    expect(body.errors?.[0]?.extensions?.["code"]).toBe("NOT_IMPLEMENTED");
    expect(body.extensions?.cost?.requestedQueryCost).toBe(10);
  });
});

describe("shop isolation", () => {
  it("never serves one shop's records to another", async () => {
    const orderA = ctx.store.orders(SHOP_A)[0] as OrderRecord;
    const lineA = orderA.lineItems[0];
    const orderB = ctx.store.orders(SHOP_B)[0] as OrderRecord;
    const query = `query($id: ID!, $ids: [ID!]!) { shop { name currencyCode } node(id: $id) { id } nodes(ids: $ids) { id } order(id: $id) { id } ordersCount { count } }`;
    const onB = await ctx.run(SHOP_B, { query, variables: { id: orderA.id, ids: [orderA.id, lineA?.id, orderB.id] } });
    expect(onB.body.errors).toBeUndefined();
    expect(onB.data).toEqual({
      shop: { name: "Shop B", currencyCode: "USD" },
      node: null,
      nodes: [null, null, { id: orderB.id }],
      order: null,
      ordersCount: { count: 20 },
    });
    const onA = await ctx.run(SHOP_A, { query, variables: { id: orderA.id, ids: [orderA.id, orderB.id] } });
    expect(onA.data.node).toEqual({ id: orderA.id });
    expect(onA.data.nodes).toEqual([{ id: orderA.id }, null]);
  });

  it("resolves node() for any Node record and typed fragments", async () => {
    const order = ctx.store.orders(SHOP_A).find((o) => o.fulfillments.length > 0) as OrderRecord;
    const { body, data } = await ctx.run(SHOP_A, {
      query: `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Fulfillment { name } ... on LineItem { title } ... on BasicEvent { action } } }`,
      variables: { ids: [order.fulfillments[0]?.id, order.lineItems[0]?.id, order.events[0]?.id] },
    });
    expect(body.errors).toBeUndefined();
    expect(data.nodes.map((n: Json) => n.__typename)).toEqual(["Fulfillment", "LineItem", "BasicEvent"]);
    expect(data.nodes[2].action).toBe("placed");
  });
});

describe("cost and throttling", () => {
  it("reports a hand-computed requested cost and a smaller actual cost", async () => {
    // 2 + 10 x (order 1 + totalPriceSet 1 + shopMoney 1 + customer 1) = 42; the query matches 1 order.
    const { body } = await ctx.run(SHOP_A, `{ orders(first: 10, query: "name:#1001") { edges { node { id totalPriceSet { shopMoney { amount } } customer { id } } } } }`);
    const cost = body.extensions?.cost;
    expect(cost?.requestedQueryCost).toBe(42);
    // One order came back: 2 + (1 + 2 + 1); a null customer is still charged its own point.
    expect(cost?.actualQueryCost).toBe(6);
  });

  it("adds per-field costs when cost debugging is on", async () => {
    const { body } = await ctx.run(SHOP_A, `{ shop { name } }`, { costDebug: true });
    expect(body.extensions?.cost?.fields).toEqual([{ path: ["shop"], definedCost: 1, requestedTotalCost: 1, requestedChildrenCost: 0 }]);
  });

  it("rejects queries over 1000 points with MAX_COST_EXCEEDED", async () => {
    const { status, body } = await ctx.run(SHOP_A, `{ orders(first: 250) { nodes { id lineItems(first: 250) { nodes { id } } } } }`);
    const expected = 2 + 250 * (1 + 2 + 250);
    expect(status).toBe(200);
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]).toMatchObject({ extensions: { code: "MAX_COST_EXCEEDED", cost: expected, maxCost: 1000 } });
    expect(body.errors?.[0]?.message).toMatch(new RegExp(`^Query cost is ${expected}, which exceeds the single query max cost limit \\(1000\\)`));
    expect(body.extensions?.cost).toMatchObject({ requestedQueryCost: expected, actualQueryCost: null });
  });

  it("throttles when the bucket runs dry and recovers as it refills", async () => {
    let now = Date.parse("2026-11-01T12:00:00Z");
    const local = setup({ now: () => now });
    const expensive = `{ orders(first: 80) { nodes { id lineItems(first: 8) { nodes { id } } } } }`;
    const requestedCost = 2 + 80 * (1 + 2 + 8);
    let throttled: Awaited<ReturnType<typeof local.run>> | null = null;
    let successes = 0;
    for (let i = 0; i < 20 && !throttled; i++) {
      const response = await local.run(SHOP_A, expensive);
      if (response.body.errors?.[0]?.extensions?.["code"] === "THROTTLED") throttled = response;
      else {
        expect(response.body.errors).toBeUndefined();
        expect(response.body.extensions?.cost?.requestedQueryCost).toBe(requestedCost);
        expect(response.body.extensions?.cost?.actualQueryCost).toBeLessThan(requestedCost);
        successes++;
      }
    }
    expect(successes).toBeGreaterThan(1);
    expect(throttled?.status).toBe(200);
    expect(throttled?.body.data).toBeUndefined();
    expect(throttled?.body.errors).toEqual([
      { message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } },
    ]);
    const status = throttled?.body.extensions?.cost;
    expect(status?.actualQueryCost).toBeNull();
    expect(status?.throttleStatus.currentlyAvailable).toBeLessThan(requestedCost);

    // The other shop has its own bucket.
    expect((await local.run(SHOP_B, expensive)).body.errors).toBeUndefined();

    now += 10_000; // 10 s x 100 points/s
    const recovered = await local.run(SHOP_A, expensive);
    expect(recovered.body.errors).toBeUndefined();
    expect(local.api.bucket(SHOP_A).status().restoreRate).toBe(100);
  });
});

describe("performance", () => {
  it("generates a 250-order store and answers a 50-order page well under a second", async () => {
    const started = performance.now();
    const store = new SandboxStore();
    store.seedShop({ domain: "perf.myshopify.com", orderCount: 250 });
    const api = createAdminApi({ store });
    const result = await api.execute("perf.myshopify.com", {
      query: `{ orders(first: 50) { nodes { id name totalPriceSet { shopMoney { amount } } customer { displayName } lineItems(first: 5) { nodes { title quantity } } } } }`,
    });
    const elapsed = performance.now() - started;
    expect((result.body as GraphqlBody).errors).toBeUndefined();
    expect(elapsed).toBeLessThan(1_000);
  });
});
