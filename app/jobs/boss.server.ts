/**
 * Background jobs on pg-boss 10 (docs/decisions/0004), in the app's own Postgres. One instance
 * per process; queues are created (and their options brought up to date) on start. Handlers
 * are registered in worker.server.ts. What happens to jobs when a process dies or stops:
 * docs/decisions/0016.
 */
import PgBoss from "pg-boss";
import { getEnv } from "../env.server";
import { logger } from "../lib/logger.server";
import { QUEUES } from "./queues";
import { markWorkerStopping } from "./worker-state";

/**
 * pg-boss fails (and so retries) jobs active past their expiry only during its maintenance,
 * every 2 minutes by default: a crashed worker's jobs would wait that long on top of their
 * expiry. Jobs of a worker known to be gone are handed back sooner (worker-liveness.server.ts).
 */
export const MAINTENANCE_INTERVAL_SECONDS = 10;

/** How long a graceful stop lets running jobs finish before pg-boss fails them for a retry. */
const STOP_TIMEOUT_MS = 10_000;

let instance: Promise<PgBoss> | null = null;
const afterStop: Array<() => Promise<void>> = [];

export function getBoss(): Promise<PgBoss> {
  instance ??= (async () => {
    const env = getEnv();
    const boss = new PgBoss({
      connectionString: env.DATABASE_URL,
      schema: "pgboss",
      // The owner installs and migrates pg-boss's schema and creates the queues' tables
      // (server/migrate.ts); the app's role may not run DDL, so it only checks the version.
      migrate: false,
      // The embedded database is a single session: one connection, like the app's pool.
      max: env.DATABASE_POOL_MAX === 1 ? 1 : 4,
      // Jobs are short; keep completed jobs a week for debugging, then archive.
      deleteAfterDays: 7,
      maintenanceIntervalSeconds: MAINTENANCE_INTERVAL_SECONDS,
    });
    boss.on("error", (error) => logger.error({ err: error.message }, "pg-boss error"));
    await boss.start();
    for (const queue of Object.values(QUEUES)) {
      // createQueue leaves an existing queue as it is; updateQueue brings its options (expiry,
      // policy, retries) to what this version of the code declares. Jobs copy them when sent.
      await boss.createQueue(queue.name, { name: queue.name, ...queue.options });
      await boss.updateQueue(queue.name, { name: queue.name, ...queue.options });
    }
    return boss;
  })();
  return instance;
}

/** Runs once the worker's jobs are finished or handed back (the worker drops its heartbeat row). */
export function onBossStopped(hook: () => Promise<void>): void {
  afterStop.push(hook);
}

/**
 * Graceful stop (SIGTERM): no new jobs are fetched, running ones get STOP_TIMEOUT_MS to finish
 * (long steps checkpoint and return early, see worker-state.ts), and pg-boss fails whatever is
 * still running so another process retries it at once instead of after its expiry.
 */
export async function stopBoss(): Promise<void> {
  if (!instance) return;
  markWorkerStopping();
  const boss = await instance;
  instance = null;
  await boss.stop({ graceful: true, wait: true, timeout: STOP_TIMEOUT_MS });
  for (const hook of afterStop.splice(0)) {
    try {
      await hook();
    } catch (error) {
      logger.warn({ err: (error as Error).message }, "job worker shutdown step failed");
    }
  }
}
