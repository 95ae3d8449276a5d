import { beforeAll, describe, expect, it } from "vitest";
import { createOrder } from "../changes";
import { bagMinor } from "../store/money";
import { SandboxStore, type StoreEvent } from "../store/store";
import type { OrderRecord } from "../store/types";
import { createAdminApi } from "./admin-api";
import { loadAdminSchema } from "./schema";

const SHOP = "shop-a.myshopify.com";
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function setup() {
  const store = new SandboxStore();
  store.seedShop({ domain: SHOP, name: "Shop A", orderCount: 60, seed: 1 });
  const api = createAdminApi({ store });
  const published: StoreEvent[] = [];
  store.subscribe((event) => published.push(event));
  const run = async (query: string, variables: Record<string, unknown> = {}) => {
    const result = await api.execute(SHOP, { query, variables });
    return result.body as { data: Json; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  };
  /** An order that has been paid and has no refunds or cancellation yet. */
  const paidOrder = () =>
    store.orders(SHOP).find((order) => order.cancelledAt === null && order.refunds.length === 0 && bagMinor(order.netPaymentSet) > 2000) as OrderRecord;
  return { store, published, run, paidOrder };
}

let ctx: ReturnType<typeof setup>;
beforeAll(() => {
  loadAdminSchema();
  ctx = setup();
});

const TAGS_ADD = `mutation($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { node { ... on Order { id tags } } userErrors { field message } } }`;
const ORDER_UPDATE = `mutation($input: OrderInput!) { orderUpdate(input: $input) { order { id note tags } userErrors { field message } } }`;
const REFUND = `mutation($input: RefundInput!, $key: String!) { refundCreate(input: $input) @idempotent(key: $key) {
  refund { id totalRefundedSet { shopMoney { amount } } } order { id totalRefundedSet { shopMoney { amount } } } userErrors { field message } } }`;

describe("tagsAdd", () => {
  it("adds trimmed tags once, bumps updatedAt and sends orders/updated", async () => {
    const order = ctx.store.orders(SHOP)[3] as OrderRecord;
    const updatedAt = order.updatedAt;
    ctx.published.length = 0;
    const { data } = await ctx.run(TAGS_ADD, { id: order.id, tags: [" vip ", "vip", "late-delivery"] });
    expect(data.tagsAdd.userErrors).toEqual([]);
    expect(data.tagsAdd.node.tags).toEqual(expect.arrayContaining(["vip", "late-delivery"]));
    expect(data.tagsAdd.node.tags.filter((tag: string) => tag === "vip")).toHaveLength(1);
    expect(order.updatedAt > updatedAt).toBe(true);
    expect(ctx.published.map((event) => event.topic)).toEqual(["orders/updated", "orders/updated"]);
    // Adding what is there already changes nothing and sends nothing.
    ctx.published.length = 0;
    const again = await ctx.run(TAGS_ADD, { id: order.id, tags: ["VIP"] });
    expect(again.data.tagsAdd.userErrors).toEqual([]);
    expect(ctx.published).toEqual([]);
  });

  it("answers userErrors for an unknown order and for blank tags", async () => {
    expect((await ctx.run(TAGS_ADD, { id: "gid://shopify/Order/1", tags: ["x"] })).data.tagsAdd).toEqual({ node: null, userErrors: [{ field: ["id"], message: "Order does not exist" }] });
    const order = ctx.store.orders(SHOP)[4] as OrderRecord;
    expect((await ctx.run(TAGS_ADD, { id: order.id, tags: [" ", ","] })).data.tagsAdd.userErrors).toEqual([{ field: ["tags"], message: "Tags can't be blank" }]);
  });
});

describe("orderUpdate", () => {
  it("overwrites the note and the tags", async () => {
    const order = ctx.store.orders(SHOP)[5] as OrderRecord;
    const { data } = await ctx.run(ORDER_UPDATE, { input: { id: order.id, note: "Customer called about the parcel", tags: ["b", "a"] } });
    expect(data.orderUpdate).toEqual({ order: { id: order.id, note: "Customer called about the parcel", tags: ["a", "b"] }, userErrors: [] });
    const cleared = await ctx.run(ORDER_UPDATE, { input: { id: order.id, note: null } });
    expect(cleared.data.orderUpdate.order.note).toBeNull();
  });

  it("refuses unknown orders and fields it does not support", async () => {
    expect((await ctx.run(ORDER_UPDATE, { input: { id: "gid://shopify/Order/2", note: "x" } })).data.orderUpdate.userErrors).toEqual([{ field: ["id"], message: "Order does not exist" }]);
    const order = ctx.store.orders(SHOP)[5] as OrderRecord;
    const { data } = await ctx.run(ORDER_UPDATE, { input: { id: order.id, email: "x@example.com" } });
    expect(data.orderUpdate.userErrors[0].field).toEqual(["email"]);
  });
});

describe("refundCreate", () => {
  const input = (order: OrderRecord, amount: string) => ({ orderId: order.id, note: "Damaged", transactions: [{ orderId: order.id, amount, gateway: "manual", kind: "REFUND" }] });

  it("refunds once per idempotency key, and refuses the key with another request", async () => {
    const order = ctx.paidOrder();
    const paid = bagMinor(order.netPaymentSet);
    ctx.published.length = 0;
    const first = await ctx.run(REFUND, { input: input(order, "10.00"), key: "run-1" });
    expect(first.data.refundCreate.userErrors).toEqual([]);
    expect(first.data.refundCreate.refund.totalRefundedSet.shopMoney.amount).toBe("10.00");
    expect(ctx.published.map((event) => event.topic)).toEqual(expect.arrayContaining(["refunds/create", "order_transactions/create", "orders/updated"]));
    const replay = await ctx.run(REFUND, { input: input(order, "10.00"), key: "run-1" });
    expect(replay.data.refundCreate.refund.id).toBe(first.data.refundCreate.refund.id);
    expect(order.refunds).toHaveLength(1);
    expect(bagMinor(order.netPaymentSet)).toBe(paid - 1000);
    const reused = await ctx.run(REFUND, { input: input(order, "11.00"), key: "run-1" });
    expect(reused.errors?.[0]?.message).toBe("The idempotency key was already used with a different request.");
    expect(order.refunds).toHaveLength(1);
  });

  it("requires the @idempotent directive", async () => {
    const order = ctx.paidOrder();
    const body = await ctx.run(`mutation($input: RefundInput!) { refundCreate(input: $input) { refund { id } userErrors { message } } }`, { input: input(order, "1.00") });
    expect(body.errors?.[0]?.message).toBe("The @idempotent directive with a key is required for refundCreate.");
    expect(order.refunds).toHaveLength(0);
  });

  it("answers userErrors for more than the refundable amount, a wrong kind and an unknown order", async () => {
    const order = ctx.paidOrder();
    const tooMuch = await ctx.run(REFUND, { input: input(order, "999999.00"), key: "too-much" });
    expect(tooMuch.data.refundCreate.userErrors[0].message).toMatch(/exceeds the refundable amount/);
    const kind = await ctx.run(REFUND, { input: { ...input(order, "1.00"), transactions: [{ orderId: order.id, amount: "1.00", gateway: "manual", kind: "SALE" }] }, key: "kind" });
    expect(kind.data.refundCreate.userErrors).toEqual([{ field: ["transactions", "0", "kind"], message: "Transaction kind must be REFUND" }]);
    const missing = await ctx.run(REFUND, { input: input({ ...order, id: "gid://shopify/Order/3" } as OrderRecord, "1.00"), key: "missing" });
    expect(missing.data.refundCreate.userErrors).toEqual([{ field: ["orderId"], message: "Order does not exist" }]);
    expect(order.refunds).toHaveLength(0);
    // A refused request does not burn its key: the same key works once the input is valid.
    const valid = await ctx.run(REFUND, { input: input(order, "1.00"), key: "too-much" });
    expect(valid.data.refundCreate.userErrors).toEqual([]);
  });
});

describe("discountCodeBasicCreate", () => {
  const CREATE = `mutation($input: DiscountCodeBasicInput!) { discountCodeBasicCreate(basicCodeDiscount: $input) {
    codeDiscountNode { id codeDiscount { ... on DiscountCodeBasic { title status codes(first: 1) { nodes { code } } } } }
    userErrors { field message code } } }`;
  const customerId = () => ctx.store.customers(SHOP)[0]!.id;
  const input = (code: string, value: Record<string, unknown>) => ({
    title: `Sorry ${code}`,
    code,
    context: { customers: { add: [customerId()] } },
    customerGets: { value, items: { all: true } },
    appliesOncePerCustomer: true,
    usageLimit: 1,
  });

  it("creates a code for one customer, unique per shop whatever the case", async () => {
    const { data } = await ctx.run(CREATE, { input: input("SORRY-15", { percentage: 0.15 }) });
    expect(data.discountCodeBasicCreate.userErrors).toEqual([]);
    expect(data.discountCodeBasicCreate.codeDiscountNode.codeDiscount).toEqual({ title: "Sorry SORRY-15", status: "ACTIVE", codes: { nodes: [{ code: "SORRY-15" }] } });
    const again = await ctx.run(CREATE, { input: input("sorry-15", { percentage: 0.1 }) });
    expect(again.data.discountCodeBasicCreate).toEqual({ codeDiscountNode: null, userErrors: [{ field: ["basicCodeDiscount", "code"], message: "Code must be unique. Please try a different code.", code: "TAKEN" }] });
  });

  it("refuses a percentage outside (0, 1], two values at once, and unknown customers", async () => {
    const over = await ctx.run(CREATE, { input: input("OVER", { percentage: 1.5 }) });
    expect(over.data.discountCodeBasicCreate.userErrors).toEqual([{ field: ["basicCodeDiscount", "customerGets", "value", "percentage"], message: "Value must be between 0.0 and 1.0", code: "VALUE_OUTSIDE_RANGE" }]);
    const both = await ctx.run(CREATE, { input: input("BOTH", { percentage: 0.1, discountAmount: { amount: "5.00", appliesOnEachItem: false } }) });
    expect(both.data.discountCodeBasicCreate.userErrors[0].code).toBe("INVALID");
    const stranger = await ctx.run(CREATE, { input: { ...input("STRANGER", { percentage: 0.1 }), context: { customers: { add: ["gid://shopify/Customer/1"] } } } });
    expect(stranger.data.discountCodeBasicCreate.userErrors).toEqual([{ field: ["basicCodeDiscount", "context", "customers", "add"], message: "Customer gid://shopify/Customer/1 does not exist", code: "INVALID" }]);
  });
});

describe("fulfillmentTrackingInfoUpdate", () => {
  const UPDATE = `mutation($id: ID!, $tracking: FulfillmentTrackingInput!, $notify: Boolean) {
    fulfillmentTrackingInfoUpdate(fulfillmentId: $id, trackingInfoInput: $tracking, notifyCustomer: $notify) {
      fulfillment { id trackingInfo { company number url } } userErrors { field message } } }`;
  const fulfilled = () => ctx.store.orders(SHOP).find((order) => order.fulfillments.some((f) => f.status === "SUCCESS")) as OrderRecord;

  it("replaces the tracking, tells the customer when asked, and sends fulfillments/update", async () => {
    const order = fulfilled();
    const fulfillment = order.fulfillments.find((f) => f.status === "SUCCESS")!;
    ctx.published.length = 0;
    const events = order.events.length;
    const { data } = await ctx.run(UPDATE, { id: fulfillment.id, tracking: { company: "UPS", number: "1Z999", url: "https://ups.example/1Z999" }, notify: true });
    expect(data.fulfillmentTrackingInfoUpdate).toEqual({ fulfillment: { id: fulfillment.id, trackingInfo: [{ company: "UPS", number: "1Z999", url: "https://ups.example/1Z999" }] }, userErrors: [] });
    expect(ctx.published.map((event) => event.topic)).toEqual(["fulfillments/update", "orders/updated"]);
    expect(order.events.slice(events).map((event) => event.action)).toEqual(["tracking_updated", "shipping_update_email_sent"]);
  });

  it("answers userErrors for an unknown fulfillment and for tracking without a number or URL", async () => {
    expect((await ctx.run(UPDATE, { id: "gid://shopify/Fulfillment/1", tracking: { number: "X" } })).data.fulfillmentTrackingInfoUpdate.userErrors).toEqual([{ field: ["fulfillmentId"], message: "Fulfillment does not exist" }]);
    const fulfillment = fulfilled().fulfillments[0]!;
    expect((await ctx.run(UPDATE, { id: fulfillment.id, tracking: { company: "UPS" } })).data.fulfillmentTrackingInfoUpdate.userErrors).toEqual([{ field: ["trackingInfoInput"], message: "Tracking needs a number or a URL" }]);
  });
});

describe("orderCancel", () => {
  const CANCEL = `mutation($id: ID!) { orderCancel(orderId: $id, reason: CUSTOMER, restock: true, notifyCustomer: true, staffNote: "Asked by phone") {
    job { id done } orderCancelUserErrors { code field message } } }`;

  it("cancels through a job that reports done, and refuses a second cancel", async () => {
    const order = ctx.store.orders(SHOP).find((o) => o.cancelledAt === null && o.fulfillments.length === 0) as OrderRecord;
    const { data } = await ctx.run(CANCEL, { id: order.id });
    expect(data.orderCancel.orderCancelUserErrors).toEqual([]);
    const job = await ctx.run(`query($id: ID!) { job(id: $id) { id done } }`, { id: data.orderCancel.job.id });
    expect(job.data.job).toEqual({ id: data.orderCancel.job.id, done: true });
    expect(order.cancelledAt).not.toBeNull();
    const again = await ctx.run(CANCEL, { id: order.id });
    expect(again.data.orderCancel).toEqual({ job: null, orderCancelUserErrors: [{ code: "INVALID", field: ["orderId"], message: "Order has already been cancelled" }] });
  });
});

describe("orderUpdate shippingAddress", () => {
  const UPDATE_ADDRESS = `mutation($input: OrderInput!) { orderUpdate(input: $input) {
    order { id shippingAddress { name address1 city zip countryCodeV2 formatted } fulfillmentOrders(first: 5) { nodes { status destination { address1 city zip } } } }
    userErrors { field message } } }`;
  const address = { firstName: "Jana", lastName: "Krüger", address1: "Neue Straße 5", city: "Hamburg", zip: "20095", countryCode: "DE" };

  it("overwrites the address, re-routes open fulfillment orders, and sends orders/updated once", async () => {
    const order = ctx.store.orders(SHOP).find((o) => o.cancelledAt === null && o.fulfillments.length === 0 && o.fulfillmentOrders.some((fo) => fo.status === "OPEN")) as OrderRecord;
    ctx.published.length = 0;
    const { data } = await ctx.run(UPDATE_ADDRESS, { input: { id: order.id, shippingAddress: address } });
    expect(data.orderUpdate.userErrors).toEqual([]);
    expect(data.orderUpdate.order.shippingAddress).toMatchObject({ name: "Jana Krüger", address1: "Neue Straße 5", city: "Hamburg", zip: "20095", countryCodeV2: "DE" });
    expect(data.orderUpdate.order.shippingAddress.formatted).toEqual(["Neue Straße 5", "Hamburg 20095", "Germany"]);
    const open = data.orderUpdate.order.fulfillmentOrders.nodes.filter((fo: Json) => fo.status === "OPEN");
    expect(open.length).toBeGreaterThan(0);
    for (const fo of open) expect(fo.destination).toEqual({ address1: "Neue Straße 5", city: "Hamburg", zip: "20095" });
    expect(ctx.published.map((event) => event.topic)).toEqual(["orders/updated"]);
    expect(order.events.at(-1)?.action).toBe("shipping_address_updated");
    // The same address again changes nothing and sends nothing.
    ctx.published.length = 0;
    expect((await ctx.run(UPDATE_ADDRESS, { input: { id: order.id, shippingAddress: address } })).data.orderUpdate.userErrors).toEqual([]);
    expect(ctx.published).toEqual([]);
  });

  it("answers userErrors naming the field: blank street or city, no country, a postal code the country does not use", async () => {
    const order = ctx.store.orders(SHOP)[7] as OrderRecord;
    const before = structuredClone(order.shippingAddress);
    const errors = async (shippingAddress: Record<string, unknown>) => (await ctx.run(UPDATE_ADDRESS, { input: { id: order.id, shippingAddress } })).data.orderUpdate.userErrors;
    expect(await errors({ ...address, address1: " " })).toEqual([{ field: ["input", "shippingAddress", "address1"], message: "Address can't be blank" }]);
    expect(await errors({ ...address, city: "" })).toEqual([{ field: ["input", "shippingAddress", "city"], message: "City can't be blank" }]);
    expect(await errors({ ...address, countryCode: undefined })).toEqual([{ field: ["input", "shippingAddress", "countryCode"], message: "Country can't be blank" }]);
    expect(await errors({ ...address, zip: "2009" })).toEqual([{ field: ["input", "shippingAddress", "zip"], message: "Enter a valid postal code for Germany" }]);
    expect(order.shippingAddress).toEqual(before);
  });
});

describe("returnCreate", () => {
  const RETURN_CREATE = `mutation($input: ReturnInput!) { returnCreate(returnInput: $input) {
    return { id name status totalQuantity returnLineItems(first: 5) { nodes { quantity returnReason ... on ReturnLineItem { fulfillmentLineItem { id } } } } order { id returnStatus } }
    userErrors { field message code } } }`;
  /** A delivered order whose first fulfilled line has no refund and no return yet. */
  const deliverable = () =>
    ctx.store.orders(SHOP).find((o) => o.fulfillments.some((f) => f.status === "SUCCESS") && o.returns.length === 0 && o.refunds.length === 0 && o.cancelledAt === null) as OrderRecord;

  it("opens a return of fulfilled units, sends returns/approve, and refuses more than is returnable", async () => {
    const order = deliverable();
    const item = order.fulfillments.find((f) => f.status === "SUCCESS")!.fulfillmentLineItems[0]!;
    ctx.published.length = 0;
    const { data } = await ctx.run(RETURN_CREATE, { input: { orderId: order.id, returnLineItems: [{ fulfillmentLineItemId: item.id, quantity: 1, returnReason: "DEFECTIVE", returnReasonNote: "Zip broke" }] } });
    expect(data.returnCreate.userErrors).toEqual([]);
    expect(data.returnCreate.return).toMatchObject({ name: `${order.name}-R1`, status: "OPEN", totalQuantity: 1, order: { id: order.id, returnStatus: "IN_PROGRESS" } });
    expect(data.returnCreate.return.returnLineItems.nodes).toEqual([{ quantity: 1, returnReason: "DEFECTIVE", fulfillmentLineItem: { id: item.id } }]);
    expect(ctx.published.map((event) => event.topic)).toEqual(["returns/approve", "orders/updated"]);
    expect(ctx.published[0]!.payload).toMatchObject({ admin_graphql_api_id: data.returnCreate.return.id, status: "open", order: { admin_graphql_api_id: order.id } });

    // What is in a return cannot be returned again.
    const left = item.quantity - 1;
    const again = await ctx.run(RETURN_CREATE, { input: { orderId: order.id, returnLineItems: [{ fulfillmentLineItemId: item.id, quantity: left + 1 }] } });
    expect(again.data.returnCreate).toEqual({ return: null, userErrors: [{ field: ["returnInput", "returnLineItems", "0", "quantity"], message: `Quantity ${left + 1} is greater than the returnable quantity (${left})`, code: "INVALID" }] });
    expect(order.returns).toHaveLength(1);
  });

  it("refuses an unfulfilled line, a refunded line, a zero quantity and an unknown order", async () => {
    const unknown = await ctx.run(RETURN_CREATE, { input: { orderId: "gid://shopify/Order/3", returnLineItems: [] } });
    expect(unknown.data.returnCreate.userErrors).toEqual([{ field: ["returnInput", "orderId"], message: "Order does not exist", code: "NOT_FOUND" }]);
    const order = deliverable();
    const item = order.fulfillments.find((f) => f.status === "SUCCESS")!.fulfillmentLineItems[0]!;
    const zero = await ctx.run(RETURN_CREATE, { input: { orderId: order.id, returnLineItems: [{ fulfillmentLineItemId: item.id, quantity: 0 }] } });
    expect(zero.data.returnCreate.userErrors).toEqual([{ field: ["returnInput", "returnLineItems", "0", "quantity"], message: "Quantity must be greater than 0", code: "INVALID" }]);
    const foreign = await ctx.run(RETURN_CREATE, { input: { orderId: order.id, returnLineItems: [{ fulfillmentLineItemId: "gid://shopify/FulfillmentLineItem/1", quantity: 1 }] } });
    expect(foreign.data.returnCreate.userErrors[0]).toMatchObject({ field: ["returnInput", "returnLineItems", "0", "fulfillmentLineItemId"], code: "NOT_FOUND" });
    expect(order.returns).toHaveLength(0);
    // Returned and refunded already: the units left through the closed return and the refund.
    const { order: returned } = createOrder(ctx.store, SHOP, { archetype: "refunded_returned" });
    const closed = returned.returns[0]!.returnLineItems[0]!;
    const answer = await ctx.run(RETURN_CREATE, { input: { orderId: returned.id, returnLineItems: [{ fulfillmentLineItemId: closed.fulfillmentLineItem.__ref, quantity: 1 }] } });
    expect(answer.data.returnCreate.userErrors[0].message).toMatch(/greater than the returnable quantity \(0\)/);
  });
});

describe("orderCancel refund method", () => {
  const CANCEL = `mutation($id: ID!, $method: OrderCancelRefundMethodInput) { orderCancel(orderId: $id, reason: CUSTOMER, restock: true, refundMethod: $method) {
    job { id done } orderCancelUserErrors { code field message } } }`;
  const paidUnshipped = () => ctx.store.orders(SHOP).filter((o) => o.cancelledAt === null && o.fulfillments.length === 0 && o.refunds.length === 0 && bagMinor(o.netPaymentSet) > 0);

  it("refunds what was paid to the original payment method, or keeps it without a refund method", async () => {
    const [refunded, kept] = paidUnshipped();
    const paid = bagMinor(kept!.netPaymentSet);
    expect((await ctx.run(CANCEL, { id: refunded!.id, method: { originalPaymentMethodsRefund: true } })).data.orderCancel.orderCancelUserErrors).toEqual([]);
    expect(refunded!.refunds).toHaveLength(1);
    expect(refunded!.displayFinancialStatus).toBe("REFUNDED");
    expect((await ctx.run(CANCEL, { id: kept!.id, method: null })).data.orderCancel.orderCancelUserErrors).toEqual([]);
    expect(kept!.cancelledAt).not.toBeNull();
    expect(kept!.refunds).toHaveLength(0);
    expect(bagMinor(kept!.netPaymentSet)).toBe(paid);
    expect(bagMinor(kept!.currentTotalPriceSet)).toBe(0);
  });

  it("refuses store credit, which the sandbox does not model, without cancelling", async () => {
    const [order] = paidUnshipped();
    const { data } = await ctx.run(CANCEL, { id: order!.id, method: { storeCreditRefund: {} } });
    expect(data.orderCancel.orderCancelUserErrors).toEqual([{ code: "INVALID", field: ["refundMethod", "storeCreditRefund"], message: "The sandbox does not support refunds to store credit yet" }]);
    expect(order!.cancelledAt).toBeNull();
  });
});
