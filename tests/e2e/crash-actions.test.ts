/**
 * The worst moment for the app to die: Shopify has executed the mutation (refunded, cancelled,
 * opened a return...) and the app is SIGKILLed before it hears the answer, so nothing of the
 * outcome is written. Every action that changes Shopify is in flight at that instant, each on
 * its own order. After a restart, half of them are retried by the client with the same
 * Idempotency-Key (as a browser or an integration retries), the other half by nobody: the
 * sweeper must finish them by itself. Each must end succeeded, happened exactly once in Shopify
 * (the sandbox), in its original run, with no exception. docs/decisions/0011.
 */
import { randomUUID } from "node:crypto";
import type { Prisma } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { scopedDb } from "../../app/lib/tenancy.server";
import { ingestOrder } from "../../app/orders/ingest-order.server";
import { returnableItems } from "../../app/orders/returnable-items";
import type { SnapshotContent } from "../../app/orders/build-snapshot";
import { bumpPolicyVersion } from "../../app/policy/load-policy.server";
import { offlineClient } from "../../app/shopify/offline-client.server";
import { SANDBOX_API_KEY, SANDBOX_API_SECRET, SANDBOX_SCOPES } from "../../sandbox/config";
import { startSandboxServer, type SandboxServer } from "../../sandbox/server";
import { libraryReasonId } from "../../sandbox/store/return-reasons";
import { SandboxStore } from "../../sandbox/store/store";
import type { OrderArchetype } from "../../sandbox/store/generator";
import { bagMinor } from "../../sandbox/store/money";
import { freePort } from "../../server/embedded-postgres";
import { startAppProcess, type AppProcess } from "../helpers/app-process";
import { SHOP_A } from "../helpers/sandbox";
import { sessionToken } from "../helpers/shopify";

/** The mutation each action sends, as the sandbox sees it. */
const MUTATION: Record<string, string> = {
  process_refund: "RefundCreate",
  apply_discount: "DiscountCodeBasicCreate",
  initiate_return: "ReturnCreate",
  cancel_order: "OrderCancel",
  tag_order: "TagsAdd",
  add_order_note: "OrderNoteUpdate",
  send_tracking: "FulfillmentTrackingUpdate",
  update_address: "OrderAddressUpdate",
};
const BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";
const RETRIED_BY_CLIENT = ["process_refund", "apply_discount", "initiate_return", "cancel_order"];

let sandbox: SandboxServer;
let app: AppProcess;
let port: number;
let shopId: string;
/** Every execution of a watched mutation: its answer, as Shopify gave it. */
const executions: Array<{ operation: string; body: unknown }> = [];
let armed = false;
let killed: Promise<void> | null = null;
let arrived: (() => void) | null = null;

beforeAll(async () => {
  port = await freePort();
  const store = new SandboxStore();
  store.seedShop({ domain: SHOP_A, name: "Shop A", orderCount: 5, seed: 11 });
  sandbox = await startSandboxServer({
    store,
    apiKey: SANDBOX_API_KEY,
    apiSecret: SANDBOX_API_SECRET,
    appUrl: `http://127.0.0.1:${port}`,
    scopes: SANDBOX_SCOPES,
    async afterExecute({ operation }) {
      if (!operation || !Object.values(MUTATION).includes(operation) || !armed) return;
      executions.push({ operation, body: null });
      if (executions.length === Object.keys(MUTATION).length) arrived?.();
      // Shopify has acted; the app never gets this answer: it is killed first.
      await killed;
    },
  });
  process.env.SHOPIFY_SANDBOX_URL = sandbox.url;
  app = await startAppProcess({ sandboxUrl: sandbox.url, port });
  // The first load installs the app (token exchange, shop row, default policy, import).
  const install = await fetch(documentUrl("/app"), { headers: { "User-Agent": BROWSER } });
  expect(install.status).toBe(200);
  shopId = (await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_A } })).id;
  // Every action on, no confirmation: the requests execute at once.
  await scopedDb(shopId).$transaction(async (tx) => {
    for (const actionType of Object.keys(MUTATION)) {
      await tx.actionPermission.upsert({
        where: { shopId_actionType: { shopId, actionType } },
        // The scoped client adds shopId.
        create: { actionType, enabled: true, requiresConfirmation: false, approvalMode: "off" } as Prisma.ActionPermissionUncheckedCreateInput,
        update: { enabled: true, requiresConfirmation: false, approvalMode: "off" },
      });
    }
    await tx.actionLimit.deleteMany({});
    await bumpPolicyVersion(tx, shopId);
  });
}, 180_000);

