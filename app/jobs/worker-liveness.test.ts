/**
 * Jobs a dead process held come back; jobs a live one holds are never taken; a graceful stop
 * hands back what it could not finish. Real pg-boss on the test database.
 */
import { spawn } from "node:child_process";
import { hostname } from "node:os";
import { afterAll, describe, expect, it } from "vitest";
import prisma from "../db.server";
import { getBoss, stopBoss } from "./boss.server";
import { enqueue } from "./enqueue.server";
import { QUEUES } from "./queues";
import { startWorker } from "./worker.server";
import { reclaimOrphanedJobs, registerWorker, WORKER_STALE_SECONDS } from "./worker-liveness.server";

afterAll(() => stopBoss());

const QUEUE = QUEUES.orderIngest.name;

const jobStates = async (ids: string[]) => {
  const rows = await prisma.$queryRaw<Array<{ id: string; state: string }>>`SELECT id::text AS id, state::text AS state FROM pgboss.job WHERE id = ANY(${ids}::uuid[])`;
  return ids.map((id) => rows.find((row) => row.id === id)?.state);
};

/** Jobs made active as a worker's fetch makes them (started_on = now()). */
async function activeJobs(count: number): Promise<string[]> {
  const boss = await getBoss();
  for (let i = 0; i < count; i++) await enqueue("orderIngest", { shopDomain: "x.myshopify.com", shopifyId: `gid://shopify/Order/${Date.now()}${i}`, reason: "test" }, { singletonKey: `k-${Date.now()}-${i}` });
  const jobs = await boss.fetch(QUEUE, { batchSize: count });
  expect(jobs).toHaveLength(count);
  return jobs.map((job) => job.id);
}

async function addWorker({ startedSecondsAgo, silentForSeconds, pid = 1, host = "other-host" }: { startedSecondsAgo: number; silentForSeconds: number; pid?: number; host?: string }) {
  const id = `w-${Math.random().toString(36).slice(2)}`;
  await prisma.$executeRaw`
    INSERT INTO "JobWorker" (id, pid, host, "startedAt", "heartbeatAt")
    VALUES (${id}, ${pid}, ${host}, (now() AT TIME ZONE 'UTC') - make_interval(secs => ${startedSecondsAgo}), (now() AT TIME ZONE 'UTC') - make_interval(secs => ${silentForSeconds}))`;
  return id;
}

const deadPid = () =>
  new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
    child.once("exit", () => resolve(child.pid!));
  });

describe("reclaiming the jobs of workers that are gone", () => {
  it("leaves a job alone while a worker that started before it is alive, and hands it back once no live worker can hold it", async () => {
    const boss = await getBoss();
    const live = await addWorker({ startedSecondsAgo: 60, silentForSeconds: 1 });
    const dead = await addWorker({ startedSecondsAgo: 120, silentForSeconds: 90 });
    const jobs = await activeJobs(3);
    // The live worker started before the jobs: they may be its own.
    expect(await reclaimOrphanedJobs({ boss })).toBe(0);
    expect(await jobStates(jobs)).toEqual(["active", "active", "active"]);

    // It stops beating: every live worker now started after these jobs became active.
    await prisma.$executeRaw`UPDATE "JobWorker" SET "heartbeatAt" = "heartbeatAt" - interval '1 minute' WHERE id = ${live}`;
    await addWorker({ startedSecondsAgo: 0, silentForSeconds: 0 });
    expect(await reclaimOrphanedJobs({ boss })).toBe(3);
    expect(await jobStates(jobs)).toEqual(["retry", "retry", "retry"]);
    // Handing back is idempotent: nothing is active any more.
    expect(await reclaimOrphanedJobs({ boss })).toBe(0);
    await prisma.jobWorker.deleteMany({ where: { id: { in: [live, dead] } } });
  });

  it("a worker starting on the same host takes its dead predecessor for gone at once, not after its heartbeat goes stale", async () => {
    const boss = await getBoss();
    await prisma.jobWorker.deleteMany();
    // The predecessor beat a second ago, but its process no longer exists.
    const predecessor = await addWorker({ startedSecondsAgo: 60, silentForSeconds: 1, host: hostname(), pid: await deadPid() });
    // A live process on this host (this one) is not taken for gone.
    const neighbour = await addWorker({ startedSecondsAgo: 90, silentForSeconds: 1, host: hostname(), pid: process.ppid });
    const jobs = await activeJobs(2);
    await registerWorker();
    const rows = await prisma.$queryRaw<Array<{ id: string; silent: boolean }>>`SELECT id, "heartbeatAt" < (now() AT TIME ZONE 'UTC') - make_interval(secs => ${WORKER_STALE_SECONDS}) AS silent FROM "JobWorker" WHERE id IN (${predecessor}, ${neighbour})`;
    expect(Object.fromEntries(rows.map((row) => [row.id === predecessor ? "predecessor" : "neighbour", row.silent]))).toEqual({ predecessor: true, neighbour: false });
    expect(await reclaimOrphanedJobs({ boss })).toBe(0); // the live neighbour started before them
    await prisma.jobWorker.delete({ where: { id: neighbour } });
    expect(await reclaimOrphanedJobs({ boss })).toBe(2);
    expect(await jobStates(jobs)).toEqual(["retry", "retry"]);
  });
});

describe("graceful stop (SIGTERM)", () => {
  it("stops fetching, fails back the jobs still running when the stop timeout ends, and drops the worker's heartbeat", async () => {
    await prisma.jobWorker.deleteMany();
    await prisma.shop.create({ data: { domain: "slow.myshopify.com" } });
    const deliveries = await Promise.all(
      [1, 2, 3].map((i) =>
        prisma.webhookDelivery.create({
          data: { shopDomain: "slow.myshopify.com", webhookId: `slow-${i}`, topic: "fulfillment_orders/placed_on_hold", payload: { fulfillment_order: { id: `gid://shopify/FulfillmentOrder/${i}` } } },
        }),
      ),
    );
    // Shopify never answers the lookup these deliveries need: their jobs cannot finish.
    await startWorker({ clientFor: async () => ({ request: () => new Promise<never>(() => undefined) }) });
    const jobIds = await Promise.all(deliveries.map((delivery) => enqueue("webhook", { deliveryId: delivery.id })));
    expect(jobIds.every(Boolean)).toBe(true);
    const deadline = Date.now() + 10_000;
    while ((await jobStates(jobIds as string[])).every((state) => state !== "active") && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await jobStates(jobIds as string[])).toContain("active");

    const started = Date.now();
    await stopBoss();
    expect(Date.now() - started).toBeLessThan(15_000);
    const states = await jobStates(jobIds as string[]);
    expect(states.filter((state) => state === "active")).toEqual([]);
    expect(states.every((state) => state === "retry" || state === "created")).toBe(true);
    expect(await prisma.jobWorker.count()).toBe(0);
    // Nothing was half-done: the deliveries are still waiting to be processed.
    expect(await prisma.webhookDelivery.count({ where: { webhookId: { startsWith: "slow-" }, status: "received" } })).toBe(3);
  }, 30_000);
});
