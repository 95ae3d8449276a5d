/**
 * Webhooks end to end on the real route, inbox, pg-boss worker and sandbox Admin API:
 * signed deliveries in, canonical orders re-fetched through GraphQL, stored once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SHOP_A, SHOP_B, startTestSandbox } from "../../tests/helpers/sandbox";
import { adminDocumentRequest, call, webhookRequest } from "../../tests/helpers/shopify";
import prisma from "../db.server";
import { stopBoss } from "../jobs/boss.server";
import { startWorker } from "../jobs/worker.server";
import { loader as homeLoader } from "../routes/app._index";
import { action as webhookAction } from "../routes/webhooks.$";
import { adminClient } from "../shopify/admin-client.server";
import { offlineClient } from "../shopify/offline-client.server";

const sandbox = await startTestSandbox();
const ingestCalls: string[] = [];
/** Order GID -> how many fetches of it fail before one succeeds. */
const failuresToInject = new Map<string, number>();

beforeAll(async () => {
  for (const shop of [SHOP_A, SHOP_B]) await call(() => homeLoader({ request: adminDocumentRequest("/app", { shop }), params: {}, context: {} }));
  await startWorker({
    // The real offline client, counted, with injectable failures (a worker dying mid-job).
    clientFor: async (shop) => {
      await offlineClient(shop); // the real path: loads (and refreshes) the offline session
      return adminClient({
        shop,
        graphql: async (query, options) => {
          if (query.includes("query OrderContext")) {
            const id = String(options?.variables?.id);
            ingestCalls.push(id);
            const remaining = failuresToInject.get(id) ?? 0;
            if (remaining > 0) {
              failuresToInject.set(id, remaining - 1);
              throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
            }
          }
          return rawGraphql(query, options);
        },
        maxAttempts: 1,
      });
    },
  });
}, 60_000);

afterAll(() => stopBoss());

/** The offline session's transport, as the library sends it (the fetch redirect reaches the sandbox). */
async function rawGraphql(query: string, options?: { variables?: Record<string, unknown> }) {
  const session = await prisma.session.findFirstOrThrow({ where: { shop: SHOP_A, isOnline: false } });
  return fetch(`https://${SHOP_A}/admin/api/2026-10/graphql.json`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Shopify-Access-Token": session.accessToken },
    body: JSON.stringify({ query, variables: options?.variables }),
  });
}

function orderPayload(gid: string) {
  const numeric = gid.split("/").pop()!;
  return { id: Number(numeric), admin_graphql_api_id: gid, name: "#x", updated_at: new Date().toISOString() };
}

async function deliver(topic: string, payload: unknown, webhookId: string, secret?: string) {
  return call(() => webhookAction({ request: webhookRequest("/webhooks/shopify", { topic, shop: SHOP_A, payload, webhookId }, secret), params: { "*": "shopify" }, context: {} }));
}

async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const gids = () => sandbox.store.orders(SHOP_A).map((order) => order.id as string);

