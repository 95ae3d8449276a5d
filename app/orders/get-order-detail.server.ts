/**
 * One order as its page shows it: the latest snapshot's content (what ingestion stored from
 * Shopify) and the timeline, from our tables only. For staff without customers.pii the
 * customer's details are masked here, including where Shopify's event messages and notes
 * repeat them, so the page's data never holds them.
 */
import { AppError } from "../lib/app-error";
import { maskAddress, maskEmail, maskName, maskPhone, maskText, type KnownPii } from "../lib/mask";
import type { DbClient } from "../lib/tenancy.server";
import type { SnapshotContent } from "./build-snapshot";

/** Plenty for one order (ingestion writes a few dozen); a runaway history stays bounded. */
const TIMELINE_LIMIT = 500;

export interface TimelineItem {
  id: string;
  type: string;
  occurredAt: string;
  title: string;
}

export interface OrderDetail {
  order: {
    id: string;
    shopifyId: string;
    name: string;
    createdAt: string;
    financialStatus: string | null;
    fulfillmentStatus: string;
    cancelled: boolean;
    snapshotVersion: number;
    lastIngestedAt: string;
  };
  /** The latest snapshot (masked unless customers.pii); null if none was stored yet. */
  context: SnapshotContent | null;
  timeline: TimelineItem[];
  /** Whether customer details were masked for this viewer. */
  piiMasked: boolean;
}

export async function getOrderDetail({ db, id, canSeePii }: { db: DbClient; id: string; canSeePii: boolean }): Promise<OrderDetail> {
  const order = await db.order.findUnique({ where: { id } });
  if (!order) throw new AppError("NOT_FOUND", "No such order in this store");
  const [snapshot, events] = await Promise.all([
    db.orderSnapshot.findFirst({ where: { orderId: order.id }, orderBy: { version: "desc" }, select: { content: true } }),
    db.orderTimelineEvent.findMany({
      where: { orderId: order.id },
      // dedupeKey breaks ties between events at the same instant: the same order on every load.
      orderBy: [{ occurredAt: "asc" }, { dedupeKey: "asc" }],
      take: TIMELINE_LIMIT,
      select: { id: true, type: true, occurredAt: true, title: true },
    }),
  ]);
  const content = (snapshot?.content ?? null) as SnapshotContent | null;
  const known: KnownPii = {
    names: [order.customerName, content?.customer.name, content?.shippingAddress?.name],
    emails: [order.email, content?.customer.email],
    phones: [content?.customer.phone, content?.shippingAddress?.phone],
    addressParts: [content?.shippingAddress?.address1, content?.shippingAddress?.address2, content?.shippingAddress?.zip],
  };
  const text = (value: string) => (canSeePii ? value : (maskText(value, known) ?? ""));
  return {
    order: {
      id: order.id,
      shopifyId: order.shopifyId,
      name: order.name,
      createdAt: order.shopifyCreatedAt.toISOString(),
      financialStatus: order.financialStatus,
      fulfillmentStatus: order.fulfillmentStatus,
      cancelled: order.cancelledAt !== null,
      snapshotVersion: order.snapshotVersion,
      lastIngestedAt: order.lastIngestedAt.toISOString(),
    },
    context: content && !canSeePii ? maskContent(content, known) : content,
    timeline: events.map((event) => ({ id: event.id, type: event.type, occurredAt: event.occurredAt.toISOString(), title: text(event.title) })),
    piiMasked: !canSeePii,
  };
}

/** The snapshot with the customer masked, and their details masked in every free-text field. */
function maskContent(content: SnapshotContent, known: KnownPii): SnapshotContent {
  const text = (value: string | null) => maskText(value, known);
  return {
    ...content,
    order: { ...content.order, note: text(content.order.note), tags: content.order.tags.map((tag) => text(tag) ?? "") },
    customer: {
      id: content.customer.id,
      name: maskName(content.customer.name),
      email: maskEmail(content.customer.email),
      phone: maskPhone(content.customer.phone),
    },
    shippingAddress: maskAddress(content.shippingAddress),
    fulfillmentOrders: content.fulfillmentOrders.map((fo) => ({ ...fo, holds: fo.holds.map((hold) => ({ ...hold, notes: text(hold.notes) })) })),
    refunds: content.refunds.map((refund) => ({ ...refund, note: text(refund.note) })),
  };
}
