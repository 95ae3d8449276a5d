/**
 * Every ingest of an order (webhook re-fetch, refresh, reconciliation, bulk backfill: they all
 * store through storeOrderContext) passes here inside its transaction: when a customers/redact
 * record covers the order, the order is stored without its customer. Shopify may keep
 * returning a redacted customer's data for a while; this is what keeps it out.
 */
import type { buildSnapshot } from "../orders/build-snapshot";
import type { OrderContext } from "../orders/schema";
import type { DbClient } from "../lib/tenancy.server";
import { orderContextIdentifiers, redactBuiltOrder } from "./redact-order-data";
import { findRedaction, lockRedactionKeys, redactionLockKeys, type RedactionSubject } from "./redaction-record.server";

type Built = ReturnType<typeof buildSnapshot>;

export async function applyRedactionRecord(tx: DbClient, order: OrderContext, built: Built): Promise<Built> {
  const subject: RedactionSubject = {
    customerShopifyIds: built.row.customerShopifyId ? [built.row.customerShopifyId] : [],
    orderShopifyIds: [built.row.shopifyId],
    emails: [order.customer?.defaultEmailAddress?.emailAddress, order.email],
    phones: [order.customer?.defaultPhoneNumber?.phoneNumber, order.phone, order.shippingAddress?.phone],
  };
  // Shared: ingests run side by side; a customers/redact in progress (exclusive) is waited for.
  await lockRedactionKeys(tx, redactionLockKeys(subject), "shared");
  const record = await findRedaction(tx, subject, built.row.shopifyCreatedAt);
  return record ? redactBuiltOrder(built, orderContextIdentifiers(order)) : built;
}
