/**
 * The inbox sweep: a delivery stored and acknowledged whose job was lost is sent again, one
 * whose job failed for good is retried after a cool-off, and nothing ever gets a second job.
 * Deliveries come in through the real webhook route; pg-boss is real.
 */
import { afterAll, describe, expect, it } from "vitest";
import { startTestSandbox } from "../../tests/helpers/sandbox";
import { adminDocumentRequest, call, webhookRequest } from "../../tests/helpers/shopify";
import prisma from "../db.server";
import { stopBoss } from "../jobs/boss.server";
import { derivedJobId, QUEUES } from "../jobs/queues";
import { requeueDeliveries } from "../jobs/recover.server";
import { startWorker } from "../jobs/worker.server";
import { loader as homeLoader } from "../routes/app._index";
import { action as webhookAction } from "../routes/webhooks.$";

const SHOP = "inbox.myshopify.com";
const sandbox = await startTestSandbox({ shops: [{ domain: SHOP, orderCount: 5, seed: 41 }] });
afterAll(() => stopBoss());

const QUEUE = QUEUES.webhook.name;
const jobOf = async (deliveryId: string) => {
  const rows = await prisma.$queryRaw<Array<{ state: string }>>`SELECT state::text AS state FROM pgboss.job WHERE name = ${QUEUE} AND id = ${derivedJobId(QUEUE, deliveryId)}::uuid`;
  return rows.map((row) => row.state);
};

async function deliver(webhookId: string) {
  const order = sandbox.store.orders(SHOP)[0];
  const payload = { id: Number(String(order.id).split("/").pop()), admin_graphql_api_id: order.id, updated_at: new Date().toISOString() };
  const response = await call(() => webhookAction({ request: webhookRequest("/webhooks/shopify", { topic: "orders/updated", shop: SHOP, payload, webhookId }), params: { "*": "shopify" }, context: {} }));
  expect(response.status).toBe(200);
  return prisma.webhookDelivery.findUniqueOrThrow({ where: { shopDomain_webhookId: { shopDomain: SHOP, webhookId } } });
}

describe("the webhook inbox sweep", () => {
  it("re-sends stranded deliveries once, retries a failed one after its cool-off, leaves fresh and healthy ones alone", async () => {
    expect((await call(() => homeLoader({ request: adminDocumentRequest("/app", { shop: SHOP }), params: {}, context: {} }))).status).toBe(200);
    const lost = await deliver("lost");
    const failed = await deliver("failed-for-good");
    const failedRecently = await deliver("failed-recently");
    const fresh = await deliver("fresh");
    const queued = await deliver("queued");
    // Every acknowledged delivery got exactly its own job from the route.
    for (const delivery of [lost, failed, failedRecently, fresh, queued]) expect(await jobOf(delivery.id)).toEqual(["created"]);

    // As a crash between storing and sending leaves it: the job is gone.
    for (const delivery of [lost, fresh]) await prisma.$executeRaw`DELETE FROM pgboss.job WHERE name = ${QUEUE} AND id = ${derivedJobId(QUEUE, delivery.id)}::uuid`;
    // Jobs that ran out of retries, an hour ago and a minute ago.
    await prisma.$executeRaw`UPDATE pgboss.job SET state = 'failed', completed_on = now() - interval '1 hour' WHERE name = ${QUEUE} AND id = ${derivedJobId(QUEUE, failed.id)}::uuid`;
    await prisma.$executeRaw`UPDATE pgboss.job SET state = 'failed', completed_on = now() - interval '1 minute' WHERE name = ${QUEUE} AND id = ${derivedJobId(QUEUE, failedRecently.id)}::uuid`;
    // All but the fresh one were stored a minute ago.
    await prisma.webhookDelivery.updateMany({ where: { id: { in: [lost.id, failed.id, failedRecently.id, queued.id] } }, data: { receivedAt: new Date(Date.now() - 60_000) } });

    expect(await requeueDeliveries()).toEqual({ requeued: 1, retried: 1 });
    expect(await jobOf(lost.id)).toEqual(["created"]);
    expect(await jobOf(failed.id)).toEqual(["retry"]);
    expect(await jobOf(failedRecently.id)).toEqual(["failed"]);
    expect(await jobOf(fresh.id)).toEqual([]); // its route is about to send it
    expect(await jobOf(queued.id)).toEqual(["created"]);
    // Again: nothing more to do, and the route sending a duplicate delivery makes no second job.
    expect(await requeueDeliveries()).toEqual({ requeued: 0, retried: 0 });
    await deliver("queued");
    expect(await jobOf(queued.id)).toEqual(["created"]);

    await startWorker();
    const deadline = Date.now() + 20_000;
    const processed = () => prisma.webhookDelivery.count({ where: { id: { in: [lost.id, failed.id, queued.id] }, status: "processed" } });
    while ((await processed()) < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await processed()).toBe(3);
  }, 60_000);
});
