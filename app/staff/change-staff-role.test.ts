/**
 * POST /app/staff/:id/role: who may change whose role, the Owner rules, and input
 * validation; every refusal leaves the staff row and the audit log as they were.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SHOP_A, SHOP_B, startTestSandbox } from "../../tests/helpers/sandbox";
import { adminFetchRequest, call } from "../../tests/helpers/shopify";
import prisma from "../db.server";
import type { ErrorBody } from "../lib/app-error";
import type { RoleKey } from "../rbac/permissions";
import { action as changeRoleAction } from "../routes/app.staff.$id.role";
import { loader as staffLoader } from "../routes/app.staff";

await startTestSandbox();

const OWNER = 9001;
const ADMIN = 9002;
const MANAGER = 9003;
const OTHER = 9004;
const VIEWER = 9005;

type RoleResponse = ErrorBody & { staffMember?: { id: string; roleKey: string }; changed?: boolean };

interface PostOptions {
  shop?: string;
  as: number;
  /** The URL's :id (defaults to the target's id). */
  id?: string;
  body?: string;
  contentType?: string;
}

const ids = new Map<string, string>();
const staffId = (userId: number, shop = SHOP_A) => ids.get(`${shop}:${userId}`)!;

function post(target: number | null, roleKey: unknown, options: PostOptions) {
  const shop = options.shop ?? SHOP_A;
  const id = options.id ?? staffId(target!, shop);
  return call<RoleResponse>(() =>
    changeRoleAction({
      request: adminFetchRequest(`/app/staff/${encodeURIComponent(id)}/role`, {
        shop,
        userId: options.as,
        method: "POST",
        headers: { "Content-Type": options.contentType ?? "application/json", "Idempotency-Key": `role-${randomUUID()}` },
        body: options.body ?? JSON.stringify({ roleKey }),
      }),
      params: { id },
      context: {},
    }),
  );
}

async function visit(userId: number, shop = SHOP_A) {
  const result = await call(() => staffLoader({ request: adminFetchRequest("/app/staff", { shop, userId }), params: {}, context: {} }));
  expect(result.status).toBe(200);
  const shopId = (await prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).id;
  ids.set(`${shop}:${userId}`, (await prisma.staffMember.findFirstOrThrow({ where: { shopId, shopifyUserId: String(userId) } })).id);
}

const setRole = (userId: number, roleKey: RoleKey, shop = SHOP_A) => prisma.staffMember.update({ where: { id: staffId(userId, shop) }, data: { roleKey } });

/** Everything a refused change must leave alone. */
async function snapshot(userId: number, shop = SHOP_A) {
  return {
    changes: await prisma.auditLog.count({ where: { action: "staff.role_changed" } }),
    member: await prisma.staffMember.findUniqueOrThrow({ where: { id: staffId(userId, shop) } }),
  };
}

beforeAll(async () => {
  for (const userId of [OWNER, ADMIN, MANAGER, OTHER, VIEWER]) await visit(userId);
});

beforeEach(async () => {
  await setRole(OWNER, "owner");
  await setRole(ADMIN, "admin");
  await setRole(MANAGER, "manager");
  await setRole(OTHER, "support");
  await setRole(VIEWER, "viewer");
  await prisma.rateLimitCounter.deleteMany();
});

describe("allowed changes", () => {
  it("the owner changes a viewer to agent, audited with before/after in the same request", async () => {
    const before = await snapshot(VIEWER);
    const result = await post(VIEWER, "agent", { as: OWNER });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ staffMember: { id: staffId(VIEWER), roleKey: "agent" }, changed: true });
    expect((await prisma.staffMember.findUniqueOrThrow({ where: { id: staffId(VIEWER) } })).roleKey).toBe("agent");

    const rows = await prisma.auditLog.findMany({ where: { action: "staff.role_changed", entityId: staffId(VIEWER) } });
    expect(rows).toHaveLength(1);
    expect(await prisma.auditLog.count({ where: { action: "staff.role_changed" } })).toBe(before.changes + 1);
    expect(rows[0]).toMatchObject({
      actorType: "staff",
      actorId: staffId(OWNER),
      actorLabel: "Olivia Owner",
      entityType: "StaffMember",
      before: { roleKey: "viewer" },
      after: { roleKey: "agent" },
      correlationId: result.headers.get("X-Request-Id"),
    });

    // The new role is in force on the member's next request.
    const staff = await call<{ canManage: boolean; me: { rank: number } }>(() =>
      staffLoader({ request: adminFetchRequest("/app/staff", { shop: SHOP_A, userId: VIEWER }), params: {}, context: {} }),
    );
    expect(staff.body.me.rank).toBe(50);
  });

  it("setting the role a member already has changes nothing and writes no audit row", async () => {
    const before = await snapshot(VIEWER);
    const result = await post(VIEWER, "viewer", { as: OWNER });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ staffMember: { id: staffId(VIEWER), roleKey: "viewer" }, changed: false });
    expect(await snapshot(VIEWER)).toEqual(before);
  });

  it("an admin may change a support member to senior agent", async () => {
    const result = await post(OTHER, "senior_agent", { as: ADMIN });
    expect(result.status).toBe(200);
    expect(result.body.staffMember?.roleKey).toBe("senior_agent");
  });

  it("an owner may demote another owner while a second Owner remains", async () => {
    await setRole(ADMIN, "owner");
    const result = await post(ADMIN, "admin", { as: OWNER });
    expect(result.status).toBe(200);
    expect(result.body.changed).toBe(true);
  });
});

