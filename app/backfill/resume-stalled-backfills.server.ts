/**
 * The self-heal of "install starts the import exactly once" (docs/decisions/0016): an installed
 * shop whose first import was never claimed (its install hook failed, or predates the claim),
 * or was claimed and then lost its job (the process died between the install's commit and the
 * enqueue, or the job ran out of retries), gets its backfill enqueued. Run by every worker
 * every few seconds; the claim and the queue's per-shop singleton key keep it to one import.
 */
import prisma from "../db.server";
import { logger } from "../lib/logger.server";
import { scopedDb } from "../lib/tenancy.server";
import { claimBackfill } from "./claim-backfill.server";

export interface ResumeStalledBackfillsOptions {
  enqueueBackfill: (shopDomain: string) => Promise<unknown>;
  /** The pg-boss queue whose jobs count as "the import is on its way". */
  queueName: string;
  /** A claimed import with no job that has not moved for this long is stalled. */
  staleSeconds?: number;
}

interface Candidate {
  id: string;
  domain: string;
  claimed: boolean;
}

export async function resumeStalledBackfills({ enqueueBackfill, queueName, staleSeconds = 120 }: ResumeStalledBackfillsOptions): Promise<{ claimed: number; resumed: number }> {
  // Timestamps are compared in SQL (our columns hold UTC without a zone; pg-boss's have one).
  const candidates = await prisma.$queryRaw<Candidate[]>`
    SELECT s.id, s.domain, (i."backfillRequestedAt" IS NOT NULL) AS claimed
    FROM "Shop" s
    LEFT JOIN "IngestionState" i ON i."shopId" = s.id
    WHERE s."uninstalledAt" IS NULL
      AND EXISTS (SELECT 1 FROM "Session" se WHERE se.shop = s.domain AND se."isOnline" = false)
      AND (
        i."shopId" IS NULL OR i."backfillRequestedAt" IS NULL
        OR (i."backfillStatus" IN ('queued', 'starting', 'running', 'importing')
            AND i."updatedAt" < (now() AT TIME ZONE 'UTC') - make_interval(secs => ${staleSeconds}))
      )
      AND NOT EXISTS (
        SELECT 1 FROM pgboss.job j
        WHERE j.name = ${queueName} AND j.singleton_key = s.domain AND j.state < 'completed'
      )
    ORDER BY s."createdAt"
    LIMIT 100`;
  let claimed = 0;
  let resumed = 0;
  for (const shop of candidates) {
    try {
      if (!shop.claimed) {
        if (!(await claimBackfill({ db: scopedDb(shop.id), shopId: shop.id }))) continue;
        claimed++;
        logger.warn({ shop: shop.domain }, "installed shop had never started its import: backfill enqueued");
      } else {
        resumed++;
        logger.warn({ shop: shop.domain }, "backfill had no job and had not moved: enqueued again");
      }
      await enqueueBackfill(shop.domain);
    } catch (error) {
      logger.warn({ shop: shop.domain, err: (error as Error).message }, "stalled backfill not resumed");
    }
  }
  return { claimed, resumed };
}
