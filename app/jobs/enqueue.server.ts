import type PgBoss from "pg-boss";
import { getBoss } from "./boss.server";
import { QUEUES, type Payload, type QueueKey } from "./queues";

/**
 * Sends a job after validating its payload against the queue's schema. A queue that defines
 * its singleton key or job id (queues.ts) gets them on every send, whoever the caller is, so
 * no sender can start a second chain of the same work by forgetting the key.
 * Returns null when pg-boss coalesced the job into one that already exists.
 */
export async function enqueue<K extends QueueKey>(key: K, payload: Payload<K>, options: PgBoss.SendOptions = {}): Promise<string | null> {
  const queue = QUEUES[key];
  const data = queue.payload.parse(payload) as Payload<K>;
  const derived: PgBoss.SendOptions = {};
  if ("singletonKey" in queue && queue.singletonKey) derived.singletonKey = (queue.singletonKey as (payload: Payload<K>) => string)(data);
  if ("jobId" in queue && queue.jobId) derived.id = (queue.jobId as (payload: Payload<K>) => string)(data);
  const boss = await getBoss();
  return boss.send(queue.name, data as object, { ...options, ...derived });
}
