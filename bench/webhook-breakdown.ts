/**
 * Supporting measurement for bench/webhook-intake.ts: where one webhook acknowledgement's CPU
 * goes, without HTTP, Express or Remix in the way. In this process, sequentially, on a fresh
 * database on the real server:
 *   - recordDelivery (the inbox insert + read-back) with the sandbox's real orders/updated
 *     payload, and with a tiny payload (same queries, ~100 bytes of JSON);
 *   - recordDelivery + enqueue("webhook") (the pg-boss send);
 *   - the route's action itself (authenticate.webhook's HMAC check + the above) called with a
 *     signed Request, as the tests do;
 *   - what-ifs, not app code: the same inbox INSERT as one raw statement through Prisma, and
 *     through a plain pg client (the payload as one parameter).
 *
 *   npx tsx bench/webhook-breakdown.ts [--ops 300]
 */
import pg from "pg";
import { SANDBOX_API_SECRET, SANDBOX_SHOP } from "../sandbox/config";
import { SandboxStore } from "../sandbox/store/store";
import { orderPayload } from "../sandbox/webhook-payloads";
import { buildWebhookRequest } from "../sandbox/webhooks";
import { migrateDeploy } from "../server/migrate";
import { createBenchDatabase, machineInfo, numberArg, onCleanup, printGrid, round, runBench, saveResult, setAppEnv } from "./lib/common";

interface Step {
  step: string;
  ops: number;
  wallMsPerOp: number;
  nodeCpuMsPerOp: number;
}

async function main(): Promise<void> {
  const ops = numberArg("ops", 300, 10, 100_000);
  const machine = await machineInfo();
  const database = await createBenchDatabase("whbreakdown");
  onCleanup(() => database.drop());
  await migrateDeploy(database.url);
  await setAppEnv(database.url);

  const { default: prisma } = await import("../app/db.server");
  onCleanup(() => prisma.$disconnect());
  const { recordDelivery } = await import("../app/webhooks/record-delivery.server");
  const { enqueue } = await import("../app/jobs/enqueue.server");
  const { stopBoss } = await import("../app/jobs/boss.server");
  onCleanup(() => stopBoss());
  const { action } = await import("../app/routes/webhooks.$");

  const store = new SandboxStore();
  store.seedShop({ domain: SANDBOX_SHOP, orderCount: 20, seed: 42, now: new Date() });
  const payload = orderPayload(store, SANDBOX_SHOP, store.orders(SANDBOX_SHOP)[0]);
  const tiny = { id: 1, admin_graphql_api_id: "gid://shopify/Order/1" };
  const payloadBytes = Buffer.byteLength(JSON.stringify(payload));

  const steps: Step[] = [];
  const measure = async (step: string, op: (i: number) => Promise<void>, count = ops, record = true) => {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < count; i++) await op(i);
    const cpu = process.cpuUsage(cpuBefore);
    const result = { step, ops: count, wallMsPerOp: round((performance.now() - started) / count, 2), nodeCpuMsPerOp: round((cpu.user + cpu.system) / 1000 / count, 2) };
    if (record) steps.push(result);
    return result;
  };
  const delivery = (webhookId: string, body: unknown) => ({ shopDomain: SANDBOX_SHOP, webhookId, eventId: null, topic: "orders/updated", triggeredAt: new Date(), apiVersion: "2026-10", payload: body });

  // Warm-up of every path measured below: module compilation, the pool, Prisma's WASM
  // compiler, pg-boss start, the JIT.
  const url = "http://127.0.0.1:3999/webhooks/shopify";
  await measure("warm-up", async (i) => {
    const row = await recordDelivery(delivery(`warm-${i}`, i % 2 ? payload : tiny));
    await enqueue("webhook", { deliveryId: row.id });
    const request = buildWebhookRequest(url, { topic: "orders/updated", shop: SANDBOX_SHOP, payload, webhookId: `warm-route-${i}` }, SANDBOX_API_SECRET);
    await action({ request, params: {}, context: {} });
  }, 150, false);
  await measure(`recordDelivery, real payload (${payloadBytes} B)`, async (i) => {
    await recordDelivery(delivery(`real-${i}`, payload));
  });
  await measure("recordDelivery, tiny payload (~60 B)", async (i) => {
    await recordDelivery(delivery(`tiny-${i}`, tiny));
  });
  await measure("recordDelivery + enqueue (pg-boss send)", async (i) => {
    const row = await recordDelivery(delivery(`enq-${i}`, payload));
    await enqueue("webhook", { deliveryId: row.id });
  });
  await measure("route action: authenticate.webhook + record + enqueue", async (i) => {
    const request = buildWebhookRequest(url, { topic: "orders/updated", shop: SANDBOX_SHOP, payload, webhookId: `route-${i}` }, SANDBOX_API_SECRET);
    const response = await action({ request, params: {}, context: {} });
    if (response.status !== 200) throw new Error(`the action answered ${response.status}`);
  });

  // What-ifs (not app code): the same inbox row written without Prisma's query compiler
  // handling the payload: a raw statement through Prisma, and a plain pg client.
  const { randomUUID } = await import("node:crypto");
  const insert =
    'INSERT INTO "WebhookDelivery" (id, "shopDomain", "webhookId", topic, "triggeredAt", "apiVersion", payload) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) ON CONFLICT ("shopDomain", "webhookId") DO NOTHING';
  await measure("what-if: same INSERT via prisma.$executeRawUnsafe", async (i) => {
    await prisma.$executeRawUnsafe(insert, randomUUID(), SANDBOX_SHOP, `raw-${i}`, "orders/updated", new Date(), "2026-10", JSON.stringify(payload));
  });
  const plain = new pg.Client({ connectionString: database.url });
  await plain.connect();
  onCleanup(() => plain.end().catch(() => undefined));
  await measure("what-if: same INSERT via a plain pg client", async (i) => {
    await plain.query(insert, [randomUUID(), SANDBOX_SHOP, `pg-${i}`, "orders/updated", new Date(), "2026-10", JSON.stringify(payload)]);
  });

  printGrid(`Webhook acknowledgement, piece by piece (${ops} sequential ops each, no HTTP)`, ["step", "wall ms/op", "node CPU ms/op"], steps.map((step) => [step.step, step.wallMsPerOp, step.nodeCpuMsPerOp]));
  const path = saveResult("webhook-breakdown", { at: new Date().toISOString(), machine, loadAverageAfter: (await machineInfo()).loadAverage, payloadBytes, steps });
  console.log(`\nsaved to ${path}`);
}

runBench(main);
