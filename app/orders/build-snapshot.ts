/**
 * Turns an order from the Admin API into what we store: the snapshot content (the order's
 * context as pages show it), the Order row's searchable fields, and the timeline events with
 * deterministic dedupe keys. Pure: the same order always gives the same output, which is what
 * makes re-ingestion write nothing and never duplicate or reorder the timeline.
 */
import { createHash } from "node:crypto";
import type { OrderContext } from "./schema";

type MoneyBag = NonNullable<OrderContext["totalPriceSet"]>;

export interface Money {
  amount: string;
  currencyCode: string;
}

export interface SnapshotContent {
  order: {
    id: string;
    name: string;
    createdAt: string;
    updatedAt: string;
    processedAt: string | null;
    cancelledAt: string | null;
    cancelReason: string | null;
    closedAt: string | null;
    note: string | null;
    tags: string[];
    financialStatus: string | null;
    fulfillmentStatus: string;
    currencyCode: string;
    presentmentCurrencyCode: string | null;
  };
  customer: { id: string | null; name: string | null; email: string | null; phone: string | null };
  shippingAddress: Record<string, string | null> | null;
  totals: Record<"subtotal" | "shipping" | "tax" | "discounts" | "total" | "currentTotal" | "refunded" | "outstanding" | "received", { shop: Money; presentment: Money } | null>;
  lineItems: Array<{ id: string; title: string; sku: string | null; quantity: number; currentQuantity: number; variantTitle: string | null; unitPrice: Money }>;
  fulfillmentOrders: Array<{
    id: string;
    status: string;
    requestStatus: string;
    location: string;
    holds: Array<{ id: string; reason: string; notes: string | null }>;
    lineItems: Array<{ id: string; title: string; sku: string | null; quantity: number; remaining: number }>;
  }>;
  fulfillments: Array<{
    id: string;
    name: string;
    status: string;
    displayStatus: string | null;
    createdAt: string;
    deliveredAt: string | null;
    tracking: Array<{ company: string | null; number: string | null; url: string | null }>;
    /** What was shipped, per line item; null when not imported yet (the bulk backfill). */
    lineItems?: Array<{ id: string; lineItemId: string; quantity: number }> | null;
  }>;
  transactions: Array<{ id: string; kind: string; status: string; gateway: string | null; errorCode: string | null; amount: Money; createdAt: string }>;
  refunds: Array<{ id: string; createdAt: string | null; note: string | null; amount: Money }>;
  returns: Array<{
    id: string;
    name: string;
    status: string;
    createdAt: string;
    closedAt: string | null;
    quantity: number;
    /** Units per fulfillment line item; null when not imported yet (the bulk backfill). */
    lineItems?: Array<{ fulfillmentLineItemId: string; quantity: number }> | null;
  }>;
}

export interface TimelineEventInput {
  dedupeKey: string;
  type: string;
  occurredAt: string;
  title: string;
  detail?: Record<string, unknown>;
}

export interface OrderRowFields {
  shopifyId: string;
  name: string;
  orderNumber: number | null;
  email: string | null;
  customerName: string | null;
  customerShopifyId: string | null;
  financialStatus: string | null;
  fulfillmentStatus: string;
  currencyCode: string;
  totalAmount: string;
  currentTotalAmount: string;
  cancelledAt: Date | null;
  closedAt: Date | null;
  shopifyCreatedAt: Date;
  shopifyUpdatedAt: Date;
}

const bag = (value: MoneyBag | null | undefined) => (value ? { shop: value.shopMoney, presentment: value.presentmentMoney } : null);

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.keys(value as object).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
  }
  return value;
}

export function contentHash(content: SnapshotContent): string {
  return createHash("sha256").update(canonicalJson(content)).digest("hex");
}

