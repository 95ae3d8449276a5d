import type { ScopedDb } from "../lib/tenancy.server";
import type { AdminClient } from "../shopify/admin-client.server";
import type { OrdersUpdatedSinceQuery } from "../shopify/admin.generated";
import { ORDERS_UPDATED_SINCE_QUERY } from "../shopify/documents";

export interface ReconcileOrdersOptions {
  db: ScopedDb;
  shopId: string;
  client: AdminClient;
  /** Called for each order we are missing or hold an older version of (enqueue in production). */
  ingest: (shopifyId: string) => Promise<void>;
  now?: Date;
  /** The first run looks back this far. */
  initialLookbackHours?: number;
  maxPages?: number;
}


/**
 * Heals missed webhooks (Shopify does not guarantee delivery): lists the orders updated since
 * the shop's cursor, ids and timestamps only, and re-ingests those we miss or hold older data
 * for. The cursor only moves forward, to the newest updatedAt seen (minus a minute of overlap,
 * because Shopify's search index lags writes slightly).
 */
export async function reconcileOrders({ db, shopId, client, ingest, now = new Date(), initialLookbackHours = 24, maxPages = 20 }: ReconcileOrdersOptions) {
  const state = await db.ingestionState.findFirst({});
  const since = state?.reconcileCursor ?? new Date(now.getTime() - initialLookbackHours * 3600_000);
  let after: string | null = null;
  let newest = since;
  let seen = 0;
  let queued = 0;
  for (let page = 0; page < maxPages; page++) {
    const data: OrdersUpdatedSinceQuery = await client.request<OrdersUpdatedSinceQuery>("OrdersUpdatedSince", ORDERS_UPDATED_SINCE_QUERY, { query: `updated_at:>'${since.toISOString()}'`, after }, 110);
    const nodes = data.orders.nodes;
    seen += nodes.length;
    const held = await db.order.findMany({ where: { shopifyId: { in: nodes.map((node) => node.id) } }, select: { shopifyId: true, shopifyUpdatedAt: true } });
    const heldAt = new Map(held.map((row) => [row.shopifyId, row.shopifyUpdatedAt.getTime()]));
    for (const node of nodes) {
      const updatedAt = new Date(node.updatedAt);
      if (updatedAt > newest) newest = updatedAt;
      const ours = heldAt.get(node.id);
      if (ours === undefined || ours < updatedAt.getTime()) {
        await ingest(node.id);
        queued++;
      }
    }
    if (!data.orders.pageInfo.hasNextPage) break;
    after = data.orders.pageInfo.endCursor;
  }
  const cursor = new Date(Math.max(since.getTime(), newest.getTime() - 60_000));
  await db.ingestionState.upsert({
    where: { shopId },
    create: { shopId, reconcileCursor: cursor, lastReconciledAt: now },
    update: { reconcileCursor: cursor, lastReconciledAt: now },
  });
  return { seen, queued, cursor };
}
