/**
 * Background jobs on pg-boss 10 (docs/decisions/0004), in the app's own Postgres. One instance
 * per process; queues are created on start. Handlers are registered in worker.server.ts.
 */
import PgBoss from "pg-boss";
import { getEnv } from "../env.server";
import { logger } from "../lib/logger.server";
import { QUEUES } from "./queues";

let instance: Promise<PgBoss> | null = null;

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
    });
    boss.on("error", (error) => logger.error({ err: error.message }, "pg-boss error"));
    await boss.start();
    for (const queue of Object.values(QUEUES)) {
      await boss.createQueue(queue.name, { name: queue.name, ...queue.options });
    }
    return boss;
  })();
  return instance;
}

export async function stopBoss(): Promise<void> {
  if (!instance) return;
  const boss = await instance;
  instance = null;
  await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
}
