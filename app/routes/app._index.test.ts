import type { Prisma } from "@prisma/client";
import { describe, expect, it } from "vitest";
import { SHOP_A, SHOP_B, startTestSandbox } from "../../tests/helpers/sandbox";
import { adminDocumentRequest, adminFetchRequest, OWNER_ID, run, sessionToken } from "../../tests/helpers/shopify";
import type { ActorType } from "../audit/types";
import prisma from "../db.server";
import { scopedDb } from "../lib/tenancy.server";
import { loader } from "./app._index";

const sandbox = await startTestSandbox();

describe("home page loader (session token -> token exchange -> admin.graphql)", () => {
  it("renders the shop's name and figures from the Admin API, and records the install", async () => {
    const result = await run(() => loader({ request: adminDocumentRequest("/app", { shop: SHOP_A }), params: {}, context: {} }));
    expect(result.response).toBeUndefined();
    const { overview, error } = result.data!;
    expect(error).toBeNull();
    expect(overview).toMatchObject({ name: "Shop A", domain: SHOP_A, orderCount: 30, orderCountIsExact: true });
    expect(overview!.recentOrders).toHaveLength(5);
    const created = overview!.recentOrders.map((order) => order.createdAt);
    expect([...created].sort().reverse()).toEqual(created);
    expect(overview!.recentOrders[0].total.amount).toMatch(/^\d+\.\d{2}$/);

    const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_A } });
    expect(shop).toMatchObject({ name: "Shop A", uninstalledAt: null });
    const session = await prisma.session.findFirstOrThrow({ where: { shop: SHOP_A, isOnline: false } });
    // Expiring offline tokens: the session carries an expiry and a refresh token.
    expect(session.expires).not.toBeNull();
    expect(session.refreshToken).toMatch(/^shprt_/);
  });

  it("serves a fetch request (App Bridge Authorization header) with the stored session", async () => {
    const result = await run(() => loader({ request: adminFetchRequest("/app", { shop: SHOP_A }), params: {}, context: {} }));
    expect(result.data?.overview?.name).toBe("Shop A");
  });

  it("keeps shops apart: shop B's token sees shop B's store", async () => {
    const result = await run(() => loader({ request: adminDocumentRequest("/app", { shop: SHOP_B }), params: {}, context: {} }));
    expect(result.data?.overview).toMatchObject({ name: "Shop B", orderCount: 10 });
    expect(await prisma.shop.count()).toBe(2);
  });

  it("bounces a document request with a forged token, and never 500s", async () => {
    const forged = sessionToken(SHOP_A, { apiSecret: "not-the-app-secret" });
    const result = await run(() => loader({ request: adminDocumentRequest("/app", { shop: SHOP_A, token: forged }), params: {}, context: {} }));
    expect(result.response?.status).toBe(302);
    expect(result.response?.headers.get("Location")).toMatch(/^\/auth\/session-token\?/);
  });

  it("answers 401 to a fetch request with a forged or expired token", async () => {
    const forged = sessionToken(SHOP_A, { apiSecret: "not-the-app-secret" });
    const expired = sessionToken(SHOP_A, { now: Math.floor(Date.now() / 1000) - 3600 });
    for (const token of [forged, expired]) {
      const result = await run(() => loader({ request: adminFetchRequest("/app", { shop: SHOP_A, token }), params: {}, context: {} }));
      expect(result.response?.status).toBe(401);
    }
  });

  it("takes the shop from the verified token, never from the URL", async () => {
    const request = adminDocumentRequest("/app", { shop: SHOP_B, token: sessionToken(SHOP_A) });
    const result = await run(() => loader({ request, params: {}, context: {} }));
    expect(result.data?.overview?.name).toBe("Shop A");
  });

  it("shows a banner instead of failing when Shopify throttles", async () => {
    const bucket = sandbox.adminApi.bucket(SHOP_A);
    bucket.take(bucket.status().currentlyAvailable);
    const result = await run(() => loader({ request: adminFetchRequest("/app", { shop: SHOP_A }), params: {}, context: {} }));
    expect(result.data?.overview).toBeNull();
    expect(result.data?.error).toBeTruthy();
  });
});

