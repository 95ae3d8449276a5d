/**
 * Every topic the app subscribes to (shopify.app.toml), made by the sandbox the way Shopify
 * makes it (a change in the store), has exactly the keys of Shopify's sample payload for that
 * topic, nested objects included. The key lists below are taken from Shopify's webhook
 * reference (shopify.dev/docs/api/webhooks, version 2026-07, "Sample Payload" of each topic);
 * when Shopify adds a field, add it here and to webhook-payloads.ts.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { changeOrder, createOrder, type OrderChange } from "./changes";
import { shopEvent, type ShopEvent } from "./shop-events";
import { SandboxStore, type StoreEvent } from "./store/store";
import type { OrderRecord } from "./store/types";
import { bulkOperationFinishPayload } from "./webhook-payloads";
import { readWebhookSubscriptions } from "./webhooks";

// Webhook payloads are dynamic JSON; tests read them through this loose accessor type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const ORDER = [
  "id", "admin_graphql_api_id", "app_id", "browser_ip", "buyer_accepts_marketing", "cancel_reason", "cancelled_at", "cart_token",
  "checkout_token", "client_details", "closed_at", "confirmation_number", "confirmed", "contact_email", "created_at", "currency",
  "current_shipping_price_set", "current_subtotal_price", "current_subtotal_price_set", "current_total_additional_fees_set",
  "current_total_discounts", "current_total_discounts_set", "current_total_duties_set", "current_total_price", "current_total_price_set",
  "current_total_tax", "current_total_tax_set", "customer_locale", "device_id", "discount_codes", "duties_included", "email",
  "estimated_taxes", "financial_status", "fulfillment_status", "landing_site", "landing_site_ref", "location_id",
  "merchant_business_entity_id", "merchant_of_record_app_id", "name", "note", "note_attributes", "number", "order_number",
  "order_status_url", "original_total_additional_fees_set", "original_total_duties_set", "payment_gateway_names", "phone", "po_number",
  "presentment_currency", "processed_at", "reference", "referring_site", "source_identifier", "source_name", "source_url",
  "subtotal_price", "subtotal_price_set", "tags", "tax_exempt", "tax_lines", "taxes_included", "test", "token",
  "total_cash_rounding_payment_adjustment_set", "total_cash_rounding_refund_adjustment_set", "total_discounts", "total_discounts_set",
  "total_line_items_price", "total_line_items_price_set", "total_outstanding", "total_price", "total_price_set", "total_shipping_price_set",
  "total_tax", "total_tax_set", "total_tip_received", "total_weight", "updated_at", "user_id", "billing_address", "customer",
  "discount_applications", "fulfillments", "line_items", "payment_terms", "refunds", "shipping_address", "shipping_lines", "returns",
  "line_item_groups",
];
/** A line item inside a fulfillment or a refund line item. */
const NESTED_LINE_ITEM = [
  "id", "variant_id", "title", "quantity", "sku", "variant_title", "vendor", "fulfillment_service", "product_id", "requires_shipping",
  "taxable", "gift_card", "name", "variant_inventory_management", "properties", "product_exists", "fulfillable_quantity", "grams",
  "price", "total_discount", "fulfillment_status", "price_set", "total_discount_set", "discount_allocations", "duties",
  "admin_graphql_api_id", "tax_lines",
];
const ORDER_LINE_ITEM = [...NESTED_LINE_ITEM, "attributed_staffs", "current_quantity", "sales_line_item_group_id"];
const ADDRESS = ["first_name", "address1", "phone", "city", "zip", "province", "country", "last_name", "address2", "company", "latitude", "longitude", "name", "country_code", "province_code"];
const CUSTOMER_ADDRESS = ["id", "customer_id", "first_name", "last_name", "company", "address1", "address2", "city", "province", "country", "zip", "phone", "name", "province_code", "country_code", "country_name", "default"];
const NESTED_CUSTOMER = [
  "id", "created_at", "updated_at", "first_name", "last_name", "state", "note", "verified_email", "multipass_identifier", "tax_exempt",
  "email", "phone", "currency", "tax_exemptions", "admin_graphql_api_id", "default_address",
];
const CUSTOMER = [...NESTED_CUSTOMER, "addresses"];
const SHIPPING_LINE = [
  "id", "carrier_identifier", "code", "current_discounted_price_set", "discounted_price", "discounted_price_set", "is_removed", "phone",
  "price", "price_set", "requested_fulfillment_service_id", "source", "title", "tax_lines", "discount_allocations",
];
const FULFILLMENT = [
  "id", "order_id", "status", "created_at", "service", "updated_at", "tracking_company", "shipment_status", "location_id", "origin_address",
  "email", "destination", "line_items", "tracking_number", "tracking_numbers", "tracking_url", "tracking_urls", "receipt", "name",
  "admin_graphql_api_id",
];
const NESTED_TRANSACTION = [
  "id", "order_id", "kind", "gateway", "status", "message", "created_at", "test", "authorization", "location_id", "user_id", "parent_id",
  "processed_at", "device_id", "error_code", "source_name", "receipt", "amount", "currency", "payment_id", "total_unsettled_set",
  "manual_payment_gateway", "amount_rounding", "admin_graphql_api_id",
];
const TRANSACTION = [...NESTED_TRANSACTION, "payment_details"];
const REFUND = [
  "id", "order_id", "created_at", "note", "user_id", "processed_at", "duties", "total_duties_set", "return", "refund_shipping_lines",
  "restock", "admin_graphql_api_id", "order_adjustments", "refund_line_items", "transactions",
];
const REFUND_LINE_ITEM = ["id", "quantity", "line_item_id", "location_id", "restock_type", "subtotal", "total_tax", "subtotal_set", "total_tax_set", "line_item"];
const RETURN = ["id", "admin_graphql_api_id", "status", "order", "total_return_line_items", "name", "return_line_items", "return_shipping_fees", "exchange_line_items", "total_exchange_line_items"];
const RETURN_STATUS = ["id", "admin_graphql_api_id", "order_id", "status"];
const SHOP = [
  "id", "name", "email", "domain", "province", "country", "address1", "zip", "city", "source", "phone", "latitude", "longitude",
  "primary_locale", "address2", "created_at", "updated_at", "country_code", "country_name", "currency", "customer_email", "timezone",
  "iana_timezone", "shop_owner", "money_format", "money_with_currency_format", "weight_unit", "province_code", "taxes_included",
  "auto_configure_tax_inclusivity", "tax_shipping", "county_taxes", "plan_display_name", "plan_name", "has_discounts", "has_gift_cards",
  "myshopify_domain", "google_apps_domain", "google_apps_login_enabled", "money_in_emails_format", "money_with_currency_in_emails_format",
  "eligible_for_payments", "requires_extra_payments_agreement", "password_enabled", "has_storefront", "finances", "primary_location_id",
  "checkout_api_supported", "multi_location_enabled", "setup_required", "pre_launch_enabled", "enabled_presentment_currencies",
  "marketing_sms_consent_enabled_at_checkout", "transactional_sms_disabled",
];
const FULFILLMENT_ORDER_REF = ["id", "status"];
const HOLD = ["id", "reason", "reason_notes", "held_by_requesting_app", "handle", "held_by_app"];

