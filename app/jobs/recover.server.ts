/**
 * What every worker does every few seconds besides its jobs (docs/decisions/0016): hand back
 * the jobs of workers that are gone, and now and then send again the work whose job was lost:
 * stranded webhook deliveries and stalled first imports. All of it is idempotent, so
 * several processes may run it at once.
 */
import type PgBoss from "pg-boss";
import { resumeStalledBackfills } from "../backfill/resume-stalled-backfills.server";
import { requeueStrandedDeliveries } from "../webhooks/requeue-stranded-deliveries.server";
import { getBoss } from "./boss.server";
import { enqueue } from "./enqueue.server";
import { QUEUES } from "./queues";
import { reclaimOrphanedJobs } from "./worker-liveness.server";

export interface RecoverOptions {
  boss: PgBoss;
  /** Look for webhook deliveries whose job was lost (every 15 s in the worker's loop). */
  deliveries: boolean;
  /** Look for first imports that never got a job (every minute: they are "stalled" after two). */
  backfills: boolean;
}

export async function recover({ boss, deliveries, backfills }: RecoverOptions): Promise<void> {
  await reclaimOrphanedJobs({ boss });
  if (deliveries) await requeueDeliveries();
  if (backfills) await resumeStalledBackfills({ queueName: QUEUES.backfill.name, enqueueBackfill: (shopDomain) => enqueue("backfill", { shopDomain }) });
}

/** pg-boss is only reached when a delivery needs it (a maintenance run in a test stays out of it). */
export function requeueDeliveries() {
  return requeueStrandedDeliveries({
    queueName: QUEUES.webhook.name,
    enqueueDelivery: (deliveryId) => enqueue("webhook", { deliveryId }),
    retryJob: async (jobId) => (await getBoss()).retry(QUEUES.webhook.name, jobId),
  });
}
