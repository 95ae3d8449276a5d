import type PgBoss from "pg-boss";
import { z } from "zod";

/**
 * Every queue: its name, pg-boss options and the zod schema of its payload (checked when a
 * job is sent and when it is worked).
 */
export const QUEUES = {
  webhook: {
    name: "webhook.process",
    options: { retryLimit: 8, retryDelay: 5, retryBackoff: true } satisfies Omit<PgBoss.Queue, "name">,
    payload: z.object({ deliveryId: z.string() }),
  },
  orderIngest: {
    name: "order.ingest",
    // stately + singletonKey (the order): bursts for one order coalesce into one queued re-fetch.
    options: { policy: "stately", retryLimit: 6, retryDelay: 2, retryBackoff: true } satisfies Omit<PgBoss.Queue, "name">,
    payload: z.object({ shopDomain: z.string(), shopifyId: z.string(), reason: z.string() }),
  },
  backfill: {
    name: "backfill.process",
    options: { policy: "singleton", retryLimit: 10, retryDelay: 5, retryBackoff: true } satisfies Omit<PgBoss.Queue, "name">,
    payload: z.object({ shopDomain: z.string() }),
  },
  reconcile: {
    name: "orders.reconcile",
    options: { policy: "singleton", retryLimit: 3, retryDelay: 30 } satisfies Omit<PgBoss.Queue, "name">,
    payload: z.object({ shopDomain: z.string().optional() }),
  },
  runResume: {
    name: "runs.resume",
    // Singleton: the minute's schedule and a worker's start-up coalesce into one sweep.
    options: { policy: "singleton", retryLimit: 2, retryDelay: 10 } satisfies Omit<PgBoss.Queue, "name">,
    payload: z.object({}),
  },
} as const;

export type QueueKey = keyof typeof QUEUES;
export type Payload<K extends QueueKey> = z.infer<(typeof QUEUES)[K]["payload"]>;
