/**
 * The crash suite, ingestion part (issue 12, docs/decisions/0016): the real app as a child
 * process (boot, migrations, Remix, pg-boss worker) against a sandbox in this process, killed
 * with SIGKILL at the worst moments and started again on the same port, so Shopify's webhooks
 * keep going to the same URL as they would in production.
 *   (a) mid-webhook-burst, while the worker holds jobs: every acknowledged delivery is in the
 *       inbox and all of them are processed within 60 s of the restart;
 *   (b) mid-backfill import: the import resumes by itself from its checkpoint, on the same bulk
 *       operation, and every order is stored exactly once.
 * Needs the Remix build (`npm run build`).
 */
import { createReadStream } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assembleOrders } from "../../app/backfill/jsonl-orders";
import prisma from "../../app/db.server";
import { buildSnapshot } from "../../app/orders/build-snapshot";
import { ZOrderContext } from "../../app/orders/schema";
import { SANDBOX_API_KEY, SANDBOX_API_SECRET, SANDBOX_SCOPES } from "../../sandbox/config";
import { startSandboxServer, type SandboxServer } from "../../sandbox/server";
import { SandboxStore } from "../../sandbox/store/store";
import { orderPayload } from "../../sandbox/webhook-payloads";
import { freePort } from "../../server/embedded-postgres";
import { startAppProcess, type AppProcess } from "../helpers/app-process";
import { sessionToken } from "../helpers/shopify";
import { poll } from "../helpers/poll";

const HOOKS = "burst.myshopify.com";
const BIG = "big-import.myshopify.com";
const BIG_ORDERS = 300;
const BURST = 400;
const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

let sandbox: SandboxServer;
let app: AppProcess;
let port: number;

beforeAll(async () => {
  const store = new SandboxStore();
  store.seedShop({ domain: HOOKS, name: "Burst", orderCount: 20, seed: 31 });
  store.seedShop({ domain: BIG, name: "Big import", orderCount: BIG_ORDERS, seed: 32 });
  port = await freePort();
  sandbox = await startSandboxServer({ store, apiKey: SANDBOX_API_KEY, apiSecret: SANDBOX_API_SECRET, appUrl: `http://127.0.0.1:${port}`, scopes: SANDBOX_SCOPES });
  app = await startAppProcess({ sandboxUrl: sandbox.url, port });
}, 120_000);

afterAll(async () => {
  await app?.stop();
  await sandbox?.close();
});

/** What the admin does when staff open the app: a document request with a fresh session token. */
async function openApp(shop: string): Promise<number> {
  const url = new URL("/app", app.url);
  url.searchParams.set("embedded", "1");
  url.searchParams.set("shop", shop);
  url.searchParams.set("host", Buffer.from(`admin.shopify.com/store/${shop.split(".")[0]}`).toString("base64url"));
  url.searchParams.set("id_token", sessionToken(shop));
  // The library answers what it takes for a bot (Node's own user agent) with 410 Gone.
  const response = await fetch(url, { headers: { "User-Agent": BROWSER_UA } });
  await response.arrayBuffer();
  return response.status;
}

