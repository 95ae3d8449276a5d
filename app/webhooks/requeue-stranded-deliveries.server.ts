/**
 * The inbox sweep (docs/decisions/0016): a delivery is stored before Shopify gets its 200, and
 * its job is sent right after. A delivery still "received" with no job behind it was stranded:
 * the process died between the two, the send failed, or its job ran out of retries (a failed
 * job is tried again after a cool-off, not in a loop). Each delivery's job id is derived from
 * the delivery (app/jobs/queues.ts), so one query finds the stranded ones and re-sending can
 * never make a second job for a delivery that has one.
 */
import prisma from "../db.server";
import { logger } from "../lib/logger.server";

export interface RequeueStrandedDeliveriesOptions {
  /** pg-boss queue of webhook.process jobs; job ids are md5(queue || ':' || delivery id). */
  queueName: string;
  /** Sends the delivery's job (its id derived from the delivery). */
  enqueueDelivery: (deliveryId: string) => Promise<unknown>;
  /** Retries a failed job by id (pg-boss retry()). */
  retryJob: (jobId: string) => Promise<unknown>;
  /** Leave a fresh delivery to the route that is about to send its job. */
  minAgeSeconds?: number;
  /** How long a delivery whose job failed for good waits before it is tried again. */
  failedCoolOffSeconds?: number;
  limit?: number;
}

interface Stranded {
  id: string;
  jobId: string;
  jobState: string | null;
}

export async function requeueStrandedDeliveries({
  queueName,
  enqueueDelivery,
  retryJob,
  minAgeSeconds = 15,
  failedCoolOffSeconds = 10 * 60,
  limit = 500,
}: RequeueStrandedDeliveriesOptions): Promise<{ requeued: number; retried: number }> {
  // pg-boss creates its schema when it first starts: before that no job was ever sent here,
  // and the worker that starts it sweeps on its first round.
  const [{ ready }] = await prisma.$queryRaw<Array<{ ready: boolean }>>`SELECT to_regclass('pgboss.job') IS NOT NULL AS ready`;
  if (!ready) return { requeued: 0, retried: 0 };
  const rows = await prisma.$queryRaw<Stranded[]>`
    SELECT d.id, md5(${queueName}::text || ':' || d.id)::uuid::text AS "jobId", j.state::text AS "jobState"
    FROM "WebhookDelivery" d
    LEFT JOIN pgboss.job j ON j.name = ${queueName} AND j.id = md5(${queueName}::text || ':' || d.id)::uuid
    WHERE d.status = 'received'
      AND d."receivedAt" < (now() AT TIME ZONE 'UTC') - make_interval(secs => ${minAgeSeconds})
      AND (j.id IS NULL OR (j.state = 'failed' AND j.completed_on < now() - make_interval(secs => ${failedCoolOffSeconds})))
    ORDER BY d."receivedAt"
    LIMIT ${limit}`;
  let requeued = 0;
  let retried = 0;
  for (const row of rows) {
    if (row.jobState === "failed") {
      await retryJob(row.jobId);
      retried++;
    } else {
      await enqueueDelivery(row.id);
      requeued++;
    }
  }
  if (rows.length) logger.warn({ requeued, retried }, "stranded webhook deliveries sent to the queue again");
  return { requeued, retried };
}
