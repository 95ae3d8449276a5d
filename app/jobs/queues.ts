import { createHash } from "node:crypto";
import type PgBoss from "pg-boss";
import { z } from "zod";

type QueueOptions = Omit<PgBoss.Queue, "name"> & Required<Pick<PgBoss.Queue, "expireInSeconds">>;

interface QueueDefinition<P extends z.ZodTypeAny> {
  name: string;
  /**
   * pg-boss options. `expireInSeconds` is set on every queue, just above the longest run a
   * worker may legitimately take (pg-boss also gives up on the handler then): a job still
   * "active" after it is failed and retried (docs/decisions/0016).
   */
  options: QueueOptions;
  payload: P;
  /** The singleton key of every job of this queue (stately/singleton policies coalesce on it). */
  singletonKey?: (payload: z.infer<P>) => string;
  /**
   * A job id derived from the payload: sending the same payload again while its job exists is
   * a no-op (pg-boss inserts with ON CONFLICT DO NOTHING), and a sweep can tell whether a job
   * exists by its id alone.
   */
  jobId?: (payload: z.infer<P>) => string;
}

const define = <P extends z.ZodTypeAny>(definition: QueueDefinition<P>) => definition;

/**
 * The job id for `key` in `queue`: an md5 read as a UUID, which Postgres computes the same way
 * (`md5(queue || ':' || key)::uuid`), so SQL can join a row to its job (app/webhooks sweep).
 * Not a security property: ids only need to be stable and distinct.
 */
export function derivedJobId(queue: string, key: string): string {
  const hex = createHash("md5").update(`${queue}:${key}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Every queue: its name, pg-boss options and the zod schema of its payload (checked when a
 * job is sent and when it is worked).
 */
export const QUEUES = {
  webhook: define({
    name: "webhook.process",
    // A batch of 20 deliveries, each a few queries (an order topic enqueues a re-fetch) or one
    // Shopify lookup (fulfillment-order topics): well under a minute.
    options: { retryLimit: 8, retryDelay: 5, retryBackoff: true, expireInSeconds: 60 },
    payload: z.object({ deliveryId: z.string() }),
    // One job per stored delivery: the route and the inbox sweep may both send it.
    jobId: ({ deliveryId }) => derivedJobId("webhook.process", deliveryId),
  }),
  orderIngest: define({
    name: "order.ingest",
    // stately + singletonKey (the order): bursts for one order coalesce into one queued re-fetch.
    // A batch of 20 re-fetches of ~300 points each can wait on the rate limit (Standard plan:
    // 100 points/s), about a minute at worst.
    options: { policy: "stately", retryLimit: 6, retryDelay: 2, retryBackoff: true, expireInSeconds: 120 },
    payload: z.object({ shopDomain: z.string(), shopifyId: z.string(), reason: z.string() }),
  }),
  backfill: define({
    name: "backfill.process",
    // stately per shop: at most one step queued and one running, whoever sends it (install,
    // the bulk_operations/finish webhook, the step itself, the sweep). A step is bounded: an
    // import slice stops after BACKFILL_SLICE_MS (app/backfill/run-backfill.server.ts).
    options: { policy: "stately", retryLimit: 10, retryDelay: 5, retryBackoff: true, expireInSeconds: 90 },
    payload: z.object({ shopDomain: z.string() }),
    singletonKey: ({ shopDomain }) => shopDomain,
  }),
  reconcile: define({
    name: "orders.reconcile",
    // Every installed shop's reconciliation (a few Shopify pages each): minutes for many shops.
    options: { policy: "singleton", retryLimit: 3, retryDelay: 30, expireInSeconds: 15 * 60 },
    payload: z.object({ shopDomain: z.string().optional() }),
  }),
  runResume: define({
    name: "runs.resume",
    // Singleton: the minute's schedule and a worker's start-up coalesce into one sweep. Each
    // resumed run re-fetches its order and calls Shopify once or twice: minutes for many.
    options: { policy: "singleton", retryLimit: 2, retryDelay: 10, expireInSeconds: 10 * 60 },
    payload: z.object({}),
  }),
} as const;

export type QueueKey = keyof typeof QUEUES;
export type Payload<K extends QueueKey> = z.infer<(typeof QUEUES)[K]["payload"]>;
export const QUEUE_NAMES: readonly string[] = Object.values(QUEUES).map((queue) => queue.name);