describe("webhook intake and ingestion", () => {
  it("refuses a forged HMAC with 401 and stores nothing", async () => {
    const result = await deliver("orders/updated", orderPayload(gids()[0]), "forged-1", "not-the-secret");
    expect(result.status).toBe(401);
    expect(await prisma.webhookDelivery.count({ where: { webhookId: "forged-1" } })).toBe(0);
  });

  it("stores a delivery before acknowledging it, then the job ingests the canonical order", async () => {
    const gid = gids()[0];
    const result = await deliver("orders/updated", orderPayload(gid), "wh-create-1");
    expect(result.status).toBe(200);
    const stored = await prisma.webhookDelivery.findFirstOrThrow({ where: { webhookId: "wh-create-1" } });
    expect(stored).toMatchObject({ topic: "orders/updated", shopDomain: SHOP_A });
    expect(stored.eventId).toBeTruthy();
    const order = await waitFor(() => prisma.order.findFirst({ where: { shopifyId: gid } }));
    expect(order.snapshotVersion).toBe(1);
    await waitFor(async () => (await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: stored.id } })).status === "processed");
  });

  it("processes the same delivery sent 5 times once", async () => {
    const gid = gids()[1];
    const before = ingestCalls.length;
    for (let i = 0; i < 5; i++) expect((await deliver("orders/paid", orderPayload(gid), "wh-dup-1")).status).toBe(200);
    expect(await prisma.webhookDelivery.count({ where: { webhookId: "wh-dup-1" } })).toBe(1);
    await waitFor(() => prisma.order.findFirst({ where: { shopifyId: gid } }));
    const delivery = await waitFor(async () => {
      const row = await prisma.webhookDelivery.findFirstOrThrow({ where: { webhookId: "wh-dup-1" } });
      return row.status === "processed" ? row : null;
    });
    expect(delivery.attempts).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(ingestCalls.slice(before).filter((id) => id === gid)).toHaveLength(1);
  });

  it("an older orders/updated after a newer one changes nothing", async () => {
    const gid = gids()[2];
    await deliver("orders/updated", orderPayload(gid), "wh-new-1");
    const first = await waitFor(() => prisma.order.findFirst({ where: { shopifyId: gid } }));
    // The stale delivery (older triggered-at) is only a trigger: the job re-fetches the current
    // order, which matches what we hold, so no new version and no new events.
    const events = await prisma.orderTimelineEvent.count({ where: { orderId: first.id } });
    await deliver("orders/updated", { ...orderPayload(gid), updated_at: "2020-01-01T00:00:00Z" }, "wh-old-1");
    await waitFor(async () => (await prisma.webhookDelivery.findFirstOrThrow({ where: { webhookId: "wh-old-1" } })).status === "processed");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const after = await prisma.order.findFirstOrThrow({ where: { shopifyId: gid } });
    expect(after.snapshotVersion).toBe(first.snapshotVersion);
    expect(after.shopifyUpdatedAt).toEqual(first.shopifyUpdatedAt);
    expect(await prisma.orderTimelineEvent.count({ where: { orderId: first.id } })).toBe(events);
  });

  it("a job that dies mid-way is retried: nothing is lost", async () => {
    const gid = gids()[3];
    failuresToInject.set(gid, 1);
    await deliver("orders/updated", orderPayload(gid), "wh-crash-1");
    const order = await waitFor(() => prisma.order.findFirst({ where: { shopifyId: gid } }), 30_000);
    expect(order.snapshotVersion).toBe(1);
    expect(ingestCalls.filter((id) => id === gid).length).toBeGreaterThanOrEqual(2);
  }, 40_000);

  it("a failing job in a worker batch is retried alone; its batch-mates complete once", async () => {
    // Workers fetch jobs in batches (app/jobs/worker.server.ts): a burst for eight orders lands
    // in one or two batches, and one of the orders fails its first fetch.
    const burst = gids().slice(10, 18);
    failuresToInject.set(burst[3], 1);
    const before = ingestCalls.length;
    await Promise.all(burst.map((gid, i) => deliver("orders/updated", orderPayload(gid), `wh-batch-${i}`)));
    await waitFor(async () => (await prisma.order.count({ where: { shopifyId: { in: burst } } })) === burst.length, 30_000);
    const calls = ingestCalls.slice(before);
    for (const gid of burst) {
      if (gid === burst[3]) expect(calls.filter((id) => id === gid).length).toBeGreaterThanOrEqual(2);
      else expect(calls.filter((id) => id === gid)).toEqual([gid]);
    }
  }, 40_000);

  it("coalesces a burst of deliveries for one order", async () => {
    const gid = gids()[4];
    const before = ingestCalls.length;
    await Promise.all(Array.from({ length: 10 }, (_, i) => deliver("orders/updated", orderPayload(gid), `wh-burst-${i}`)));
    await waitFor(async () => (await prisma.webhookDelivery.count({ where: { webhookId: { startsWith: "wh-burst-" }, status: "processed" } })) === 10);
    await waitFor(() => prisma.order.findFirst({ where: { shopifyId: gid } }));
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const fetches = ingestCalls.slice(before).filter((id) => id === gid).length;
    expect(fetches).toBeGreaterThanOrEqual(1);
    expect(fetches).toBeLessThan(10);
  }, 40_000);
});