describe("home page: Action Center figures (from our database)", () => {
  const VIEWER = 9005;
  const system = { createdByType: "system" as ActorType, createdByLabel: "System" };
  let numbers = 1000;

  async function seedShop(shop: string, rows: { tickets: Array<[string, "me" | "other" | null]>; exceptions: string[]; runs: number }) {
    // A first request installs the shop and makes the owner (and the viewer) staff members.
    for (const userId of [OWNER_ID, VIEWER]) await run(() => loader({ request: adminFetchRequest("/app", { shop, userId }), params: {}, context: {} }));
    const shopRow = await prisma.shop.findUniqueOrThrow({ where: { domain: shop } });
    const db = scopedDb(shopRow.id);
    const me = await db.staffMember.findFirstOrThrow({ where: { shopifyUserId: String(OWNER_ID) } });
    const other = await db.staffMember.findFirstOrThrow({ where: { shopifyUserId: String(VIEWER) } });
    for (const [status, assignee] of rows.tickets) {
      await db.ticket.create({
        data: { number: numbers++, subject: `A ${status} ticket`, status, assigneeId: assignee === "me" ? me.id : assignee === "other" ? other.id : null, ...system } as Prisma.TicketUncheckedCreateInput,
      });
    }
    for (const [index, status] of rows.exceptions.entries()) {
      await db.actionException.create({
        data: { rootRunId: `${shop}-root-${index}`, lastRunId: `${shop}-run-${index}`, actionType: "process_refund", reasonCode: "THROTTLED", message: "Shopify was busy", status } as Prisma.ActionExceptionUncheckedCreateInput,
      });
    }
    const runs = [];
    for (let index = 0; index < rows.runs; index++) {
      runs.push(
        await db.run.create({
          data: {
            type: index % 2 ? "lookup_order" : "send_tracking",
            status: index % 3 ? "succeeded" : "failed",
            input: {},
            actorType: "system",
            correlationId: `home-seed-${index}`,
            createdAt: new Date(Date.UTC(2026, 0, 1, 12, index)),
          } as Prisma.RunUncheckedCreateInput,
        }),
      );
    }
    return { shopId: shopRow.id, runs };
  }

  const summaryOf = async (shop: string, userId: number = OWNER_ID) => {
    const result = await run(() => loader({ request: adminFetchRequest("/app", { shop, userId }), params: {}, context: {} }));
    return result.data!.summary;
  };

  it("counts waiting tickets by status, my open tickets, open exceptions and the last 5 runs, each shop its own", async () => {
    const a = await seedShop(SHOP_A, {
      tickets: [
        ["open", "me"],
        ["open", "me"],
        ["open", "other"],
        ["open", null],
        ["pending", "me"],
        ["pending", null],
        ["on_hold", null],
        ["solved", "me"],
        ["closed", "me"],
        ["solved", null],
      ],
      exceptions: ["open", "open", "resolved", "dismissed", "retrying"],
      runs: 7,
    });
    const b = await seedShop(SHOP_B, { tickets: [["pending", "me"]], exceptions: ["open"], runs: 1 });

    const summaryA = await summaryOf(SHOP_A);
    expect(summaryA.tickets).toEqual({ byStatus: { open: 4, pending: 2, on_hold: 1 }, mine: 3 });
    expect(summaryA.exceptions).toEqual({ open: 2 });
    const newestFirst = [...a.runs].reverse().slice(0, 5);
    expect(summaryA.runs).toEqual(newestFirst.map((row) => ({ id: row.id, type: row.type, status: row.status, createdAt: row.createdAt.toISOString() })));

    const summaryB = await summaryOf(SHOP_B);
    expect(summaryB.tickets).toEqual({ byStatus: { open: 0, pending: 1, on_hold: 0 }, mine: 1 });
    expect(summaryB.exceptions).toEqual({ open: 1 });
    expect(summaryB.runs!.map((row) => row.id)).toEqual([b.runs[0].id]);

    // "Mine" is the viewer's own: shop A's viewer has the one ticket assigned to them.
    expect((await summaryOf(SHOP_A, VIEWER)).tickets?.mine).toBe(1);
  });

  it("leaves out what the viewer's role may not see", async () => {
    const shopId = (await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_A } })).id;
    const role = await prisma.role.findUniqueOrThrow({ where: { shopId_key: { shopId, key: "viewer" } } });
    await prisma.role.update({ where: { id: role.id }, data: { permissions: role.permissions.filter((permission) => permission !== "runs.view" && permission !== "exceptions.view") } });
    try {
      const summary = await summaryOf(SHOP_A, VIEWER);
      expect(summary.exceptions).toBeNull();
      expect(summary.runs).toBeNull();
      expect(summary.tickets?.byStatus.open).toBe(4);
    } finally {
      await prisma.role.update({ where: { id: role.id }, data: { permissions: role.permissions } });
    }
  });
});