export function buildSnapshot(order: OrderContext): { content: SnapshotContent; hash: string; row: OrderRowFields; events: TimelineEventInput[] } {
  const email = order.customer?.defaultEmailAddress?.emailAddress ?? order.email ?? null;
  const content: SnapshotContent = {
    order: {
      id: order.id,
      name: order.name,
      createdAt: order.createdAt,
      updatedAt: order.updatedAt,
      processedAt: order.processedAt ?? null,
      cancelledAt: order.cancelledAt ?? null,
      cancelReason: order.cancelReason ?? null,
      closedAt: order.closedAt ?? null,
      note: order.note ?? null,
      tags: [...order.tags].sort(),
      financialStatus: order.displayFinancialStatus ?? null,
      fulfillmentStatus: order.displayFulfillmentStatus,
      currencyCode: order.currencyCode,
      presentmentCurrencyCode: order.presentmentCurrencyCode ?? null,
    },
    customer: {
      id: order.customer?.id ?? null,
      name: order.customer?.displayName ?? order.shippingAddress?.name ?? null,
      email,
      phone: order.customer?.defaultPhoneNumber?.phoneNumber ?? order.phone ?? null,
    },
    shippingAddress: order.shippingAddress
      ? {
          name: order.shippingAddress.name ?? null,
          address1: order.shippingAddress.address1 ?? null,
          address2: order.shippingAddress.address2 ?? null,
          city: order.shippingAddress.city ?? null,
          province: order.shippingAddress.province ?? null,
          provinceCode: order.shippingAddress.provinceCode ?? null,
          zip: order.shippingAddress.zip ?? null,
          country: order.shippingAddress.country ?? null,
          countryCode: order.shippingAddress.countryCodeV2 ?? null,
          phone: order.shippingAddress.phone ?? null,
        }
      : null,
    totals: {
      subtotal: bag(order.subtotalPriceSet),
      shipping: bag(order.totalShippingPriceSet),
      tax: bag(order.totalTaxSet),
      discounts: bag(order.totalDiscountsSet),
      total: bag(order.totalPriceSet),
      currentTotal: bag(order.currentTotalPriceSet),
      refunded: bag(order.totalRefundedSet),
      outstanding: bag(order.totalOutstandingSet),
      received: bag(order.totalReceivedSet),
    },
    lineItems: order.lineItems.nodes.map((item) => ({
      id: item.id,
      title: item.title,
      sku: item.sku ?? null,
      quantity: item.quantity,
      currentQuantity: item.currentQuantity,
      variantTitle: item.variantTitle ?? null,
      unitPrice: item.originalUnitPriceSet.shopMoney,
    })),
    fulfillmentOrders: order.fulfillmentOrders.nodes.map((fo) => ({
      id: fo.id,
      status: fo.status,
      requestStatus: fo.requestStatus,
      location: fo.assignedLocation.name,
      holds: fo.fulfillmentHolds.map((hold) => ({ id: hold.id, reason: hold.reason, notes: hold.reasonNotes ?? null })),
      lineItems: fo.lineItems.nodes.map((item) => ({ id: item.id, title: item.productTitle, sku: item.sku ?? null, quantity: item.totalQuantity, remaining: item.remainingQuantity })),
    })),
    fulfillments: order.fulfillments.map((fulfillment) => ({
      id: fulfillment.id,
      name: fulfillment.name,
      status: fulfillment.status,
      displayStatus: fulfillment.displayStatus ?? null,
      createdAt: fulfillment.createdAt,
      deliveredAt: fulfillment.deliveredAt ?? null,
      tracking: fulfillment.trackingInfo.map((info) => ({ company: info.company ?? null, number: info.number ?? null, url: info.url ?? null })),
      lineItems: fulfillment.fulfillmentLineItems ? fulfillment.fulfillmentLineItems.nodes.map((item) => ({ id: item.id, lineItemId: item.lineItem.id, quantity: item.quantity ?? 0 })) : null,
    })),
    transactions: order.transactions.map((transaction) => ({
      id: transaction.id,
      kind: transaction.kind,
      status: transaction.status,
      gateway: transaction.gateway ?? null,
      errorCode: transaction.errorCode ?? null,
      amount: transaction.amountSet.shopMoney,
      createdAt: transaction.processedAt ?? transaction.createdAt,
    })),
    refunds: order.refunds.map((refund) => ({ id: refund.id, createdAt: refund.createdAt ?? null, note: refund.note ?? null, amount: refund.totalRefundedSet.shopMoney })),
    returns: order.returns.nodes.map((ret) => ({
      id: ret.id,
      name: ret.name,
      status: ret.status,
      createdAt: ret.createdAt,
      closedAt: ret.closedAt ?? null,
      quantity: ret.totalQuantity,
      lineItems: ret.returnLineItems
        ? ret.returnLineItems.nodes.flatMap((item) => (item.fulfillmentLineItem ? [{ fulfillmentLineItemId: item.fulfillmentLineItem.id, quantity: item.quantity }] : []))
        : null,
    })),
  };

  const number = /(\d+)/.exec(order.name)?.[1];
  const row: OrderRowFields = {
    shopifyId: order.id,
    name: order.name,
    orderNumber: number ? Number(number) : null,
    email: email?.toLowerCase() ?? null,
    customerName: content.customer.name,
    customerShopifyId: content.customer.id,
    financialStatus: content.order.financialStatus,
    fulfillmentStatus: content.order.fulfillmentStatus,
    currencyCode: order.currencyCode,
    totalAmount: order.totalPriceSet.shopMoney.amount,
    currentTotalAmount: order.currentTotalPriceSet.shopMoney.amount,
    cancelledAt: order.cancelledAt ? new Date(order.cancelledAt) : null,
    closedAt: order.closedAt ? new Date(order.closedAt) : null,
    shopifyCreatedAt: new Date(order.createdAt),
    shopifyUpdatedAt: new Date(order.updatedAt),
  };

  return { content, hash: contentHash(content), row, events: timelineEvents(order) };
}