/** Top-level keys per subscribed topic (Shopify's sample payloads). */
const TOPIC_KEYS: Record<string, string[]> = {
  "orders/create": ORDER,
  "orders/updated": ORDER,
  "orders/cancelled": ORDER,
  "orders/fulfilled": ORDER,
  "orders/partially_fulfilled": ORDER,
  "orders/paid": ORDER,
  "orders/edited": ["order_edit"],
  "order_transactions/create": TRANSACTION,
  "refunds/create": REFUND,
  "fulfillments/create": FULFILLMENT,
  "fulfillments/update": FULFILLMENT,
  "fulfillment_orders/placed_on_hold": ["fulfillment_order", "remaining_fulfillment_order", "held_fulfillment_order_line_items", "created_fulfillment_hold"],
  "fulfillment_orders/hold_released": ["fulfillment_order"],
  "fulfillment_orders/cancelled": ["fulfillment_order", "replacement_fulfillment_order"],
  "fulfillment_orders/moved": ["original_fulfillment_order", "moved_fulfillment_order", "destination_location_id", "fulfillment_order_line_items_requested", "source_location"],
  "returns/request": RETURN,
  "returns/approve": RETURN,
  "returns/decline": ["id", "admin_graphql_api_id", "status", "order", "decline"],
  "returns/close": RETURN_STATUS,
  "returns/reopen": RETURN_STATUS,
  "customers/create": CUSTOMER,
  "customers/update": CUSTOMER,
  "bulk_operations/finish": ["admin_graphql_api_id", "completed_at", "created_at", "error_code", "status", "type"],
  "app/uninstalled": SHOP,
  "app/scopes_update": ["id", "shop_id", "previous", "current", "updated_at"],
  "customers/data_request": ["shop_id", "shop_domain", "customer", "orders_requested", "data_request"],
  "customers/redact": ["shop_id", "shop_domain", "customer", "orders_to_redact"],
  "shop/redact": ["shop_id", "shop_domain"],
};

