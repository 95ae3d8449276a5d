import { AppError, fieldErrors } from "../lib/app-error";
import type { ScopedDb } from "../lib/tenancy.server";
import type { AdminClient } from "../shopify/admin-client.server";
import type { OrderContextQuery, OrderContextQueryVariables } from "../shopify/admin.generated";
import { ORDER_CONTEXT_QUERY, ORDER_CONTEXT_REQUESTED_COST } from "../shopify/documents";
import { ZOrderContext } from "./schema";
import { storeOrderContext, type StoreOrderContextResult } from "./store-order-context.server";

export interface IngestOrderOptions {
  db: ScopedDb;
  client: AdminClient;
  /** The order's GID. */
  shopifyId: string;
}

/**
 * Fetches one order's full context from the Admin API (one request) and stores it. The
 * canonical state comes from GraphQL: webhook payloads only say which order to look at.
 */
export async function ingestOrder({ db, client, shopifyId }: IngestOrderOptions): Promise<StoreOrderContextResult | { outcome: "missing" }> {
  const data = await client.request<OrderContextQuery>("OrderContext", ORDER_CONTEXT_QUERY, { id: shopifyId } satisfies OrderContextQueryVariables, ORDER_CONTEXT_REQUESTED_COST);
  if (!data.order) return { outcome: "missing" };
  const parsed = ZOrderContext.safeParse(data.order);
  if (!parsed.success) {
    throw new AppError("UPSTREAM", "Shopify returned an order in an unexpected shape", { fields: fieldErrors(parsed.error.issues) });
  }
  return storeOrderContext({ db, order: parsed.data });
}

/** Numeric REST ids (webhook payloads) to GIDs. */
export function orderGid(id: string | number): string {
  const text = String(id);
  if (text.startsWith("gid://shopify/Order/")) return text;
  if (!/^\d+$/.test(text)) throw new AppError("VALIDATION", `Not an order id: ${text}`);
  return `gid://shopify/Order/${text}`;
}
