/**
 * Which job workers are alive, and handing back the jobs of those that are not
 * (docs/decisions/0016). pg-boss 10 records when a job became active but not who holds it, so
 * a process killed mid-job leaves its jobs "active" until their expiry. Each worker process
 * has a row here, written before it fetches its first job and refreshed every few seconds.
 *
 * The rule: a job that became active before the oldest live worker started cannot belong to a
 * live worker (each worker registers before fetching), so its worker is gone and the job is
 * failed back to its queue (pg-boss retries it after the queue's retry delay). With one app
 * process, a restart therefore recovers everything the crash left once the dead process's
 * heartbeat is stale, or at once when it restarts on the same host (registerWorker). With
 * several, jobs of a dead process that started after an older live one wait for their queue's
 * expiry instead (one to two minutes, queues.ts).
 * Timestamps are compared in SQL only: our columns hold UTC without a zone, pg-boss's have one.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type PgBoss from "pg-boss";
import prisma from "../db.server";
import { logger } from "../lib/logger.server";
import { QUEUE_NAMES } from "./queues";

/** How often a worker says it is alive. */
export const HEARTBEAT_SECONDS = 5;
/**
 * A worker silent this long is gone: four missed beats, so a busy event loop (a long GC, a
 * loaded machine) is not mistaken for a crash. A mistake would only run a job twice, and
 * handlers are idempotent.
 */
export const WORKER_STALE_SECONDS = 20;
/**
 * Rows of workers gone this long are dropped: by then every job they held has passed its
 * queue's expiry (15 minutes at most, queues.ts) and pg-boss has retried it anyway.
 */
const FORGET_AFTER_SECONDS = 20 * 60;

export interface WorkerIdentity {
  id: string;
  startedAt: Date;
}

/**
 * Registers this process as a worker; must complete before its first fetch. A restart on the
 * same host need not wait for its predecessor's heartbeat to go stale: a worker row of this
 * host whose process is gone (or whose pid is now ours) is marked silent at once, so the first
 * reclaim hands its jobs back. (Were another host's processes visible under the same hostname
 * and pid, the cost of a mistake is one more run of an idempotent job, and its next beat
 * revives its row.)
 */
export async function registerWorker(): Promise<WorkerIdentity> {
  const id = randomUUID();
  const host = hostname();
  const rows = await prisma.$queryRaw<Array<{ startedAt: Date }>>`
    INSERT INTO "JobWorker" (id, pid, host, "startedAt", "heartbeatAt")
    VALUES (${id}, ${process.pid}, ${host}, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')
    RETURNING "startedAt"`;
  const neighbours = await prisma.$queryRaw<Array<{ id: string; pid: number }>>`SELECT id, pid FROM "JobWorker" WHERE host = ${host} AND id <> ${id}`;
  const gone = neighbours.filter((worker) => worker.pid === process.pid || !processAlive(worker.pid)).map((worker) => worker.id);
  if (gone.length) {
    await prisma.$executeRaw`
      UPDATE "JobWorker" SET "heartbeatAt" = (now() AT TIME ZONE 'UTC') - make_interval(secs => ${WORKER_STALE_SECONDS + 1})
      WHERE id = ANY(${gone}::text[])`;
    logger.warn({ workers: gone.length }, "job workers of this host that are gone: their jobs are handed back");
  }
  return { id, startedAt: rows[0].startedAt };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Refreshes the heartbeat; re-creates the row (same start time) if a sweep dropped it. */
export async function heartbeat(worker: WorkerIdentity): Promise<void> {
  await prisma.$executeRaw`
    INSERT INTO "JobWorker" (id, pid, host, "startedAt", "heartbeatAt")
    VALUES (${worker.id}, ${process.pid}, ${hostname()}, ${worker.startedAt}, now() AT TIME ZONE 'UTC')
    ON CONFLICT (id) DO UPDATE SET "heartbeatAt" = now() AT TIME ZONE 'UTC'`;
}

/** A clean stop: this worker's jobs are finished or were failed back by pg-boss. */
export async function forgetWorker(worker: WorkerIdentity): Promise<void> {
  await prisma.$executeRaw`DELETE FROM "JobWorker" WHERE id = ${worker.id}`;
}

/** Fails back to their queues the active jobs no live worker can hold. Returns how many. */
export async function reclaimOrphanedJobs({ boss, staleSeconds = WORKER_STALE_SECONDS }: { boss: PgBoss; staleSeconds?: number }): Promise<number> {
  await prisma.$executeRaw`DELETE FROM "JobWorker" WHERE "heartbeatAt" < (now() AT TIME ZONE 'UTC') - make_interval(secs => ${FORGET_AFTER_SECONDS})`;
  // Without a silent worker no job can be orphaned (every fetch is made by a registered
  // worker): the scan of pg-boss's active jobs runs only after a worker went quiet.
  const silent = await prisma.$queryRaw<Array<{ n: number }>>`
    SELECT count(*)::int AS n FROM "JobWorker" WHERE "heartbeatAt" <= (now() AT TIME ZONE 'UTC') - make_interval(secs => ${staleSeconds})`;
  if (silent[0].n === 0) return 0;
  const orphans = await prisma.$queryRaw<Array<{ name: string; id: string }>>`
    SELECT j.name, j.id::text AS id
    FROM pgboss.job j
    WHERE j.state = 'active'
      AND j.name = ANY(${[...QUEUE_NAMES]}::text[])
      AND j.started_on < (
        SELECT min(w."startedAt") AT TIME ZONE 'UTC' FROM "JobWorker" w
        WHERE w."heartbeatAt" > (now() AT TIME ZONE 'UTC') - make_interval(secs => ${staleSeconds})
      )`;
  const byQueue = new Map<string, string[]>();
  for (const job of orphans) byQueue.set(job.name, [...(byQueue.get(job.name) ?? []), job.id]);
  for (const [queue, ids] of byQueue) {
    // fail() only touches jobs still active: one a slow worker completed meanwhile is left alone.
    await boss.fail(queue, ids);
    logger.warn({ queue, jobs: ids.length }, "jobs of a worker that is gone handed back to the queue");
  }
  return orphans.length;
}
