/**
 * Fixed-window rate limits: the counter itself (with explicit `now`), and the per-staff write
 * limit of POST /app/staff/:id/role answered as 429 with Retry-After.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { SHOP_A, startTestSandbox } from "../../tests/helpers/sandbox";
import { adminFetchRequest, call } from "../../tests/helpers/shopify";
import prisma from "../db.server";
import { AppError, type ErrorBody } from "../lib/app-error";
import { action as changeRoleAction } from "../routes/app.staff.$id.role";
import { loader as staffLoader } from "../routes/app.staff";
import { consumeRateLimit, type RateLimitRule } from "./consume-rate-limit.server";

await startTestSandbox();

/** 15 s into a minute: the window ends 45 s later. */
const NOW = new Date("2030-01-01T10:00:15.000Z");
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("consumeRateLimit", () => {
  const rule = (bucket: string, limit = 3): RateLimitRule => ({ bucket, limit, windowSeconds: 60 });

  it("allows `limit` requests in a window, then throws RATE_LIMITED with retryAfterSeconds", async () => {
    for (let i = 0; i < 3; i++) await consumeRateLimit({ shopId: "shop-1", rules: [rule("staff:s1")], now: at(i * 1000) });
    const error = await rejection(consumeRateLimit({ shopId: "shop-1", rules: [rule("staff:s1")], now: at(5000) }));
    expect(error.code).toBe("RATE_LIMITED");
    expect(error.status).toBe(429);
    // 15 s + 5 s into the window: 40 s left. The bucket is named without the staff id.
    expect(error.details).toEqual({ bucket: "staff", retryAfterSeconds: 40 });
    // Still limited later in the same window, with less time to wait.
    const later = await rejection(consumeRateLimit({ shopId: "shop-1", rules: [rule("staff:s1")], now: at(44_500) }));
    expect(later.details?.retryAfterSeconds).toBe(1);
  });

  it("starts afresh in the next window", async () => {
    for (let i = 0; i < 4; i++) await consumeRateLimit({ shopId: "shop-2", rules: [rule("b")], now: at(i) }).catch(() => undefined);
    await expect(consumeRateLimit({ shopId: "shop-2", rules: [rule("b")], now: at(44_999) })).rejects.toBeInstanceOf(AppError);
    await expect(consumeRateLimit({ shopId: "shop-2", rules: [rule("b")], now: at(45_000) })).resolves.toBeUndefined();
  });

  it("counts per shop and per bucket", async () => {
    for (let i = 0; i < 3; i++) await consumeRateLimit({ shopId: "shop-3", rules: [rule("staff:x")], now: NOW });
    await expect(consumeRateLimit({ shopId: "shop-3", rules: [rule("staff:x")], now: NOW })).rejects.toMatchObject({ code: "RATE_LIMITED" });
    // Another shop, same bucket name: its own counter.
    await expect(consumeRateLimit({ shopId: "shop-4", rules: [rule("staff:x")], now: NOW })).resolves.toBeUndefined();
    // Same shop, another bucket: its own counter.
    await expect(consumeRateLimit({ shopId: "shop-3", rules: [rule("staff:y")], now: NOW })).resolves.toBeUndefined();
    const counters = await prisma.rateLimitCounter.findMany({ where: { shopId: { in: ["shop-3", "shop-4"] } }, orderBy: [{ shopId: "asc" }, { bucket: "asc" }] });
    expect(counters.map((row) => [row.shopId, row.bucket, row.count])).toEqual([
      ["shop-3", "staff:x", 4],
      ["shop-3", "staff:y", 1],
      ["shop-4", "staff:x", 1],
    ]);
  });

  it("applies every rule: a request over the shop-wide limit is refused even when the staff rule allows it", async () => {
    const rules = (staff: string) => [rule(`staff:${staff}`, 10), rule("shop", 2)];
    await consumeRateLimit({ shopId: "shop-5", rules: rules("a"), now: NOW });
    await consumeRateLimit({ shopId: "shop-5", rules: rules("b"), now: NOW });
    const error = await rejection(consumeRateLimit({ shopId: "shop-5", rules: rules("c"), now: NOW }));
    expect(error.details).toMatchObject({ bucket: "shop" });
  });

  it("keeps the limit under concurrency (atomic counter)", async () => {
    const outcomes = await Promise.allSettled(Array.from({ length: 12 }, () => consumeRateLimit({ shopId: "shop-6", rules: [rule("burst", 5)], now: NOW })));
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(5);
    expect(outcomes.filter((outcome) => outcome.status === "rejected")).toHaveLength(7);
  });
});

describe("the per-staff write limit on POST /app/staff/:id/role", () => {
  const OWNER = 9001;
  let shopId: string;
  let targetId: string;

  beforeAll(async () => {
    for (const userId of [OWNER, 9002, 9005]) {
      expect((await call(() => staffLoader({ request: adminFetchRequest("/app/staff", { shop: SHOP_A, userId }), params: {}, context: {} }))).status).toBe(200);
    }
    shopId = (await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_A } })).id;
    targetId = (await prisma.staffMember.findFirstOrThrow({ where: { shopId, shopifyUserId: "9005" } })).id;
    await prisma.staffMember.updateMany({ where: { shopId, shopifyUserId: "9002" }, data: { roleKey: "admin" } });
  });

  const changeRole = (userId: number, roleKey: string) =>
    call<ErrorBody>(() =>
      changeRoleAction({
        request: adminFetchRequest(`/app/staff/${targetId}/role`, {
          shop: SHOP_A,
          userId,
          method: "POST",
          headers: { "Content-Type": "application/json", "Idempotency-Key": `limit-${randomUUID()}` },
          body: JSON.stringify({ roleKey }),
        }),
        params: { id: targetId },
        context: {},
      }),
    );

  it("allows 30 role changes a minute, then answers 429 with Retry-After and executes nothing", async () => {
    // The 31 requests must fall in one fixed one-minute window.
    const left = 60_000 - (Date.now() % 60_000);
    if (left < 15_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
    await prisma.rateLimitCounter.deleteMany({ where: { shopId } });

    for (let i = 0; i < 30; i++) {
      const result = await changeRole(OWNER, i % 2 === 0 ? "support" : "viewer");
      expect(result.status, `request ${i + 1}: ${JSON.stringify(result.body)}`).toBe(200);
    }
    const changes = await prisma.auditLog.count({ where: { shopId, action: "staff.role_changed" } });
    const role = (await prisma.staffMember.findUniqueOrThrow({ where: { id: targetId } })).roleKey;

    const limited = await changeRole(OWNER, role === "viewer" ? "agent" : "viewer");
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe("RATE_LIMITED");
    const retryAfter = Number(limited.headers.get("Retry-After"));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.body.error.details).toEqual({ bucket: "staff", retryAfterSeconds: retryAfter });
    expect(limited.headers.get("X-Request-Id")).toBe(limited.body.error.correlationId);
    expect(await prisma.auditLog.count({ where: { shopId, action: "staff.role_changed" } })).toBe(changes);
    expect((await prisma.staffMember.findUniqueOrThrow({ where: { id: targetId } })).roleKey).toBe(role);

    // Per staff member: another admin can still write; reads are not limited.
    expect((await changeRole(9002, "agent")).status).toBe(200);
    const read = await call(() => staffLoader({ request: adminFetchRequest("/app/staff", { shop: SHOP_A, userId: OWNER }), params: {}, context: {} }));
    expect(read.status).toBe(200);
  });
});
