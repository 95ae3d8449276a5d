import { describe, expect, it } from "vitest";
import { SHOP_A, SHOP_B, startTestSandbox } from "../../tests/helpers/sandbox";
import { adminDocumentRequest, adminFetchRequest, run, sessionToken } from "../../tests/helpers/shopify";
import prisma from "../db.server";
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
