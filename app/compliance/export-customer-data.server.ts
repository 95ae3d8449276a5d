import type { Prisma } from "@prisma/client";
import { recordAudit } from "../audit/record-audit.server";
import type { ScopedDb } from "../lib/tenancy.server";
import { exportCustomerTickets } from "../tickets/export-customer-tickets.server";

export interface ExportCustomerDataOptions {
  db: ScopedDb;
  requestId: string;
  customerShopifyId: string | null;
  email: string | null;
  orderIds: string[];
  correlationId: string;
}

/**
 * customers/data_request: assembles everything we hold about the customer (their orders'
 * latest snapshots and timelines, their tickets with their threads) as one JSON document,
 * stores it for the merchant to hand over, and records the request. Idempotent per Shopify
 * data request id.
 */
export async function exportCustomerData({ db, requestId, customerShopifyId, email, orderIds, correlationId }: ExportCustomerDataOptions) {
  const existing = await db.dataRequest.findFirst({ where: { shopifyRequestId: requestId } });
  if (existing) return existing;
  const gids = orderIds.map((id) => (String(id).startsWith("gid://") ? String(id) : `gid://shopify/Order/${id}`));
  const orders = await db.order.findMany({
    where: {
      OR: [
        ...(customerShopifyId ? [{ customerShopifyId }] : []),
        ...(email ? [{ email: email.toLowerCase() }] : []),
        ...(gids.length ? [{ shopifyId: { in: gids } }] : []),
      ],
    },
    orderBy: { shopifyCreatedAt: "asc" },
  });
  const exported = [];
  for (const order of orders) {
    const snapshot = await db.orderSnapshot.findFirst({ where: { orderId: order.id }, orderBy: { version: "desc" }, select: { content: true, version: true } });
    const timeline = await db.orderTimelineEvent.findMany({ where: { orderId: order.id }, orderBy: [{ occurredAt: "asc" }, { dedupeKey: "asc" }], select: { type: true, occurredAt: true, title: true } });
    exported.push({ order: order.name, shopifyId: order.shopifyId, snapshot: snapshot?.content ?? null, timeline });
  }
  const tickets = await exportCustomerTickets({ db, customerShopifyId, email, orderIds: orders.map((order) => order.id) });
  const document = { generatedAt: new Date().toISOString(), customer: { shopifyId: customerShopifyId, email }, orders: exported, tickets };
  return db.$transaction(async (tx) => {
    const created = await tx.dataRequest.create({
      data: { shopifyRequestId: requestId, customerShopifyId, export: document as unknown as Prisma.InputJsonValue } as Prisma.DataRequestUncheckedCreateInput,
    });
    await recordAudit({
      db: tx,
      actor: { type: "webhook", id: null, label: "customers/data_request" },
      action: "customer.data_requested",
      entityType: "DataRequest",
      entityId: created.id,
      metadata: { orders: exported.length, tickets: tickets.length, shopifyRequestId: requestId },
      correlationId,
    });
    return created;
  });
}