const DOMAIN = "payloads.myshopify.com";

function keysOf(value: Json): string[] {
  expect(value, "an object").toEqual(expect.any(Object));
  return Object.keys(value).sort();
}

function expectKeys(value: Json, keys: string[], what: string) {
  expect(keysOf(value), what).toEqual([...keys].sort());
}

/** Runs one of each change and shop event the sandbox has; returns the first payload per topic. */
function everyTopic() {
  const store = new SandboxStore();
  store.seedShop({ domain: DOMAIN, name: "Payloads", orderCount: 300, seed: 1 });
  const byTopic = new Map<string, Json>();
  store.subscribe((event: StoreEvent) => {
    if (!byTopic.has(event.topic)) byTopic.set(event.topic, event.payload);
  });
  const orders = store.orders(DOMAIN);
  const pick = (predicate: (order: OrderRecord) => boolean) => {
    const order = orders.find(predicate);
    if (!order) throw new Error("no matching order in the demo store");
    return order;
  };
  const change = (order: OrderRecord, orderChange: OrderChange) => changeOrder(store, DOMAIN, order.id, orderChange);
  const event = (shopLevel: ShopEvent) => shopEvent(store, DOMAIN, shopLevel);

  change(pick((o) => !o.tags.includes("checked")), { type: "addTag", tag: "checked" });
  change(pick((o) => o.displayFinancialStatus === "PENDING" && !o.cancelledAt), { type: "markPaid" });
  const shipped = pick((o) => o.displayFinancialStatus === "PAID" && o.displayFulfillmentStatus === "UNFULFILLED" && !o.cancelledAt && o.lineItems.some((line) => line.quantity > 1));
  const line = shipped.lineItems.find((candidate) => candidate.quantity > 1)!;
  change(shipped, { type: "fulfill", lineItems: [{ id: line.id, quantity: 1 }] });
  change(shipped, { type: "fulfill" });
  change(shipped, { type: "updateTracking", fulfillmentId: shipped.fulfillments[0]!.id, company: "DHL Express", number: "JD0146", url: null, notify: false });
  change(pick((o) => o.displayFinancialStatus === "PAID" && !o.cancelledAt && o.refunds.length === 0), { type: "refund", amount: "1.00" });
  change(pick((o) => o.displayFinancialStatus === "PAID" && !o.cancelledAt && o.fulfillments.length === 0), { type: "cancel", reason: "CUSTOMER" });
  createOrder(store, DOMAIN);

  const pending = pick((o) => o.displayFinancialStatus === "PENDING" && !o.cancelledAt && o.lineItems.reduce((acc, l) => acc + l.currentQuantity, 0) > 1);
  const editLine = pending.lineItems.find((candidate) => candidate.currentQuantity > 0 && (candidate.currentQuantity > 1 || pending.lineItems.length > 1))!;
  change(pending, { type: "editQuantity", lineItemId: editLine.id, quantity: editLine.currentQuantity - 1 });

  const open = pick((o) => !o.cancelledAt && o.fulfillmentOrders.some((fo) => fo.status === "OPEN" && fo.requestStatus === "UNSUBMITTED"));
  change(open, { type: "holdFulfillmentOrder", reason: "INCORRECT_ADDRESS", reasonNotes: "Apartment number missing" });
  change(open, { type: "releaseHold" });
  const other = store.requireShop(DOMAIN).locations.find((location) => location.id !== open.fulfillmentOrders[0]!.assignedLocation.location?.__ref)!;
  change(open, { type: "moveFulfillmentOrder", locationId: other.id });
  change(open, { type: "cancelFulfillmentOrder" });

  const returnable = pick((o) => !o.cancelledAt && o.returns.length === 0 && o.refunds.length === 0 && o.fulfillments.some((f) => f.status === "SUCCESS"));
  const item = returnable.fulfillments.find((f) => f.status === "SUCCESS")!.fulfillmentLineItems[0]!;
  change(returnable, { type: "requestReturn", lines: [{ fulfillmentLineItemId: item.id, quantity: 1, returnReason: "SIZE_TOO_SMALL" }] });
  const requested = returnable.returns.at(-1)!;
  change(returnable, { type: "approveReturn", returnId: requested.id });
  change(returnable, { type: "closeReturn", returnId: requested.id });
  change(returnable, { type: "reopenReturn", returnId: requested.id });
  const declinable = pick((o) => o !== returnable && !o.cancelledAt && o.returns.length === 0 && o.refunds.length === 0 && o.fulfillments.some((f) => f.status === "SUCCESS"));
  const declineItem = declinable.fulfillments.find((f) => f.status === "SUCCESS")!.fulfillmentLineItems[0]!;
  change(declinable, { type: "requestReturn", lines: [{ fulfillmentLineItemId: declineItem.id, quantity: 1 }] });
  change(declinable, { type: "declineReturn", returnId: declinable.returns.at(-1)!.id, reason: "RETURN_PERIOD_ENDED", note: "The 30-day window has ended." });

  const customer = store.customers(DOMAIN)[0]!;
  event({ type: "createCustomer", firstName: "Ada", lastName: "Lovelace", email: "ada@example.com" });
  event({ type: "updateCustomer", customerId: customer.id, firstName: "Adeline" });
  event({ type: "updateScopes", scopes: ["read_orders"] });
  event({ type: "requestCustomerData", customerId: customer.id });
  event({ type: "redactCustomer", customerId: customer.id });
  event({ type: "uninstallApp" });
  event({ type: "redactShop" });

  const shop = store.requireShop(DOMAIN).shop;
  byTopic.set("bulk_operations/finish", bulkOperationFinishPayload({ id: "gid://shopify/BulkOperation/1", status: "COMPLETED", type: "QUERY", errorCode: null, createdAt: "2026-11-01T10:00:00Z", completedAt: "2026-11-01T10:01:00Z" }, shop));
  return { store, byTopic, shipped };
}

