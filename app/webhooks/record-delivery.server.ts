import type { Prisma } from "@prisma/client";
import prisma from "../db.server";
import type { ShopifyWebhook } from "./read-webhook.server";

export type DeliveryInput = Omit<ShopifyWebhook, "payload"> & { payload: unknown };

/**
 * Stores a verified delivery in the inbox before it is acknowledged. Shopify re-sends the same
 * delivery (same webhook id) on retries, and may send a copy of one event under a new webhook
 * id (same X-Shopify-Event-Id, as Shopify's "ignore duplicates" guide says): the unique indexes
 * on (shop, webhook id) and (shop, topic, event id) keep one row, and the copy is answered with
 * the stored row. The event id is scoped to the topic because one merchant action can notify
 * several topics (orders/paid and orders/updated) that each need their own processing.
 * The webhook inbox is keyed by shop domain: it must accept deliveries for shops we have not
 * recorded (yet, or any more, as with shop/redact).
 */
export async function recordDelivery(input: DeliveryInput): Promise<{ id: string; duplicate: boolean; status: string }> {
  const { shopDomain, webhookId, eventId, topic } = input;
  // ON CONFLICT DO NOTHING covers both unique indexes, so concurrent copies cannot both insert.
  const created = await prisma.webhookDelivery.createMany({
    data: [{ ...input, payload: input.payload as Prisma.InputJsonValue }],
    skipDuplicates: true,
  });
  const row = await prisma.webhookDelivery.findFirstOrThrow({
    where: { shopDomain, OR: [{ webhookId }, ...(eventId ? [{ topic, eventId }] : [])] },
    orderBy: { receivedAt: "asc" },
    select: { id: true, status: true },
  });
  return { id: row.id, duplicate: created.count === 0, status: row.status };
}