afterAll(async () => {
  await app?.stop();
  await sandbox?.close();
});

function documentUrl(path: string) {
  const url = new URL(path, `http://127.0.0.1:${port}`);
  url.searchParams.set("embedded", "1");
  url.searchParams.set("shop", SHOP_A);
  url.searchParams.set("host", Buffer.from(`admin.shopify.com/store/${SHOP_A.split(".")[0]}`).toString("base64url"));
  url.searchParams.set("id_token", sessionToken(SHOP_A));
  return url;
}

function post(orderId: string, type: string, input: unknown, key: string) {
  return fetch(`http://127.0.0.1:${port}/app/action-center/orders/${orderId}/actions/${type}`, {
    method: "POST",
    // A browser's user agent: the Shopify library answers what it takes for a bot with 410.
    headers: { Authorization: `Bearer ${sessionToken(SHOP_A)}`, "Content-Type": "application/json", "Idempotency-Key": key, "User-Agent": BROWSER },
    body: JSON.stringify(input),
  });
}

async function newOrder(archetype: OrderArchetype, suits: (order: NonNullable<ReturnType<SandboxStore["getOrder"]>>) => boolean) {
  for (let attempt = 0; attempt < 30; attempt++) {
    const { order } = await sandbox.createOrder(SHOP_A, { archetype });
    if (!suits(order)) continue;
    await ingestOrder({ db: scopedDb(shopId), client: await offlineClient(SHOP_A), shopifyId: order.id as string });
    const row = await prisma.order.findFirstOrThrow({ where: { shopId, shopifyId: order.id as string } });
    const snapshot = await prisma.orderSnapshot.findFirstOrThrow({ where: { orderId: row.id }, orderBy: { version: "desc" } });
    return { id: row.id, shopifyId: order.id as string, snapshot: snapshot.content as unknown as SnapshotContent };
  }
  throw new Error(`no suitable ${archetype} order in 30 draws`);
}

const paid = (order: NonNullable<ReturnType<SandboxStore["getOrder"]>>) => Boolean(order.customer) && bagMinor(order.netPaymentSet) >= 3000;
const shipped = (order: NonNullable<ReturnType<SandboxStore["getOrder"]>>) =>
  order.fulfillments.some((f) => f.status === "SUCCESS" && f.fulfillmentLineItems.some((item) => item.quantity >= 1));