const money = (value: Money) => `${value.amount} ${value.currencyCode}`;

const TRANSACTION_EVENT: Record<string, { type: string; verb: string }> = {
  AUTHORIZATION: { type: "payment.authorized", verb: "Payment authorized" },
  EMV_AUTHORIZATION: { type: "payment.authorized", verb: "Payment authorized" },
  CAPTURE: { type: "payment.captured", verb: "Payment captured" },
  SALE: { type: "payment.paid", verb: "Payment received" },
  REFUND: { type: "payment.refunded", verb: "Refund paid out" },
  VOID: { type: "payment.voided", verb: "Authorization voided" },
  CHANGE: { type: "payment.change", verb: "Change given" },
};

/** Shopify order event actions we name ourselves; others keep Shopify's message. */
const EVENT_TYPE: Record<string, string> = {
  placed: "order.placed",
  confirmed: "order.confirmed",
  note_added: "order.note_added",
  comment: "order.note_added",
  mail_sent: "order.email_sent",
  fulfillment_success: "order.fulfillment_success",
  updated: "order.updated",
};

export function timelineEvents(order: OrderContext): TimelineEventInput[] {
  const events: TimelineEventInput[] = [{ dedupeKey: "order.created", type: "order.created", occurredAt: order.createdAt, title: `Order ${order.name} created` }];
  if (order.cancelledAt) {
    events.push({ dedupeKey: "order.cancelled", type: "order.cancelled", occurredAt: order.cancelledAt, title: "Order cancelled", detail: { reason: order.cancelReason ?? null } });
  }
  if (order.closedAt) events.push({ dedupeKey: "order.closed", type: "order.closed", occurredAt: order.closedAt, title: "Order archived" });

  for (const transaction of order.transactions) {
    const failed = transaction.status === "FAILURE" || transaction.status === "ERROR";
    const known = TRANSACTION_EVENT[transaction.kind];
    if (!known && !failed) continue;
    const amount = money(transaction.amountSet.shopMoney);
    events.push({
      dedupeKey: `txn:${transaction.id}:${failed ? "failed" : "ok"}`,
      type: failed ? "payment.failed" : known!.type,
      occurredAt: transaction.processedAt ?? transaction.createdAt,
      title: failed ? `Payment failed (${transaction.kind.toLowerCase()}, ${amount})` : `${known!.verb}: ${amount}`,
      detail: { kind: transaction.kind, status: transaction.status, gateway: transaction.gateway ?? null, errorCode: transaction.errorCode ?? null, amount: transaction.amountSet.shopMoney },
    });
  }

  for (const fo of order.fulfillmentOrders.nodes) {
    events.push({ dedupeKey: `fo:${fo.id}:created`, type: "fulfillment_order.created", occurredAt: fo.createdAt, title: `Fulfillment order at ${fo.assignedLocation.name}` });
    for (const hold of fo.fulfillmentHolds) {
      events.push({
        dedupeKey: `fo:${fo.id}:hold:${hold.id}`,
        type: "fulfillment_order.on_hold",
        occurredAt: fo.updatedAt,
        title: `Fulfillment on hold: ${hold.reason.toLowerCase().replace(/_/g, " ")}`,
        detail: { reason: hold.reason, notes: hold.reasonNotes ?? null },
      });
    }
  }

  for (const fulfillment of order.fulfillments) {
    events.push({ dedupeKey: `ful:${fulfillment.id}:created`, type: "fulfillment.created", occurredAt: fulfillment.createdAt, title: `Fulfilled (${fulfillment.name})` });
    for (const info of fulfillment.trackingInfo) {
      if (!info.number) continue;
      events.push({
        dedupeKey: `ful:${fulfillment.id}:tracking:${info.number}`,
        type: "fulfillment.tracking_added",
        occurredAt: fulfillment.createdAt,
        title: `Tracking added: ${info.company ?? "carrier"} ${info.number}`,
        detail: { company: info.company ?? null, number: info.number, url: info.url ?? null },
      });
    }
    if (fulfillment.inTransitAt) events.push({ dedupeKey: `ful:${fulfillment.id}:in_transit`, type: "fulfillment.in_transit", occurredAt: fulfillment.inTransitAt, title: "Shipment in transit" });
    if (fulfillment.deliveredAt) events.push({ dedupeKey: `ful:${fulfillment.id}:delivered`, type: "fulfillment.delivered", occurredAt: fulfillment.deliveredAt, title: "Delivered" });
  }

  for (const refund of order.refunds) {
    events.push({
      dedupeKey: `refund:${refund.id}`,
      type: "refund.created",
      occurredAt: refund.createdAt ?? order.updatedAt,
      title: `Refund of ${money(refund.totalRefundedSet.shopMoney)}`,
      detail: { note: refund.note ?? null },
    });
  }

  for (const ret of order.returns.nodes) {
    events.push({ dedupeKey: `return:${ret.id}:requested`, type: "return.requested", occurredAt: ret.createdAt, title: `Return ${ret.name} (${ret.totalQuantity} item${ret.totalQuantity === 1 ? "" : "s"})`, detail: { status: ret.status } });
    if (ret.closedAt) events.push({ dedupeKey: `return:${ret.id}:closed`, type: "return.closed", occurredAt: ret.closedAt, title: `Return ${ret.name} closed` });
  }

  for (const event of order.events.nodes) {
    events.push({
      dedupeKey: `event:${event.id}`,
      type: EVENT_TYPE[event.action] ?? `order.${event.action}`,
      occurredAt: event.createdAt,
      title: withoutCustomer(stripTags(event.message), order),
      detail: { action: event.action, app: event.appTitle ?? null, critical: event.criticalAlert },
    });
  }
  return events;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Shopify's messages name the customer ("Louis Durand placed this order", "... was sent to
 * Louis Durand (louis@example.com)"). The timeline says "Customer" instead: titles are shown to
 * staff without customers.pii and are history, so they carry no personal data to begin with.
 */
function withoutCustomer(text: string, order: OrderContext): string {
  const emails = [order.customer?.defaultEmailAddress?.emailAddress, order.email].filter((value): value is string => Boolean(value?.trim()));
  const names = [order.customer?.displayName, order.shippingAddress?.name].filter((value): value is string => Boolean(value?.trim())).sort((a, b) => b.length - a.length);
  let result = text;
  for (const email of emails) result = result.replace(new RegExp(`\\s*\\(${escapeRegExp(email.trim())}\\)`, "giu"), "").replace(new RegExp(escapeRegExp(email.trim()), "giu"), "the customer's email address");
  for (const name of names) {
    result = result.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(name.trim())}(?![\\p{L}\\p{N}])`, "giu"), (_match, offset: number) => (offset === 0 ? "Customer" : "the customer"));
  }
  return result;
}

/** Shopify event messages are formatted HTML; the timeline keeps their text only. */
function stripTags(html: string): string {
  return html.replace(/<[^>]*>/g, "").replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").trim();
}
