/**
 * What the action-catalog test files share: a sandbox with two shops installed through the
 * real Home loader, staff with known roles (Olivia owner 9001, Mia manager 9003, Sam agent
 * 9004), and real HTTP requests into the action, confirm/cancel, approval and retry routes.
 * Call it once at a test file's top level: it registers its own beforeAll/afterEach.
 */
import { randomUUID } from "node:crypto";
import type { Prisma } from "@prisma/client";
import type { ActionFunctionArgs } from "@remix-run/node";
import { afterEach, beforeAll, vi } from "vitest";
import prisma from "../../app/db.server";
import { scopedDb } from "../../app/lib/tenancy.server";
import type { SnapshotContent } from "../../app/orders/build-snapshot";
import { ingestOrder } from "../../app/orders/ingest-order.server";
import { bumpPolicyVersion } from "../../app/policy/load-policy.server";
import { loader as homeLoader } from "../../app/routes/app._index";
import { action as orderActionRoute } from "../../app/routes/app.action-center.orders.$id.actions.$type";
import { action as cancelRoute } from "../../app/routes/app.action-center.runs.$id.cancel";
import { action as confirmRoute } from "../../app/routes/app.action-center.runs.$id.confirm";
import { action as approveRoute } from "../../app/routes/app.approvals.$id.approve";
import { action as denyRoute } from "../../app/routes/app.approvals.$id.deny";
import { action as retryRoute } from "../../app/routes/app.exceptions.$id.retry";
import { offlineClient } from "../../app/shopify/offline-client.server";
import type { OrderArchetype } from "../../sandbox/store/generator";
import { bagMinor } from "../../sandbox/store/money";
import { SHOP_A, SHOP_B, startTestSandbox } from "./sandbox";
import { adminDocumentRequest, adminFetchRequest, call } from "./shopify";

export const OWNER = 9001;
export const MANAGER = 9003;
export const AGENT = 9004;

// Response bodies are dynamic JSON in these tests.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface PolicyRow {
  enabled: boolean;
  requiresConfirmation?: boolean;
  approvalMode?: string;
  approvalThreshold?: string | null;
  approvalExpiryHours?: number;
}

export interface LimitRow {
  limitType: string;
  value?: string;
  maxCount?: number;
  windowHours?: number;
  perActor?: boolean;
}

