/**
 * The webhook inbox keeps every delivery's payload; a redacted customer's payloads are
 * scrubbed (scrub-webhook-payload.ts): those stored before customers/redact by the redaction
 * itself, and every later one as soon as it has been processed (process-delivery calls
 * scrubRedactedDelivery). The inbox is keyed by shop domain, not by shop id.
 */
import type { CustomerRedaction, Prisma } from "@prisma/client";
import prisma from "../db.server";
import { scopedDb, type DbClient } from "../lib/tenancy.server";
import { identifierHash, identifiers, likePatterns, scrubJson, type CustomerIdentifiers } from "./customer-identifiers";
import { findAnyRedaction, lockRedactionKeys, redactionLockKeys, type RedactionSubject } from "./redaction-record.server";
import { payloadIdentifiers, payloadReferences, scrubWebhookPayload } from "./scrub-webhook-payload";

interface StoredDelivery {
  id: string;
  topic: string;
  payload: unknown;
}

/** Whether a payload's references name what the record covers. */
export function isAboutRedacted(record: CustomerRedaction, references: RedactionSubject): boolean {
  return (
    (record.customerShopifyId !== null && references.customerShopifyIds.includes(record.customerShopifyId)) ||
    references.orderShopifyIds.some((id) => record.orderShopifyIds.includes(id)) ||
    (record.emailHash !== null && references.emails.some((email) => identifierHash("email", email) === record.emailHash)) ||
    (record.phoneHash !== null && references.phones.some((phone) => identifierHash("phone", phone) === record.phoneHash))
  );
}

const numeric = (gid: string | null) => gid?.split("/").pop() ?? null;

/** Candidates: every delivery of the shop whose text holds an identifier or one of the ids (checked precisely after). */
async function candidates(tx: DbClient, shopDomain: string, record: CustomerRedaction, ids: CustomerIdentifiers): Promise<StoredDelivery[]> {
  const idPatterns = [numeric(record.customerShopifyId), ...record.orderShopifyIds.map(numeric)].filter((id): id is string => Boolean(id)).map((id) => `%${id}%`);
  const patterns = [...likePatterns(ids), ...idPatterns];
  if (patterns.length === 0) return [];
  return tx.$queryRaw<StoredDelivery[]>`SELECT id, topic, payload FROM "WebhookDelivery" WHERE "shopDomain" = ${shopDomain} AND payload::text ILIKE ANY(${patterns}::text[])`;
}

/** What the customer's own deliveries say about them (a billing name, a second address), read before scrubbing. */
export async function customerDeliveryIdentifiers(tx: DbClient, shopDomain: string, record: CustomerRedaction, ids: CustomerIdentifiers): Promise<CustomerIdentifiers[]> {
  const rows = await candidates(tx, shopDomain, record, ids);
  return rows.filter((row) => isAboutRedacted(record, payloadReferences(row.topic, row.payload))).map((row) => payloadIdentifiers(row.payload));
}

/**
 * customers/redact: the deliveries about the customer are scrubbed by shape and of their
 * identifiers; any other delivery that mentions them (an order placed for them by someone else)
 * loses the identifiers only.
 */
export async function scrubCustomerDeliveries(tx: DbClient, shopDomain: string, record: CustomerRedaction, ids: CustomerIdentifiers): Promise<number> {
  let scrubbed = 0;
  for (const row of await candidates(tx, shopDomain, record, ids)) {
    const about = isAboutRedacted(record, payloadReferences(row.topic, row.payload));
    const payload = about ? scrubWebhookPayload(row.payload, ids) : scrubJson(row.payload, ids, { nameParts: false });
    if (JSON.stringify(payload) === JSON.stringify(row.payload)) continue;
    await tx.webhookDelivery.update({ where: { id: row.id }, data: { payload: payload as Prisma.InputJsonValue } });
    scrubbed++;
  }
  return scrubbed;
}

/**
 * After a delivery was processed: when it is about a redacted customer (Shopify keeps sending
 * their orders for a while), its payload is scrubbed. Costs one count when the shop has no
 * redaction records, the usual case.
 */
export async function scrubRedactedDelivery(deliveryId: string): Promise<boolean> {
  const delivery = await prisma.webhookDelivery.findUnique({ where: { id: deliveryId }, select: { id: true, topic: true, shopDomain: true, payload: true } });
  if (!delivery) return false;
  const shop = await prisma.shop.findUnique({ where: { domain: delivery.shopDomain }, select: { id: true } });
  if (!shop) return false;
  const db = scopedDb(shop.id);
  if ((await db.customerRedaction.count()) === 0) return false;
  const references = payloadReferences(delivery.topic, delivery.payload);
  return db.$transaction(async (tx) => {
    // A customers/redact in progress for them is waited for, as an ingest waits for it.
    await lockRedactionKeys(tx, redactionLockKeys(references), "shared");
    if (!(await findAnyRedaction(tx, references))) return false;
    const payload = scrubWebhookPayload(delivery.payload, identifiers({}));
    if (JSON.stringify(payload) === JSON.stringify(delivery.payload)) return false;
    await tx.webhookDelivery.update({ where: { id: delivery.id }, data: { payload: payload as Prisma.InputJsonValue } });
    return true;
  });
}
