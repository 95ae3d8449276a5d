/**
 * Idempotency-Key on POST /app/staff/:id/role, as the owner changing another staff member's
 * role: replays, mismatches, concurrent duplicates, and key validation.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SHOP_A, startTestSandbox } from "../../tests/helpers/sandbox";
import { adminFetchRequest, call } from "../../tests/helpers/shopify";
import prisma from "../db.server";
import type { ErrorBody } from "../lib/app-error";
import { action as changeRoleAction } from "../routes/app.staff.$id.role";
import { loader as staffLoader } from "../routes/app.staff";
import { IDEMPOTENCY_HEADER, REPLAY_HEADER } from "./with-idempotency.server";

await startTestSandbox();

const OWNER = 9001;
const TARGET = 9005;

let shopId: string;
let targetId: string;

function postRole(body: unknown, key: string | null) {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (key !== null) headers[IDEMPOTENCY_HEADER] = key;
  return call<ErrorBody & { staffMember?: { id: string; roleKey: string }; changed?: boolean }>(() =>
    changeRoleAction({
      request: adminFetchRequest(`/app/staff/${targetId}/role`, { shop: SHOP_A, userId: OWNER, method: "POST", headers, body: JSON.stringify(body) }),
      params: { id: targetId },
      context: {},
    }),
  );
}

const roleChanges = () => prisma.auditLog.count({ where: { shopId, action: "staff.role_changed", entityId: targetId } });
const targetRole = async () => (await prisma.staffMember.findUniqueOrThrow({ where: { id: targetId } })).roleKey;

/** The write limit counts per fixed minute: keep a burst inside one window. */
async function awayFromWindowEdge(secondsNeeded = 10) {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < secondsNeeded * 1000) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

beforeAll(async () => {
  for (const userId of [OWNER, TARGET]) {
    expect((await call(() => staffLoader({ request: adminFetchRequest("/app/staff", { shop: SHOP_A, userId }), params: {}, context: {} }))).status).toBe(200);
  }
  shopId = (await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_A } })).id;
  targetId = (await prisma.staffMember.findFirstOrThrow({ where: { shopId, shopifyUserId: String(TARGET) } })).id;
});

beforeEach(async () => {
  // Each test starts as a viewer target with a fresh write budget.
  await prisma.staffMember.update({ where: { id: targetId }, data: { roleKey: "viewer" } });
  await prisma.rateLimitCounter.deleteMany({ where: { shopId } });
});