export async function actionTestKit() {
  const sandbox = await startTestSandbox();
  const ids = { shopA: "", shopB: "" };
  const db = () => scopedDb(ids.shopA);

  /** `key`: false sends none, a string sends that one (a client retrying), otherwise a fresh one. */
  function post(path: string, body: unknown, options: { userId?: number; shop?: string; key?: boolean | string } = {}) {
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    if (options.key !== false) headers["Idempotency-Key"] = typeof options.key === "string" ? options.key : `test-${randomUUID()}`;
    return adminFetchRequest(path, { shop: options.shop ?? SHOP_A, userId: options.userId ?? OWNER, method: "POST", headers, body: JSON.stringify(body) });
  }

  const route = (handler: (args: ActionFunctionArgs) => Promise<unknown>, path: string, id: string, body: unknown, options: { userId?: number; shop?: string } = {}) =>
    call<Json>(() => handler({ request: post(path, body, { ...options, key: false }), params: { id }, context: {} } as ActionFunctionArgs));

  /** Imports a sandbox order into our database (what the webhook or the backfill would do). */
  async function importOrder(shopifyId: string, shop = SHOP_A): Promise<string> {
    const id = shop === SHOP_A ? ids.shopA : ids.shopB;
    await ingestOrder({ db: scopedDb(id), client: await offlineClient(shop), shopifyId });
    return (await scopedDb(id).order.findFirstOrThrow({ where: { shopifyId } })).id;
  }

  /** A new order of an archetype, imported; `suits` rejects draws the test cannot use. */
  async function newOrder(archetype: OrderArchetype, suits: (order: ReturnType<typeof sandbox.store.getOrder> & object) => boolean = () => true) {
    for (let attempt = 0; attempt < 20; attempt++) {
      const { order } = await sandbox.createOrder(SHOP_A, { archetype });
      if (!suits(order)) continue;
      return { id: await importOrder(order.id as string), shopifyId: order.id as string };
    }
    throw new Error(`the sandbox placed no suitable ${archetype} order in 20 attempts`);
  }

  const kit = {
    sandbox,
    get shopId() {
      return ids.shopA;
    },
    get shopBId() {
      return ids.shopB;
    },
    db,
    post,
    importOrder,
    newOrder,
    runAction(orderId: string, type: string, input: unknown, options: { userId?: number; shop?: string; query?: string; key?: string } = {}) {
      const request = post(`/app/action-center/orders/${orderId}/actions/${type}${options.query ?? ""}`, input, options);
      return call<Json>(() => orderActionRoute({ request, params: { id: orderId, type }, context: {} } as ActionFunctionArgs));
    },
    confirm: (runId: string, userId = OWNER) => route(confirmRoute, `/app/action-center/runs/${runId}/confirm`, runId, {}, { userId }),
    cancel: (runId: string, userId = OWNER) => route(cancelRoute, `/app/action-center/runs/${runId}/cancel`, runId, {}, { userId }),
    approve: (id: string, userId: number, note?: string) => route(approveRoute, `/app/approvals/${id}/approve`, id, note ? { note } : {}, { userId }),
    deny: (id: string, userId: number, body: unknown) => route(denyRoute, `/app/approvals/${id}/deny`, id, body, { userId }),
    retry: (id: string) => call<Json>(() => retryRoute({ request: post(`/app/exceptions/${id}/retry`, {}), params: { id }, context: {} } as ActionFunctionArgs)),
    /**
     * A freshly placed, paid order with a customer and at least 30.00 to refund, imported. The
     * generator draws totals and guest checkouts at random: the tests need neither surprise.
     */
    newPaidOrder: () => newOrder("paid_unfulfilled", (order) => Boolean(order.customer) && bagMinor(order.netPaymentSet) >= 3000),
    sandboxOrder: (shopifyId: string) => sandbox.store.getOrder(SHOP_A, shopifyId)!,
    latestSnapshot: async (orderId: string) => (await db().orderSnapshot.findFirstOrThrow({ where: { orderId }, orderBy: { version: "desc" } })).content as unknown as SnapshotContent,
    /** The store policy for one action, as the settings page would save it. */
    async setPolicy(actionType: string, permission: PolicyRow, limits: LimitRow[] = []) {
      await db().$transaction(async (tx) => {
        const data = { requiresConfirmation: false, approvalMode: "off", approvalThreshold: null, approvalExpiryHours: 24, ...permission };
        await tx.actionPermission.upsert({ where: { shopId_actionType: { shopId: ids.shopA, actionType } }, create: { actionType, ...data } as Prisma.ActionPermissionUncheckedCreateInput, update: data });
        await tx.actionLimit.deleteMany({ where: { actionType } });
        // The scoped client adds shopId.
        for (const limit of limits) await tx.actionLimit.create({ data: { actionType, ...limit } as Prisma.ActionLimitUncheckedCreateInput });
        await bumpPolicyVersion(tx, ids.shopA);
      });
    },
  };

  beforeAll(async () => {
    for (const shop of [SHOP_A, SHOP_B]) await call(() => homeLoader({ request: adminDocumentRequest("/app", { shop }), params: {}, context: {} }));
    ids.shopA = (await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_A } })).id;
    ids.shopB = (await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_B } })).id;
    for (const userId of [MANAGER, AGENT]) await call(() => homeLoader({ request: adminDocumentRequest("/app", { shop: SHOP_A, userId }), params: {}, context: {} }));
    await prisma.staffMember.updateMany({ where: { shopId: ids.shopA, shopifyUserId: String(MANAGER) }, data: { roleKey: "manager" } });
    await prisma.staffMember.updateMany({ where: { shopId: ids.shopA, shopifyUserId: String(AGENT) }, data: { roleKey: "agent" } });
  }, 120_000);

  afterEach(async () => {
    vi.restoreAllMocks();
    // These files run far more actions per minute than the per-staff write limit allows a
    // person (tested in app/ratelimit): start each test with a fresh window.
    await prisma.rateLimitCounter.deleteMany({ where: { shopId: ids.shopA } });
  });

  return kit;
}
