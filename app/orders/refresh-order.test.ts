/**
 * POST /app/orders/:id/refresh on the real route, idempotency, audit and sandbox Admin API:
 * who may refresh, what it stores (a new snapshot only when Shopify's order changed), the
 * audit row on every refresh ("unchanged" included), replays and tenancy.
 */
import { randomUUID } from "node:crypto";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { SHOP_A, SHOP_B, startTestSandbox } from "../../tests/helpers/sandbox";
import { adminDocumentRequest, adminFetchRequest, call } from "../../tests/helpers/shopify";
import prisma from "../db.server";
import type { ErrorBody } from "../lib/app-error";
import { scopedDb } from "../lib/tenancy.server";
import { loader as homeLoader } from "../routes/app._index";
import { action as refreshAction } from "../routes/app.orders.$id.refresh";
import { loader as ordersLoader } from "../routes/app.orders._index";
import { offlineClient } from "../shopify/offline-client.server";
import { ingestOrder } from "./ingest-order.server";
import { refreshOrder, type RefreshResult } from "./refresh-order.server";
import type { RequestContext } from "../lib/route.server";

const sandbox = await startTestSandbox();

const OWNER = 9001;
const MANAGER = 9003;
const SUPPORT = 9004;
const VIEWER = 9005;

type RefreshBody = RefreshResult & Partial<ErrorBody>;

const orderIds = new Map<string, string[]>();

beforeAll(async () => {
  for (const shop of [SHOP_A, SHOP_B]) {
    await call(() => homeLoader({ request: adminDocumentRequest("/app", { shop }), params: {}, context: {} }));
    const shopRow = await prisma.shop.findUniqueOrThrow({ where: { domain: shop } });
    const db = scopedDb(shopRow.id);
    const client = await offlineClient(shop);
    const ids: string[] = [];
    for (const order of sandbox.store.orders(shop).slice(0, 4)) {
      const result = await ingestOrder({ db, client, shopifyId: order.id as string });
      if (result.outcome !== "missing" && result.orderId) ids.push(result.orderId);
    }
    orderIds.set(shop, ids);
  }
  // First requests make them staff members (Viewer); Mia becomes an Agent, Sam Support.
  for (const userId of [MANAGER, SUPPORT, VIEWER]) {
    const visit = await call(() => ordersLoader({ request: adminFetchRequest("/app/orders", { shop: SHOP_A, userId }), params: {}, context: {} }));
    expect(visit.status).toBe(200);
  }
  await prisma.staffMember.updateMany({ where: { shopifyUserId: String(MANAGER) }, data: { roleKey: "agent" } });
  await prisma.staffMember.updateMany({ where: { shopifyUserId: String(SUPPORT) }, data: { roleKey: "support" } });
}, 120_000);

afterEach(() => {
  vi.restoreAllMocks();
});

function refresh(id: string, { shop = SHOP_A, userId = OWNER, key = `refresh-${randomUUID()}` }: { shop?: string; userId?: number; key?: string | null } = {}) {
  return call<RefreshBody>(() =>
    refreshAction({
      request: adminFetchRequest(`/app/orders/${encodeURIComponent(id)}/refresh`, {
        shop,
        userId,
        method: "POST",
        headers: { "Content-Type": "application/json", ...(key ? { "Idempotency-Key": key } : {}) },
        body: "{}",
      }),
      params: { id },
      context: {},
    }),
  );
}

