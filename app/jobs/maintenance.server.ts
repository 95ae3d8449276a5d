import { expireApprovals } from "../approvals/expire-approvals.server";
import prisma from "../db.server";
import { logger } from "../lib/logger.server";
import { scopedDb } from "../lib/tenancy.server";
import { reconcileOrders } from "../orders/reconcile-orders.server";
import type { AdminClient } from "../shopify/admin-client.server";
import { enqueue } from "./enqueue.server";
import { requeueDeliveries } from "./recover.server";

/**
 * The periodic job (orders.reconcile, every 10 minutes): reconcile every installed shop's
 * orders and close its expired approval requests (runs a dead process left running are resumed
 * by the runs.resume job, every minute); re-enqueue webhook deliveries stored but never processed, and drop
 * expired rate-limit windows. Each part is independent: one shop failing does not stop the others.
 */
export async function runMaintenance({ clientFor, shopDomain }: { clientFor: (shop: string) => Promise<AdminClient>; shopDomain?: string }) {
  const shops = await prisma.shop.findMany({ where: { uninstalledAt: null, ...(shopDomain ? { domain: shopDomain } : {}) }, select: { id: true, domain: true } });
  for (const shop of shops) {
    try {
      const result = await reconcileOrders({
        db: scopedDb(shop.id),
        shopId: shop.id,
        client: await clientFor(shop.domain),
        ingest: async (shopifyId) => {
          await enqueue("orderIngest", { shopDomain: shop.domain, shopifyId, reason: "reconcile" }, { singletonKey: shopifyId });
        },
      });
      logger.info({ shop: shop.domain, ...result }, "orders reconciled");
    } catch (error) {
      logger.warn({ shop: shop.domain, err: (error as Error).message }, "reconciliation failed");
    }
    // Our own bookkeeping needs no Shopify call: it runs even when reconciliation could not.
    try {
      const db = scopedDb(shop.id);
      const correlationId = `maintenance-${Date.now()}`;
      const expired = await expireApprovals({ db, correlationId });
      if (expired) logger.info({ shop: shop.domain, expired }, "approvals expired");
    } catch (error) {
      logger.warn({ shop: shop.domain, err: (error as Error).message }, "approval expiry failed");
    }
  }

  // Every worker also runs this sweep every 15 s (recover.server.ts); here it covers a
  // process that runs maintenance without its own worker loop (a test, a one-off call).
  const stranded = await requeueDeliveries();

  await prisma.rateLimitCounter.deleteMany({ where: { windowStart: { lt: new Date(Date.now() - 24 * 3600_000) } } });
  return { shops: shops.length, requeued: stranded.requeued + stranded.retried };
}