describe("Idempotency-Key on POST /app/staff/:id/role", () => {
  it("replays the same key + same body: identical response, Idempotent-Replayed: true, one execution", async () => {
    const key = `same-${randomUUID()}`;
    const before = await roleChanges();
    const first = await postRole({ roleKey: "agent" }, key);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ staffMember: { id: targetId, roleKey: "agent" }, changed: true });
    expect(first.headers.get(REPLAY_HEADER)).toBeNull();

    // Meanwhile someone else changes the role: a replay must not act again.
    await prisma.staffMember.update({ where: { id: targetId }, data: { roleKey: "support" } });
    const second = await postRole({ roleKey: "agent" }, key);
    expect(second.status).toBe(first.status);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get(REPLAY_HEADER)).toBe("true");
    expect(await roleChanges()).toBe(before + 1);
    expect(await targetRole()).toBe("support");
  });

  it("answers 409 IDEMPOTENCY_MISMATCH to the same key with a different body, and does not execute it", async () => {
    const key = `mismatch-${randomUUID()}`;
    expect((await postRole({ roleKey: "agent" }, key)).status).toBe(200);
    const before = await roleChanges();
    const second = await postRole({ roleKey: "support" }, key);
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe("IDEMPOTENCY_MISMATCH");
    expect(second.body.error.correlationId).toBe(second.headers.get("X-Request-Id"));
    expect(await roleChanges()).toBe(before);
    expect(await targetRole()).toBe("agent");
  });

  it("replays a definite refusal too (the key's answer does not change)", async () => {
    const key = `refusal-${randomUUID()}`;
    const owner = await prisma.staffMember.findFirstOrThrow({ where: { shopId, shopifyUserId: String(OWNER) } });
    const refuse = () =>
      call<ErrorBody>(() =>
        changeRoleAction({
          request: adminFetchRequest(`/app/staff/${owner.id}/role`, {
            shop: SHOP_A,
            userId: OWNER,
            method: "POST",
            headers: { "Content-Type": "application/json", [IDEMPOTENCY_HEADER]: key },
            body: JSON.stringify({ roleKey: "viewer" }),
          }),
          params: { id: owner.id },
          context: {},
        }),
      );
    const first = await refuse();
    expect(first.status).toBe(409);
    const second = await refuse();
    expect(second.status).toBe(409);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get(REPLAY_HEADER)).toBe("true");
  });

  it("executes 50 concurrent identical requests with one key exactly once", async () => {
    await awayFromWindowEdge();
    const key = `burst-once-${randomUUID()}`;
    const before = await roleChanges();
    const results = await Promise.all(Array.from({ length: 50 }, () => postRole({ roleKey: "agent" }, key)));
    expect(results).toHaveLength(50);
    expect(await roleChanges()).toBe(before + 1);
    expect(await targetRole()).toBe("agent");
    // Exactly one response is the execution; no other success is a second execution.
    const successes = results.filter((result) => result.status === 200);
    expect(successes.filter((result) => result.headers.get(REPLAY_HEADER) !== "true")).toHaveLength(1);
    for (const success of successes) expect(success.body).toEqual({ staffMember: { id: targetId, roleKey: "agent" }, changed: true });
  });

  it("answers all 50 concurrent identical requests with the same status and body", async () => {
    await awayFromWindowEdge();
    const key = `burst-same-${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 50 }, () => postRole({ roleKey: "agent" }, key)));
    const statuses = results.reduce<Record<number, number>>((tally, result) => ({ ...tally, [result.status]: (tally[result.status] ?? 0) + 1 }), {});
    // A duplicate of a request that is being (or was) executed is answered from the key,
    // never refused by the write limit: the client did one thing.
    expect(statuses).toEqual({ 200: 50 });
    for (const result of results) expect(result.body).toEqual(results[0].body);
  });

  it("does not charge replays to the write limit (30 per minute per staff member)", async () => {
    await awayFromWindowEdge();
    const key = `replays-${randomUUID()}`;
    const results = [];
    for (let i = 0; i < 40; i++) results.push(await postRole({ roleKey: "agent" }, key));
    expect(results.map((result) => result.status)).toEqual(Array(40).fill(200));
    expect(results.filter((result) => result.headers.get(REPLAY_HEADER) === "true")).toHaveLength(39);
    // The budget is still there for a new request.
    expect((await postRole({ roleKey: "support" }, `after-replays-${randomUUID()}`)).status).toBe(200);
  });

  it("releases the key of a rate-limited request: the same key executes once the window allows", async () => {
    await awayFromWindowEdge();
    const owner = await prisma.staffMember.findFirstOrThrow({ where: { shopId, shopifyUserId: String(OWNER) } });
    const windowStart = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    await prisma.rateLimitCounter.create({ data: { shopId, bucket: `staff:${owner.id}`, windowStart, count: 30 } });
    const key = `limited-${randomUUID()}`;
    const limited = await postRole({ roleKey: "agent" }, key);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe("RATE_LIMITED");
    expect(await prisma.idempotencyKey.count({ where: { shopId, key } })).toBe(0);
    expect(await targetRole()).toBe("viewer");

    await prisma.rateLimitCounter.deleteMany({ where: { shopId } });
    const retried = await postRole({ roleKey: "agent" }, key);
    expect(retried.status).toBe(200);
    expect(retried.headers.get(REPLAY_HEADER)).toBeNull();
    expect(await targetRole()).toBe("agent");
  });

  it("answers 400 naming the Idempotency-Key field when the key is missing, and executes nothing", async () => {
    const before = await roleChanges();
    const result = await postRole({ roleKey: "agent" }, null);
    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe("VALIDATION");
    expect(result.body.error.fields).toHaveProperty(IDEMPOTENCY_HEADER);
    expect(await roleChanges()).toBe(before);
    expect(await targetRole()).toBe("viewer");
  });

  it.each([
    ["too short", "short"],
    ["with spaces", "has spaces in it"],
    ["too long", "k".repeat(256)],
    ["with a slash", "abc/defgh"],
  ])("answers 400 to a malformed key (%s), and executes nothing", async (_name, key) => {
    const before = await roleChanges();
    const keys = await prisma.idempotencyKey.count();
    const result = await postRole({ roleKey: "agent" }, key);
    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe("VALIDATION");
    expect(result.body.error.fields).toHaveProperty(IDEMPOTENCY_HEADER);
    expect(await roleChanges()).toBe(before);
    expect(await prisma.idempotencyKey.count()).toBe(keys);
    expect(await targetRole()).toBe("viewer");
  });

  it("keeps keys per actor: another staff member's identical key is another request", async () => {
    const key = `per-actor-${randomUUID()}`;
    expect((await postRole({ roleKey: "agent" }, key)).status).toBe(200);
    // 9002 becomes an admin and uses the same key for the same change.
    expect((await call(() => staffLoader({ request: adminFetchRequest("/app/staff", { shop: SHOP_A, userId: 9002 }), params: {}, context: {} }))).status).toBe(200);
    await prisma.staffMember.updateMany({ where: { shopId, shopifyUserId: "9002" }, data: { roleKey: "admin" } });
    await prisma.staffMember.update({ where: { id: targetId }, data: { roleKey: "viewer" } });
    const other = await call(() =>
      changeRoleAction({
        request: adminFetchRequest(`/app/staff/${targetId}/role`, {
          shop: SHOP_A,
          userId: 9002,
          method: "POST",
          headers: { "Content-Type": "application/json", [IDEMPOTENCY_HEADER]: key },
          body: JSON.stringify({ roleKey: "agent" }),
        }),
        params: { id: targetId },
        context: {},
      }),
    );
    expect(other.status).toBe(200);
    expect(other.headers.get(REPLAY_HEADER)).toBeNull();
    expect(await targetRole()).toBe("agent");
  });
});
