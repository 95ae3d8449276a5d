/**
 * An order without its customer: what customers/redact does to the snapshots we hold, and
 * what every later ingest of a redacted customer's order does to what Shopify sends (the same
 * function, so both store the same thing). The facts stay: totals, statuses, line items,
 * fulfillments, payments, returns, the customer's Shopify id (to recognise the order again).
 * Pure.
 */
import { contentHash, type buildSnapshot, type SnapshotContent } from "../orders/build-snapshot";
import type { OrderContext } from "../orders/schema";
import { identifiers, scrubJson, scrubText, type CustomerIdentifiers } from "./customer-identifiers";

type Built = ReturnType<typeof buildSnapshot>;

/** What the order itself says about its customer. */
export function orderContextIdentifiers(order: OrderContext): CustomerIdentifiers {
  return identifiers({
    names: [order.customer?.displayName, order.shippingAddress?.name],
    emails: [order.customer?.defaultEmailAddress?.emailAddress, order.email],
    phones: [order.customer?.defaultPhoneNumber?.phoneNumber, order.phone, order.shippingAddress?.phone],
    streets: [order.shippingAddress?.address1, order.shippingAddress?.address2],
  });
}

/** What a stored snapshot says about its customer. */
export function snapshotIdentifiers(content: SnapshotContent): CustomerIdentifiers {
  return identifiers({
    names: [content.customer?.name, content.shippingAddress?.name],
    emails: [content.customer?.email],
    phones: [content.customer?.phone, content.shippingAddress?.phone],
    streets: [content.shippingAddress?.address1, content.shippingAddress?.address2],
  });
}

export function redactSnapshotContent(content: SnapshotContent, ids: CustomerIdentifiers): SnapshotContent {
  // Notes, hold reasons and refund notes are free text that may name them: scrubbed, not dropped.
  return scrubJson({ ...content, customer: { id: content.customer?.id ?? null, name: null, email: null, phone: null }, shippingAddress: null }, ids);
}

/** buildSnapshot's output for a redacted customer's order. */
export function redactBuiltOrder(built: Built, ids: CustomerIdentifiers): Built {
  const content = redactSnapshotContent(built.content, ids);
  return {
    content,
    hash: contentHash(content),
    row: { ...built.row, email: null, customerName: null },
    events: built.events.map((event) => ({ ...event, title: scrubText(event.title, ids), detail: event.detail ? scrubJson(event.detail, ids) : event.detail })),
  };
}