describe("SIGKILL between Shopify's answer and the outcome write", () => {
  it("each action that changes Shopify happens exactly once, and every run finishes after the restart", async () => {
    const orders = {
      process_refund: await newOrder("paid_unfulfilled", paid),
      apply_discount: await newOrder("paid_unfulfilled", paid),
      cancel_order: await newOrder("paid_unfulfilled", paid),
      tag_order: await newOrder("paid_unfulfilled", paid),
      add_order_note: await newOrder("paid_unfulfilled", paid),
      update_address: await newOrder("paid_unfulfilled", (order) => paid(order) && Boolean(order.shippingAddress)),
      initiate_return: await newOrder("paid_delivered", shipped),
      send_tracking: await newOrder("paid_delivered", shipped),
    };
    const [returnItem] = returnableItems(orders.initiate_return.snapshot).items;
    const fulfillment = orders.send_tracking.snapshot.fulfillments.find((f) => f.status === "SUCCESS")!;
    const code = `CRASH-${randomUUID().slice(0, 8)}`;
    const inputs: Record<keyof typeof orders, unknown> = {
      process_refund: { amount: "9.00" },
      apply_discount: { percentage: "10", code },
      cancel_order: { reason: "CUSTOMER" },
      tag_order: { tags: ["after-crash"] },
      add_order_note: { note: "Written just before the crash" },
      update_address: { firstName: "Ada", lastName: "Crash", address1: "1 Restart Road", city: "Berlin", zip: "10115", countryCode: "DE" },
      initiate_return: { lineItems: [{ fulfillmentLineItemId: returnItem!.fulfillmentLineItemId, quantity: 1 }], returnReasonDefinitionId: libraryReasonId("changed-my-mind") },
      send_tracking: { fulfillmentId: fulfillment.id, company: "DHL", number: "CRASH-0001" },
    };
    const keys = Object.fromEntries(Object.keys(orders).map((type) => [type, `crash-${type}-${randomUUID()}`])) as Record<keyof typeof orders, string>;
    const refundsBefore = sandbox.store.getOrder(SHOP_A, orders.cancel_order.shopifyId)!.refunds.length;

    // All eight in flight; the app dies once Shopify has executed every one of them.
    let kill!: () => void;
    killed = new Promise<void>((resolve) => (kill = resolve));
    const allArrived = new Promise<void>((resolve) => (arrived = resolve));
    armed = true;
    const requests = (Object.keys(orders) as Array<keyof typeof orders>).map((type) =>
      post(orders[type].id, type, inputs[type], keys[type]).then(
        async (r) => `${type} answered ${r.status}: ${await r.text()}`,
        (error: Error) => error,
      ),
    );
    const early = Promise.all(requests).then((outcomes) => outcomes.filter((o) => typeof o === "string"));
    await Promise.race([allArrived, early, new Promise((resolve) => setTimeout(resolve, 60_000))]);
    armed = false;
    // A request answered before the kill means it never reached Shopify: say which, and why.
    expect(await Promise.race([early, Promise.resolve([])])).toEqual([]);
    expect(executions.map((e) => e.operation).sort()).toEqual(Object.values(MUTATION).sort());
    await app.kill();
    kill();
    // No request got an answer: each connection died with the process.
    expect((await Promise.all(requests)).map((outcome) => (typeof outcome === "string" ? outcome : "no answer"))).toEqual(Array(8).fill("no answer"));
    const runs = Object.fromEntries(
      await Promise.all(Object.entries(orders).map(async ([type, order]) => [type, await prisma.run.findFirstOrThrow({ where: { shopId, orderId: order.id, type } })])),
    ) as Record<string, { id: string; status: string }>;
    for (const run of Object.values(runs)) expect(run.status).toBe("running");

    const restartedAt = Date.now();
    app = await startAppProcess({ sandboxUrl: sandbox.url, port });

    // Half are retried by the client with the same key until they get a definite answer.
    const answers = await Promise.all(
      RETRIED_BY_CLIENT.map(async (type) => {
        const t = type as keyof typeof orders;
        for (;;) {
          const response = await post(orders[t].id, t, inputs[t], keys[t]);
          if (response.status !== 409 || Date.now() - restartedAt > 90_000) return { type, status: response.status, body: await response.json(), replayed: response.headers.get("Idempotent-Replayed") };
          await new Promise((resolve) => setTimeout(resolve, 1000));
        }
      }),
    );
    for (const answer of answers) {
      expect(answer, answer.type).toMatchObject({ status: 200, replayed: "true", body: { run: { id: runs[answer.type]!.id, status: "succeeded" } } });
    }
    // The other half nobody retries: the sweeper resumes them within seconds of the restart.
    await expect
      .poll(async () => (await prisma.run.findMany({ where: { id: { in: Object.values(runs).map((r) => r.id) } }, select: { status: true } })).every((r) => r.status === "succeeded"), {
        timeout: 75_000,
        interval: 1000,
      })
      .toBe(true);
    const settledAfterMs = Date.now() - restartedAt;
    expect(settledAfterMs).toBeLessThan(75_000);

    // Exactly once in Shopify.
    const order = (type: keyof typeof orders) => sandbox.store.getOrder(SHOP_A, orders[type].shopifyId)!;
    expect(order("process_refund").refunds).toHaveLength(1);
    expect(order("initiate_return").returns).toHaveLength(1);
    expect(order("cancel_order").cancelledAt).toBeTruthy();
    expect(order("cancel_order").refunds).toHaveLength(refundsBefore + 1);
    expect(order("tag_order").tags.filter((tag) => tag === "after-crash")).toHaveLength(1);
    expect(order("add_order_note").note).toBe("Written just before the crash");
    expect(order("update_address").shippingAddress).toMatchObject({ address1: "1 Restart Road", city: "Berlin" });
    // One run per request, resumed once, no exception, no second lineage.
    for (const [type, run] of Object.entries(runs)) {
      expect(await prisma.run.count({ where: { shopId, orderId: orders[type as keyof typeof orders].id, type } }), type).toBe(1);
      expect(await prisma.auditLog.count({ where: { shopId, entityId: run.id, action: "action.resumed" } }), type).toBe(1);
      expect(await prisma.auditLog.count({ where: { shopId, entityId: run.id, action: "action.succeeded" } }), type).toBe(1);
    }
    expect(await prisma.actionException.count({ where: { shopId } })).toBe(0);
    // Every request's key holds its answer now: the clients that never retried get it on a retry.
    expect(await prisma.idempotencyKey.count({ where: { shopId, key: { in: Object.values(keys) }, state: "completed" } })).toBe(8);
    console.info(`crash-actions: all eight runs settled ${settledAfterMs} ms after the restart`);
  }, 240_000);
});
