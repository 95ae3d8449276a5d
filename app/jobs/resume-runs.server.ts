import { sweepInterruptedRuns } from "../actions/sweep-interrupted-runs.server";
import prisma from "../db.server";
import { logger } from "../lib/logger.server";
import { scopedDb } from "../lib/tenancy.server";
import type { AdminClient } from "../shopify/admin-client.server";

/**
 * The `runs.resume` job (every minute, and once shortly after a worker starts): resumes, in
 * every installed shop, the runs a dead process left running (sweep-interrupted-runs.server.ts).
 * One shop failing does not stop the others.
 */
export async function resumeInterruptedRuns({ clientFor }: { clientFor: (shop: string) => Promise<AdminClient> }) {
  const shops = await prisma.shop.findMany({ where: { uninstalledAt: null }, select: { id: true, domain: true } });
  let resumed = 0;
  for (const shop of shops) {
    try {
      const count = await sweepInterruptedRuns({ db: scopedDb(shop.id), shopId: shop.id, correlationId: `runs-resume-${Date.now()}`, shopify: () => clientFor(shop.domain) });
      if (count) logger.warn({ shop: shop.domain, resumed: count }, "interrupted runs resumed");
      resumed += count;
    } catch (error) {
      logger.warn({ shop: shop.domain, err: (error as Error).message }, "resuming interrupted runs failed");
    }
  }
  return { shops: shops.length, resumed };
}