describe("webhook payloads have Shopify's documented shape", () => {
  const { store, byTopic, shipped } = everyTopic();

  it("covers every topic shopify.app.toml subscribes to", () => {
    const subscribed = [...readWebhookSubscriptions(join(import.meta.dirname, "..", "shopify.app.toml")).keys()].sort();
    expect(Object.keys(TOPIC_KEYS).sort()).toEqual(subscribed);
    expect([...byTopic.keys()].sort()).toEqual(subscribed);
  });

  it.each(Object.entries(TOPIC_KEYS))("%s has the documented top-level keys", (topic, keys) => {
    expectKeys(byTopic.get(topic), keys, topic);
  });

  it("an order nests Shopify's line items, customer, addresses, shipping lines, fulfillments and refunds", () => {
    const order = byTopic.get("orders/fulfilled");
    expect(keysOf(order)).toHaveLength(93);
    expectKeys(order.line_items[0], ORDER_LINE_ITEM, "line_items[]");
    expectKeys(order.customer, NESTED_CUSTOMER, "customer");
    expectKeys(order.customer.default_address, CUSTOMER_ADDRESS, "customer.default_address");
    expectKeys(order.billing_address, ADDRESS, "billing_address");
    expectKeys(order.shipping_address, ADDRESS, "shipping_address");
    expectKeys(order.shipping_lines[0], SHIPPING_LINE, "shipping_lines[]");
    expectKeys(order.fulfillments[0], FULFILLMENT, "fulfillments[]");
    expectKeys(order.fulfillments[0].line_items[0], NESTED_LINE_ITEM, "fulfillments[].line_items[]");
    expectKeys(order.fulfillments[0].destination, ADDRESS, "fulfillments[].destination");

    const cancelled = byTopic.get("orders/cancelled");
    expectKeys(cancelled.refunds[0], REFUND, "refunds[]");
    expectKeys(cancelled.refunds[0].refund_line_items[0], REFUND_LINE_ITEM, "refunds[].refund_line_items[]");
    expectKeys(cancelled.refunds[0].refund_line_items[0].line_item, NESTED_LINE_ITEM, "refunds[].refund_line_items[].line_item");
    expectKeys(cancelled.refunds[0].transactions[0], NESTED_TRANSACTION, "refunds[].transactions[]");
    // Shopify sends the refund line's subtotal and tax as JSON numbers beside their exact `_set` strings.
    expect(typeof cancelled.refunds[0].refund_line_items[0].subtotal).toBe("number");
    expect(cancelled.refunds[0].refund_line_items[0].subtotal_set.shop_money.amount).toEqual(expect.stringMatching(/^\d+\.\d{2}$/));
    expect(order.admin_graphql_api_id).toBe(shipped.id);
  });

  it("the other topics nest what Shopify nests", () => {
    const edit = byTopic.get("orders/edited").order_edit;
    expectKeys(edit, ["id", "app_id", "created_at", "committed_at", "notify_customer", "order_id", "staff_note", "user_id", "line_items", "discounts", "shipping_lines"], "order_edit");
    expect(edit.line_items).toEqual({ additions: [], removals: [{ id: expect.any(Number), delta: 1 }] });
    expect(edit.discounts).toEqual({ line_item: { additions: [], removals: [] } });

    const hold = byTopic.get("fulfillment_orders/placed_on_hold");
    expectKeys(hold.fulfillment_order, [...FULFILLMENT_ORDER_REF, "fulfillment_holds"], "fulfillment_order");
    expectKeys(hold.created_fulfillment_hold, HOLD, "created_fulfillment_hold");
    expect(hold.fulfillment_order).toMatchObject({ id: expect.stringMatching(/^gid:\/\/shopify\/FulfillmentOrder\//), status: "on_hold" });
    expect(hold.created_fulfillment_hold).toMatchObject({ reason: "incorrect_address", reason_notes: "Apartment number missing" });
    expectKeys(byTopic.get("fulfillment_orders/hold_released").fulfillment_order, FULFILLMENT_ORDER_REF, "hold_released");
    const cancelled = byTopic.get("fulfillment_orders/cancelled");
    expect(cancelled.fulfillment_order.status).toBe("cancelled");
    expect(cancelled.replacement_fulfillment_order.status).toBe("open");
    const moved = byTopic.get("fulfillment_orders/moved");
    expectKeys(moved.original_fulfillment_order, [...FULFILLMENT_ORDER_REF, "assigned_location_id"], "original_fulfillment_order");
    expectKeys(moved.source_location, ["id"], "source_location");
    expect(moved.destination_location_id).toMatch(/^gid:\/\/shopify\/Location\//);
    expect(moved.fulfillment_order_line_items_requested[0]).toEqual({ id: expect.stringMatching(/^gid:\/\/shopify\/FulfillmentOrderLineItem\//), quantity: expect.any(Number) });

    expectKeys(byTopic.get("returns/request").order, ["id", "admin_graphql_api_id"], "returns/request order");
    expect(byTopic.get("returns/request").status).toBe("requested");
    expectKeys(byTopic.get("returns/request").return_line_items[0], ["id", "admin_graphql_api_id", "fulfillment_line_item", "quantity", "return_reason", "return_reason_note", "customer_note"], "return_line_items[]");
    expect(byTopic.get("returns/close")).toMatchObject({ status: "closed", order_id: expect.any(Number) });
    expect(byTopic.get("returns/reopen")).toMatchObject({ status: "open", order_id: expect.any(Number) });
    expect(byTopic.get("returns/decline").decline).toEqual({ reason: "return_period_ended", note: "The 30-day window has ended." });

    expectKeys(byTopic.get("customers/create").default_address, CUSTOMER_ADDRESS, "customers/create default_address");
    expect(byTopic.get("customers/create")).toMatchObject({ first_name: "Ada", last_name: "Lovelace", email: "ada@example.com" });
    expect(byTopic.get("customers/update").first_name).toBe("Adeline");
    expectKeys(byTopic.get("customers/redact").customer, ["id", "email", "phone"], "customers/redact customer");
    expectKeys(byTopic.get("customers/data_request").data_request, ["id"], "data_request");
    expect(byTopic.get("app/scopes_update").current).toEqual(["read_orders"]);
    expect(byTopic.get("shop/redact").shop_domain).toBe(DOMAIN);
    expect(store.getShop(DOMAIN)).toBeTruthy();
  });

  it("a transaction carries payment_details; the ones a refund nests do not", () => {
    expect(byTopic.get("order_transactions/create").payment_details).toEqual(expect.objectContaining({ payment_method_name: expect.any(String) }));
    expect(byTopic.get("refunds/create").transactions[0].payment_details).toBeUndefined();
  });
});
