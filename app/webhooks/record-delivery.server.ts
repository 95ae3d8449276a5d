import type { Prisma } from "@prisma/client";
import prisma from "../db.server";

export interface DeliveryInput {
  shopDomain: string;
  webhookId: string;
  eventId: string | null;
  topic: string;
  triggeredAt: Date | null;
  apiVersion: string | null;
  payload: unknown;
}

/**
 * Stores a verified delivery in the inbox before it is acknowledged. Shopify re-sends the same
 * delivery (same webhook id) on retries and sometimes twice: the unique index dedupes it.
 * The webhook inbox is keyed by shop domain: it must accept deliveries for shops we have not
 * recorded (yet, or any more, as with shop/redact).
 */
export async function recordDelivery(input: DeliveryInput): Promise<{ id: string; duplicate: boolean; status: string }> {
  const created = await prisma.webhookDelivery.createMany({
    data: [{ ...input, payload: input.payload as Prisma.InputJsonValue }],
    skipDuplicates: true,
  });
  const row = await prisma.webhookDelivery.findUniqueOrThrow({
    where: { shopDomain_webhookId: { shopDomain: input.shopDomain, webhookId: input.webhookId } },
    select: { id: true, status: true },
  });
  return { id: row.id, duplicate: created.count === 0, status: row.status };
}