describe("refused changes (nothing written)", () => {
  it("an admin cannot grant Owner: 403", async () => {
    const before = await snapshot(VIEWER);
    const result = await post(VIEWER, "owner", { as: ADMIN });
    expect(result.status).toBe(403);
    expect(result.body.error.code).toBe("FORBIDDEN");
    expect(await snapshot(VIEWER)).toEqual(before);
  });

  it("an admin cannot change an owner's role: 403", async () => {
    await setRole(MANAGER, "owner");
    const before = await snapshot(MANAGER);
    const result = await post(MANAGER, "viewer", { as: ADMIN });
    expect(result.status).toBe(403);
    expect(result.body.error.code).toBe("FORBIDDEN");
    expect(await snapshot(MANAGER)).toEqual(before);
  });

  it("an admin cannot change the account owner: 403", async () => {
    const before = await snapshot(OWNER);
    const result = await post(OWNER, "viewer", { as: ADMIN });
    expect(result.status).toBe(403);
    expect(await snapshot(OWNER)).toEqual(before);
  });

  it("nobody can demote the last Owner: 409 CONFLICT", async () => {
    // Shop B: its account owner never opened the app, 9002 is its only Owner.
    await visit(ADMIN, SHOP_B);
    await setRole(ADMIN, "owner", SHOP_B);
    const before = await snapshot(ADMIN, SHOP_B);
    const result = await post(ADMIN, "admin", { as: ADMIN, shop: SHOP_B });
    expect(result.status).toBe(409);
    expect(result.body.error.code).toBe("CONFLICT");
    expect(result.body.error.fields).toHaveProperty("roleKey");
    expect(await snapshot(ADMIN, SHOP_B)).toEqual(before);
  });

  it("the account owner stays Owner: 409 CONFLICT, from another owner or from themselves", async () => {
    await setRole(ADMIN, "owner");
    for (const as of [ADMIN, OWNER]) {
      const before = await snapshot(OWNER);
      const result = await post(OWNER, "admin", { as });
      expect(result.status).toBe(409);
      expect(result.body.error.code).toBe("CONFLICT");
      expect(result.body.error.fields).toHaveProperty("roleKey");
      expect(await snapshot(OWNER)).toEqual(before);
    }
  });

  it("a manager (no staff.manage) gets 403 naming the permission", async () => {
    const before = await snapshot(VIEWER);
    const result = await post(VIEWER, "support", { as: MANAGER });
    expect(result.status).toBe(403);
    expect(result.body.error).toMatchObject({ code: "FORBIDDEN", details: { permission: "staff.manage", role: "manager" } });
    expect(await snapshot(VIEWER)).toEqual(before);
  });

  it("an admin cannot promote themselves to Owner: 403", async () => {
    const before = await snapshot(ADMIN);
    const result = await post(ADMIN, "owner", { as: ADMIN });
    expect(result.status).toBe(403);
    expect(await snapshot(ADMIN)).toEqual(before);
  });
});

describe("invalid requests: 400, nothing written", () => {
  const cases: Array<[string, () => ReturnType<typeof post>, string]> = [
    ["an unknown roleKey", () => post(VIEWER, "superuser", { as: OWNER }), "roleKey"],
    ["a missing roleKey", () => post(VIEWER, undefined, { as: OWNER }), "roleKey"],
    ["a non-string roleKey", () => post(VIEWER, 7, { as: OWNER }), "roleKey"],
    ["a malformed id in the URL", () => post(null, "agent", { as: OWNER, id: "not-a-valid-id!" }), "id"],
    ["a too-short id in the URL", () => post(null, "agent", { as: OWNER, id: "abc" }), "id"],
    ["text/plain", () => post(VIEWER, "agent", { as: OWNER, contentType: "text/plain" }), "_"],
    ["no JSON content type (form)", () => post(VIEWER, "agent", { as: OWNER, contentType: "application/x-www-form-urlencoded" }), "_"],
    ["a body over 64 KB", () => post(VIEWER, "agent", { as: OWNER, body: JSON.stringify({ roleKey: "agent", pad: "x".repeat(70 * 1024) }) }), "_"],
    ["malformed JSON", () => post(VIEWER, "agent", { as: OWNER, body: '{"roleKey": "agent"' }), "_"],
    ["a JSON array", () => post(VIEWER, "agent", { as: OWNER, body: '["agent"]' }), "_"],
  ];

  it.each(cases)("%s", async (_name, send, field) => {
    const before = await snapshot(VIEWER);
    const keys = await prisma.idempotencyKey.count();
    const result = await send();
    expect(result.status).toBe(400);
    expect(result.body.error.code).toBe("VALIDATION");
    expect(result.body.error.fields).toHaveProperty(field);
    expect(result.body.error.correlationId).toBe(result.headers.get("X-Request-Id"));
    expect(await snapshot(VIEWER)).toEqual(before);
    expect(await prisma.idempotencyKey.count()).toBe(keys);
  });

  it("an unknown but well-formed id is 404 NOT_FOUND, nothing written", async () => {
    const changes = await prisma.auditLog.count({ where: { action: "staff.role_changed" } });
    const result = await post(null, "agent", { as: OWNER, id: "c".repeat(25) });
    expect(result.status).toBe(404);
    expect(result.body.error.code).toBe("NOT_FOUND");
    expect(await prisma.auditLog.count({ where: { action: "staff.role_changed" } })).toBe(changes);
  });
});