const refreshAudits = (orderId: string) => prisma.auditLog.findMany({ where: { action: "order.refreshed", entityId: orderId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });

describe("refresh an order from Shopify", () => {
  it("stores Shopify's change as a new version, then reports unchanged; each refresh is audited", async () => {
    const orderId = orderIds.get(SHOP_A)![0];
    const order = await prisma.order.findUniqueOrThrow({ where: { id: orderId } });
    expect(order.snapshotVersion).toBe(1);
    sandbox.store.touchOrder(SHOP_A, order.shopifyId, { action: "comment", message: "Customer asked for gift wrapping." });

    const first = await refresh(orderId);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ outcome: "updated", version: 2 });
    expect(first.headers.get("X-Request-Id")).toBeTruthy();
    expect((await prisma.order.findUniqueOrThrow({ where: { id: orderId } })).snapshotVersion).toBe(2);
    expect(await prisma.orderTimelineEvent.count({ where: { orderId, title: "Customer asked for gift wrapping." } })).toBe(1);

    const second = await refresh(orderId);
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ outcome: "unchanged", version: 2 });
    expect(await prisma.orderSnapshot.count({ where: { orderId } })).toBe(2);

    const audits = await refreshAudits(orderId);
    expect(audits).toHaveLength(2);
    const owner = await prisma.staffMember.findFirstOrThrow({ where: { shopifyUserId: String(OWNER), shopId: order.shopId } });
    expect(audits[0]).toMatchObject({
      shopId: order.shopId,
      actorType: "staff",
      actorId: owner.id,
      entityType: "Order",
      entityId: orderId,
      before: { snapshotVersion: 1 },
      after: { snapshotVersion: 2 },
      metadata: { outcome: "updated", shopifyId: order.shopifyId, eventsAdded: 1 },
      correlationId: first.headers.get("X-Request-Id"),
    });
    expect(audits[1]).toMatchObject({ before: { snapshotVersion: 2 }, after: { snapshotVersion: 2 }, metadata: { outcome: "unchanged" } });
  });

  it("is allowed to an Agent (orders.refresh)", async () => {
    const orderId = orderIds.get(SHOP_A)![1];
    const result = await refresh(orderId, { userId: MANAGER });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ outcome: "unchanged", version: 1 });
    expect((await refreshAudits(orderId))[0]).toMatchObject({ actorLabel: "Mia Manager", metadata: { outcome: "unchanged" } });
  });

  it("is refused with 403 to a Viewer and to Support, naming the permission; nothing is fetched or audited as a refresh", async () => {
    const orderId = orderIds.get(SHOP_A)![2];
    const executions = vi.spyOn(sandbox.adminApi, "execute").mock.calls;
    for (const userId of [VIEWER, SUPPORT]) {
      const result = await refresh(orderId, { userId });
      expect(result.status).toBe(403);
      expect(result.body.error).toMatchObject({ code: "FORBIDDEN", details: { permission: "orders.refresh" } });
    }
    expect(await refreshAudits(orderId)).toEqual([]);
    expect(await prisma.auditLog.count({ where: { action: "authz.denied", entityId: "orders.refresh" } })).toBe(2);
    expect(executions).toEqual([]);
  });

  it("replays a repeated Idempotency-Key without running again", async () => {
    const orderId = orderIds.get(SHOP_A)![3];
    const key = `refresh-${randomUUID()}`;
    const first = await refresh(orderId, { key });
    const again = await refresh(orderId, { key });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("Idempotent-Replayed")).toBe("true");
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();
    expect(await refreshAudits(orderId)).toHaveLength(1);

    // The same key for another order is a different request.
    const mismatch = await refresh(orderIds.get(SHOP_A)![2], { key });
    expect(mismatch.status).toBe(409);
    expect(mismatch.body.error?.code).toBe("IDEMPOTENCY_MISMATCH");
  });

  it("answers 404 for another shop's order, 400 for a malformed id or a missing key", async () => {
    const foreign = orderIds.get(SHOP_A)![2];
    const crossShop = await refresh(foreign, { shop: SHOP_B });
    expect(crossShop.status).toBe(404);
    expect(crossShop.body.error?.code).toBe("NOT_FOUND");
    expect(await refreshAudits(foreign)).toEqual([]);

    const malformed = await refresh("not-an-order");
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatchObject({ code: "VALIDATION", message: "Malformed order id" });

    const noKey = await refresh(orderIds.get(SHOP_A)![2], { key: null });
    expect(noKey.status).toBe(400);
    expect(noKey.body.error?.fields).toHaveProperty("Idempotency-Key");
    expect(await refreshAudits(orderIds.get(SHOP_A)![2])).toEqual([]);
  });

  it("says so when Shopify no longer has the order", async () => {
    const orderId = orderIds.get(SHOP_B)![0];
    const order = await prisma.order.findUniqueOrThrow({ where: { id: orderId } });
    // Point the row at an order Shopify does not have (as after a deletion).
    await prisma.order.update({ where: { id: orderId }, data: { shopifyId: "gid://shopify/Order/1" } });
    const result = await refresh(orderId, { shop: SHOP_B });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ outcome: "missing", version: order.snapshotVersion });
    expect((await refreshAudits(orderId))[0]).toMatchObject({ metadata: { outcome: "missing" } });
  });

  it("audits a refresh that failed upstream as failed, and changes nothing", async () => {
    const orderId = orderIds.get(SHOP_B)![1];
    const order = await prisma.order.findUniqueOrThrow({ where: { id: orderId } });
    const shop = await prisma.shop.findUniqueOrThrow({ where: { id: order.shopId } });
    const ctx = {
      db: scopedDb(shop.id),
      shop: { id: shop.id, domain: shop.domain, name: shop.name },
      actor: { type: "staff", id: null, label: "Test" },
      correlationId: "test-refresh-failure",
      // Shopify answering 400 (not retried): the Admin API client turns it into UPSTREAM.
      admin: { graphql: () => Promise.reject(Object.assign(new Error("Bad Request"), { response: { status: 400 } })) },
    } as unknown as RequestContext;
    await expect(refreshOrder({ ctx, orderId })).rejects.toMatchObject({ code: "UPSTREAM" });
    expect(await refreshAudits(orderId)).toMatchObject([{ correlationId: "test-refresh-failure", before: { snapshotVersion: 1 }, after: { snapshotVersion: 1 }, metadata: { outcome: "failed", errorCode: "UPSTREAM" } }]);
    expect(await prisma.orderSnapshot.count({ where: { orderId } })).toBe(1);
  });
});