async function shopId(domain: string): Promise<string> {
  return (await prisma.shop.findUniqueOrThrow({ where: { domain } })).id;
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs: number, everyMs = 100): Promise<T> {
  const value = await poll(probe, timeoutMs, everyMs);
  if (value) return value;
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n--- app output ---\n${app.output().slice(-4000)}`);
}

const activeJobs = (queue: string) =>
  prisma.$queryRaw<Array<{ id: string }>>`SELECT id::text AS id FROM pgboss.job WHERE name = ${queue} AND state = 'active'`;

async function backfillCompleted(domain: string) {
  const state = await prisma.ingestionState.findUnique({ where: { shopId: await shopId(domain) } });
  return state?.backfillStatus === "completed" ? state : null;
}

/** Restarts the app on the same port (Shopify keeps sending to the same URL). */
async function restart(): Promise<void> {
  app = await startAppProcess({ sandboxUrl: sandbox.url, port });
}

describe("crash during ingestion (SIGKILL, restart on the same port)", () => {
  it("(a) mid-webhook-burst: no acknowledged delivery is lost, and all are processed within 60 s of the restart", async () => {
    expect(await openApp(HOOKS)).toBe(200);
    await until("the first shop's import", () => backfillCompleted(HOOKS), 60_000);
    const orders = sandbox.store.orders(HOOKS);

    const acknowledged: string[] = [];
    const refused: string[] = [];
    let killed = false;
    let sent = 0;
    const sender = async () => {
      while (!killed && sent < BURST) {
        const i = sent++;
        const webhookId = `burst-${i}`;
        const order = orders[i % orders.length];
        try {
          const answer = await sandbox.sendWebhook({ topic: "orders/updated", shop: HOOKS, payload: orderPayload(sandbox.store, HOOKS, order), webhookId });
          (answer.status >= 200 && answer.status < 300 ? acknowledged : refused).push(webhookId);
        } catch {
          refused.push(webhookId); // the connection died with the process: Shopify would retry it
        }
      }
    };
    const burst = Promise.all(Array.from({ length: 8 }, sender));
    // The worst moment: the burst is under way and the worker holds webhook jobs.
    const held = await until("the worker to hold webhook jobs mid-burst", async () => {
      if (acknowledged.length < 150) return null;
      const active = await activeJobs("webhook.process");
      return active.length > 0 ? active : null;
    }, 30_000, 5);
    await app.kill();
    killed = true;
    const killedAt = Date.now();
    await burst;
    const heldAtKill = (await activeJobs("webhook.process")).length + (await activeJobs("order.ingest")).length;

    const restartBegan = Date.now();
    await restart();
    const ids = [...acknowledged];
    const unprocessed = () => prisma.webhookDelivery.count({ where: { shopDomain: HOOKS, webhookId: { in: ids }, status: { not: "processed" } } });
    const processedAt = await poll(async () => ((await unprocessed()) === 0 ? Date.now() : null), 75_000, 250);

    const stored = await prisma.webhookDelivery.findMany({ where: { shopDomain: HOOKS, webhookId: { startsWith: "burst-" } }, select: { webhookId: true, status: true } });
    const storedIds = new Set(stored.map((row) => row.webhookId));
    const figures = {
      sent: acknowledged.length + refused.length,
      acknowledged: acknowledged.length,
      lost: acknowledged.filter((id) => !storedIds.has(id)).length,
      jobsHeldAtKill: Math.max(held.length, heldAtKill),
      acknowledgedUnprocessed75sAfterRestart: processedAt ? 0 : await unprocessed(),
      // From the moment the new process was spawned (its boot included).
      secondsFromRestartToAllProcessed: processedAt ? (processedAt - restartBegan) / 1000 : null,
      secondsFromKillToAllProcessed: processedAt ? (processedAt - killedAt) / 1000 : null,
    };
    console.info("crash-ingestion (a)", JSON.stringify(figures));
    expect(figures.acknowledged).toBeGreaterThanOrEqual(150);
    expect(figures.lost).toBe(0);
    expect(figures.jobsHeldAtKill).toBeGreaterThan(0);
    expect(figures.acknowledgedUnprocessed75sAfterRestart).toBe(0);
    expect(figures.secondsFromRestartToAllProcessed).toBeLessThanOrEqual(60);
    // Deliveries stored but never acknowledged (the process died before answering) are
    // processed too: nothing in the inbox stays behind.
    await until("the rest of the inbox", async () => {
      const left = await prisma.webhookDelivery.count({ where: { shopDomain: HOOKS, status: { not: "processed" } } });
      return left === 0;
    }, 60_000, 250);
    // No job the dead process held is still active.
    const stillActive = await prisma.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM pgboss.job WHERE state = 'active' AND name IN ('webhook.process', 'order.ingest') AND started_on < now() - interval '30 seconds'`;
    expect(stillActive[0].n).toBe(0);
    // A re-run delivery applied nothing twice: no order has two snapshots of the same content.
    const snapshots = await prisma.orderSnapshot.findMany({ where: { shopId: await shopId(HOOKS) }, select: { orderId: true, contentHash: true } });
    expect(new Set(snapshots.map((s) => `${s.orderId}:${s.contentHash}`)).size).toBe(snapshots.length);
  }, 180_000);

  it("(b) mid-backfill: the import resumes by itself and stores every order exactly once", async () => {
    expect(await openApp(BIG)).toBe(200);
    const id = await shopId(BIG);
    const before = await until("the import to be past its first checkpoint", async () => {
      const state = await prisma.ingestionState.findUnique({ where: { shopId: id } });
      return state?.backfillStatus === "importing" && state.backfillOrdersDone >= 100 && state.backfillOrdersDone < BIG_ORDERS - 100 ? state : null;
    }, 90_000, 20);
    await app.kill();
    const storedAtKill = await prisma.order.count({ where: { shopId: id } });

    const restartBegan = Date.now();
    await restart();
    const done = await until("the import to complete after the restart", () => backfillCompleted(BIG), 90_000, 250);
    const figures = {
      ordersCheckpointedAtKill: before.backfillOrdersDone,
      ordersStoredAtKill: storedAtKill,
      secondsFromRestartToCompleted: (Date.now() - restartBegan) / 1000,
      bulkOperations: sandbox.adminApi.bulk.list(BIG).length,
    };
    console.info("crash-ingestion (b)", JSON.stringify(figures));
    expect(storedAtKill).toBeLessThan(BIG_ORDERS);
    // Resumed, not restarted: the same bulk operation, the count continued from the checkpoint.
    expect(figures.bulkOperations).toBe(1);
    expect(done.bulkOperationId).toBe(before.bulkOperationId);
    expect(done.backfillOrdersDone).toBe(BIG_ORDERS);

    // Every order once, each with one snapshot and exactly the timeline a clean import writes.
    const expected = new Map<string, number>();
    const path = sandbox.adminApi.bulk.resultPath(done.bulkOperationId!);
    for await (const { order } of assembleOrders(createReadStream(path!))) {
      const parsed = ZOrderContext.parse({ ...order, events: { nodes: [] } });
      expected.set(parsed.id, buildSnapshot(parsed).events.length);
    }
    expect(expected.size).toBe(BIG_ORDERS);
    const rows = await prisma.order.findMany({ where: { shopId: id }, select: { id: true, shopifyId: true, snapshotVersion: true } });
    expect(rows.map((row) => row.shopifyId).sort()).toEqual([...expected.keys()].sort());
    expect(rows.every((row) => row.snapshotVersion === 1)).toBe(true);
    expect(await prisma.orderSnapshot.count({ where: { shopId: id } })).toBe(BIG_ORDERS);
    const events = await prisma.orderTimelineEvent.groupBy({ by: ["orderId"], where: { shopId: id }, _count: { _all: true } });
    const eventsByOrder = new Map(events.map((group) => [group.orderId, group._count._all]));
    const mismatched = rows.filter((row) => (eventsByOrder.get(row.id) ?? 0) !== expected.get(row.shopifyId));
    expect(mismatched).toEqual([]);
  }, 180_000);
});
