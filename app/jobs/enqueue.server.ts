import type PgBoss from "pg-boss";
import { getBoss } from "./boss.server";
import { QUEUES, type Payload, type QueueKey } from "./queues";

/** Sends a job after validating its payload against the queue's schema. */
export async function enqueue<K extends QueueKey>(key: K, payload: Payload<K>, options: PgBoss.SendOptions = {}): Promise<string | null> {
  const queue = QUEUES[key];
  const data = queue.payload.parse(payload) as object;
  const boss = await getBoss();
  return boss.send(queue.name, data, options);
}
