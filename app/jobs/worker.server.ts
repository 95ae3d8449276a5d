/**
 * Registers the job handlers. Started once per app process (server/boot.ts through
 * entry.server's startBackgroundWork) and by tests that exercise the queue end to end.
 * What a crash or a stop does to jobs, and how they come back: docs/decisions/0016.
 */
import type PgBoss from "pg-boss";
import prisma from "../db.server";
import { logger } from "../lib/logger.server";
import { scopedDb } from "../lib/tenancy.server";
import { ingestOrder } from "../orders/ingest-order.server";
import type { AdminClient } from "../shopify/admin-client.server";
import { offlineClient } from "../shopify/offline-client.server";
import { processDelivery } from "../webhooks/process-delivery.server";
import { runBackfill } from "../backfill/run-backfill.server";
import { getBoss, onBossStopped } from "./boss.server";
import { enqueue } from "./enqueue.server";
import { runMaintenance } from "./maintenance.server";
import { recover } from "./recover.server";
import { resumeInterruptedRuns } from "./resume-runs.server";
import { STALE_AFTER_MS } from "../actions/resume-run.server";
import { forgetWorker, heartbeat, HEARTBEAT_SECONDS, registerWorker, type WorkerIdentity } from "./worker-liveness.server";
import { markWorkerStarted, markWorkerStopped, workerStopping } from "./worker-state";
import { QUEUES } from "./queues";

export interface WorkerOptions {
  clientFor?: (shopDomain: string) => Promise<AdminClient>;
}

/**
 * pg-boss 10's worker waits `pollingInterval - duration` after every fetch, jobs found or not
 * (node_modules/pg-boss/src/worker.js), so one job per fetch caps a queue at one job per
 * interval: bench/README.md measured exactly 1 webhook/s. Each fetch therefore takes a batch;
 * the jobs run one after another, and a failing job is failed alone (pg-boss schedules its
 * retry) while the others complete (pg-boss completes only jobs still active).
 */
const BATCH = { batchSize: 20, pollingIntervalSeconds: 0.5 };

function batchOf<T>(boss: PgBoss, queue: string, handler: (job: PgBoss.Job<T>) => Promise<void>) {
  return async (jobs: PgBoss.Job<T>[]) => {
    for (const job of jobs) {
      try {
        await handler(job);
      } catch (error) {
        logger.warn({ queue, jobId: job.id, err: (error as Error).message }, "job failed; pg-boss will retry");
        await boss.fail(queue, job.id, { message: (error as Error).message });
      }
    }
  };
}

export async function startWorker({ clientFor = offlineClient }: WorkerOptions = {}): Promise<void> {
  if (!markWorkerStarted()) return;
  const boss = await getBoss();
  // Before the first fetch: from now on a job this process holds is never taken for an orphan.
  const worker = await registerWorker();
  const loop = startRecoveryLoop(boss, worker);
  onBossStopped(async () => {
    loop.stop();
    await loop.idle();
    await forgetWorker(worker);
    markWorkerStopped();
  });
  logger.info({ worker: worker.id }, "job worker started");

  await boss.work(QUEUES.webhook.name, BATCH, batchOf(boss, QUEUES.webhook.name, async (job: PgBoss.Job<unknown>) => {
    const { deliveryId } = QUEUES.webhook.payload.parse(job.data);
    await processDelivery({ deliveryId, correlationId: `job-${job.id}`, clientFor });
  }));

  await boss.work(QUEUES.orderIngest.name, BATCH, batchOf(boss, QUEUES.orderIngest.name, async (job: PgBoss.Job<unknown>) => {
    const { shopDomain, shopifyId } = QUEUES.orderIngest.payload.parse(job.data);
    const shop = await prisma.shop.findUnique({ where: { domain: shopDomain } });
    if (!shop || shop.uninstalledAt) return;
    const result = await ingestOrder({ db: scopedDb(shop.id), client: await clientFor(shopDomain), shopifyId });
    logger.debug({ shop: shopDomain, order: shopifyId, outcome: result.outcome }, "order ingested");
  }));

  await boss.work(QUEUES.backfill.name, { batchSize: 1, pollingIntervalSeconds: 1 }, batchOf(boss, QUEUES.backfill.name, async (job: PgBoss.Job<unknown>) => {
    const { shopDomain } = QUEUES.backfill.payload.parse(job.data);
    const step = await runBackfill({ shopDomain, client: await clientFor(shopDomain), shouldStop: workerStopping });
    logger.info({ shop: shopDomain, step }, "backfill step");
    // Still running at Shopify: look again shortly (the finish webhook may come first). An
    // import slice that ended early continues at once. The queue is stately per shop, so
    // this never starts a second chain beside one already queued.
    if (step === "started" || step === "waiting") await enqueue("backfill", { shopDomain }, { startAfter: 2 });
    if (step === "importing") await enqueue("backfill", { shopDomain });
  }));

  await boss.work(QUEUES.reconcile.name, { batchSize: 1, pollingIntervalSeconds: 5 }, batchOf(boss, QUEUES.reconcile.name, async (job: PgBoss.Job<unknown>) => {
    const { shopDomain } = QUEUES.reconcile.payload.parse(job.data ?? {});
    await runMaintenance({ clientFor, shopDomain });
  }));
  // Webhook delivery is not guaranteed: every 10 minutes, heal from Shopify's own state.
  await boss.schedule(QUEUES.reconcile.name, "*/10 * * * *", {});

  await boss.work(QUEUES.runResume.name, { batchSize: 1, pollingIntervalSeconds: 2 }, batchOf(boss, QUEUES.runResume.name, async () => {
    await resumeInterruptedRuns({ clientFor });
  }));
  // Runs a crashed process left mid-flight: every minute, and once as soon as the heartbeat of
  // the latest one still running goes stale, so they finish within seconds of a restart.
  await boss.schedule(QUEUES.runResume.name, "* * * * *", {});
  const latest = await prisma.run.aggregate({ where: { status: "running" }, _max: { heartbeatAt: true } });
  const staleIn = latest._max.heartbeatAt ? latest._max.heartbeatAt.getTime() + STALE_AFTER_MS - Date.now() : 0;
  await enqueue("runResume", {}, { startAfter: Math.max(0, Math.ceil(staleIn / 1000)) + 1 });
}

/** Every few seconds: say we are alive, then recover what dead processes and lost sends left. */
function startRecoveryLoop(boss: PgBoss, worker: WorkerIdentity) {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  let tick = 0;
  const run = async () => {
    try {
      await heartbeat(worker);
      await recover({ boss, deliveries: tick % 3 === 0, backfills: tick % 12 === 0 });
      tick++;
    } catch (error) {
      logger.warn({ err: (error as Error).message }, "job recovery step failed");
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = run().finally(schedule);
    }, HEARTBEAT_SECONDS * 1000);
    // The loop alone must not keep a process (a test file) alive.
    timer.unref();
  };
  running = run().finally(schedule);
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
    idle: () => running,
  };
}
