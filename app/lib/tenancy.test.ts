/**
 * Tenancy: two shops with staff, runs and audit rows. Through the real endpoints, shop A never
 * sees, reaches or changes shop B's rows; and scopedDb(shopA) itself refuses B's shop id and
 * scopes bulk updates and deletes to A.
 */
import { randomUUID } from "node:crypto";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { SHOP_A, SHOP_B, startTestSandbox } from "../../tests/helpers/sandbox";
import { adminFetchRequest, call } from "../../tests/helpers/shopify";
import type { AuditRow } from "../audit/list-audit.server";
import { recordAudit } from "../audit/record-audit.server";
import type { Actor } from "../audit/types";
import prisma from "../db.server";
import { loader as auditEntryLoader } from "../routes/app.audit.$id";
import { loader as auditListLoader } from "../routes/app.audit._index";
import { loader as auditExportLoader } from "../routes/app.audit.export";
import { loader as rolesLoader } from "../routes/app.roles";
import { loader as runLoader } from "../routes/app.runs.$id";
import { loader as runsLoader } from "../routes/app.runs._index";
import { action as changeRoleAction } from "../routes/app.staff.$id.role";
import { loader as staffLoader } from "../routes/app.staff";
import { createRun } from "../runs/create-run.server";
import type { RunRow } from "../runs/list-runs.server";
import type { StaffRow } from "../staff/list-staff.server";
import type { ErrorBody } from "./app-error";
import { scopedDb } from "./tenancy.server";

await startTestSandbox();

const OWNER = 9001;
type Loader = (args: LoaderFunctionArgs) => Promise<unknown>;

const get = <T = unknown>(loader: Loader, path: string, shop: string, params: Record<string, string> = {}, userId = OWNER) =>
  call<T>(() => loader({ request: adminFetchRequest(path, { shop, userId }), params, context: {} }));

const changeRole = (shop: string, staffMemberId: string, roleKey: string) =>
  call<ErrorBody & { staffMember?: { id: string; roleKey: string } }>(() =>
    changeRoleAction({
      request: adminFetchRequest(`/app/staff/${staffMemberId}/role`, {
        shop,
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": `tenancy-${randomUUID()}` },
        body: JSON.stringify({ roleKey }),
      }),
      params: { id: staffMemberId },
      context: {},
    }),
  );

const SYSTEM: Actor = { type: "system", id: null, label: "System" };

let shopA: string;
let shopB: string;
let staffB: { id: string; roleKey: string; updatedAt: Date };

beforeAll(async () => {
  // Staff in both shops, through the real endpoints (first requests install the shops).
  for (const userId of [9001, 9002, 9003]) expect((await get(staffLoader, "/app/staff", SHOP_A, {}, userId)).status).toBe(200);
  for (const userId of [9001, 9002, 9004]) expect((await get(staffLoader, "/app/staff", SHOP_B, {}, userId)).status).toBe(200);
  shopA = (await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_A } })).id;
  shopB = (await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_B } })).id;

  for (const [shopId, label] of [
    [shopA, "a"],
    [shopB, "b"],
  ] as const) {
    const db = scopedDb(shopId);
    for (let i = 0; i < 3; i++) {
      await createRun({ db, type: "lookup_order", input: { n: i }, actor: SYSTEM, correlationId: `seed-run-${label}-${i}` });
      await recordAudit({ db, actor: SYSTEM, action: "test.seeded", entityType: "Test", entityId: `${label}-${i}`, correlationId: `seed-audit-${label}-${i}` });
    }
  }
  // A real role change in shop B: B's owner makes 9002 an agent.
  const b9002 = await prisma.staffMember.findFirstOrThrow({ where: { shopId: shopB, shopifyUserId: "9002" } });
  expect((await changeRole(SHOP_B, b9002.id, "agent")).status).toBe(200);
  staffB = await prisma.staffMember.findUniqueOrThrow({ where: { id: b9002.id } });
});

describe("list endpoints of shop A", () => {
  it("audit log: exactly A's rows, none of B's", async () => {
    const result = await get<{ rows: AuditRow[]; nextCursor: string | null }>(auditListLoader, "/app/audit?limit=100", SHOP_A);
    expect(result.status).toBe(200);
    const ids = result.body.rows.map((row) => row.id).sort();
    const expected = (await prisma.auditLog.findMany({ where: { shopId: shopA }, select: { id: true } })).map((row) => row.id).sort();
    const ofB = new Set((await prisma.auditLog.findMany({ where: { shopId: shopB }, select: { id: true } })).map((row) => row.id));
    expect(ofB.size).toBeGreaterThan(0);
    expect(result.body.nextCursor).toBeNull();
    expect(ids).toEqual(expected);
    expect(ids.filter((id) => ofB.has(id))).toEqual([]);
  });

  it("audit log filtered by one of B's actors or entities finds nothing", async () => {
    for (const query of [`actorId=${staffB.id}`, "entityType=StaffMember&action=staff.role_changed"]) {
      const result = await get<{ rows: AuditRow[] }>(auditListLoader, `/app/audit?${query}`, SHOP_A);
      expect(result.status).toBe(200);
      expect(result.body.rows).toEqual([]);
    }
  });

  it("audit export: A's rows only", async () => {
    const countA = await prisma.auditLog.count({ where: { shopId: shopA } });
    const result = await get<string>(auditExportLoader, "/app/audit/export", SHOP_A);
    expect(result.status).toBe(200);
    const lines = result.body.split("\r\n").filter(Boolean);
    expect(lines).toHaveLength(countA + 1);
    for (const row of await prisma.auditLog.findMany({ where: { shopId: shopB } })) {
      expect(result.body).not.toContain(row.correlationId);
    }
    expect(result.body).toContain("seed-audit-a-0");
  });

  it("runs: exactly A's runs", async () => {
    const result = await get<{ rows: RunRow[] }>(runsLoader, "/app/runs", SHOP_A);
    expect(result.status).toBe(200);
    const expected = (await prisma.run.findMany({ where: { shopId: shopA }, select: { id: true } })).map((row) => row.id).sort();
    expect(expected).toHaveLength(3);
    expect(result.body.rows.map((row) => row.id).sort()).toEqual(expected);
  });

  it("staff: exactly A's staff", async () => {
    const result = await get<{ staff: StaffRow[] }>(staffLoader, "/app/staff", SHOP_A);
    expect(result.status).toBe(200);
    const expected = (await prisma.staffMember.findMany({ where: { shopId: shopA }, select: { id: true } })).map((row) => row.id).sort();
    expect(expected).toHaveLength(3);
    expect(result.body.staff.map((row) => row.id).sort()).toEqual(expected);
  });

  it("roles: A's eight roles", async () => {
    const result = await get<{ roles: Array<{ key: string }> }>(rolesLoader, "/app/roles", SHOP_A);
    expect(result.status).toBe(200);
    expect(result.body.roles).toHaveLength(8);
    expect(await prisma.role.count()).toBe(16);
  });
});

describe("shop B's ids from shop A", () => {
  it("audit entry detail: 404 NOT_FOUND", async () => {
    const row = await prisma.auditLog.findFirstOrThrow({ where: { shopId: shopB } });
    const result = await get<ErrorBody>(auditEntryLoader, `/app/audit/${row.id}`, SHOP_A, { id: row.id });
    expect(result.status).toBe(404);
    expect(result.body.error.code).toBe("NOT_FOUND");
    // The same id is found from its own shop.
    expect((await get(auditEntryLoader, `/app/audit/${row.id}`, SHOP_B, { id: row.id })).status).toBe(200);
  });

  it("run detail: 404 NOT_FOUND", async () => {
    const run = await prisma.run.findFirstOrThrow({ where: { shopId: shopB } });
    const result = await get<ErrorBody>(runLoader, `/app/runs/${run.id}`, SHOP_A, { id: run.id });
    expect(result.status).toBe(404);
    expect(result.body.error.code).toBe("NOT_FOUND");
    expect((await get(runLoader, `/app/runs/${run.id}`, SHOP_B, { id: run.id })).status).toBe(200);
  });

  it("role change of B's staff member: 404 NOT_FOUND, nothing changed", async () => {
    const changesBefore = await prisma.auditLog.count({ where: { action: "staff.role_changed" } });
    const result = await changeRole(SHOP_A, staffB.id, "viewer");
    expect(result.status).toBe(404);
    expect(result.body.error.code).toBe("NOT_FOUND");
    const after = await prisma.staffMember.findUniqueOrThrow({ where: { id: staffB.id } });
    expect(after.roleKey).toBe("agent");
    expect(after.updatedAt).toEqual(staffB.updatedAt);
    expect(await prisma.auditLog.count({ where: { action: "staff.role_changed" } })).toBe(changesBefore);
  });
});

describe("scopedDb(shopA)", () => {
  it("refuses to create rows for shop B (create, createMany, upsert) and writes nothing", async () => {
    const db = scopedDb(shopA);
    const runsOfB = await prisma.run.count({ where: { shopId: shopB } });
    const base = { type: "x", status: "pending", input: {}, actorType: "system" as const, correlationId: "c-refused" };
    await expect(db.run.create({ data: { ...base, shopId: shopB } })).rejects.toThrow(/tenancy/);
    await expect(db.run.createMany({ data: [{ ...base, shopId: shopA }, { ...base, shopId: shopB }] })).rejects.toThrow(/tenancy/);
    await expect(
      db.staffMember.upsert({
        where: { shopId_shopifyUserId: { shopId: shopB, shopifyUserId: "777" } },
        create: { shopId: shopB, shopifyUserId: "777" },
        update: {},
      }),
    ).rejects.toThrow(/tenancy/);
    expect(await prisma.run.count({ where: { shopId: shopB } })).toBe(runsOfB);
    expect(await prisma.run.count({ where: { correlationId: "c-refused" } })).toBe(0);
    expect(await prisma.staffMember.count({ where: { shopifyUserId: "777" } })).toBe(0);
  });

  it("stamps rows created without a shop id with shop A", async () => {
    const run = await createRun({ db: scopedDb(shopA), type: "scoped_create", input: {}, actor: SYSTEM, correlationId: "c-stamped" });
    expect((await prisma.run.findUniqueOrThrow({ where: { id: run.id } })).shopId).toBe(shopA);
  });

  it("refuses reads that name shop B, and cannot find B's rows by id", async () => {
    const db = scopedDb(shopA);
    const runOfB = await prisma.run.findFirstOrThrow({ where: { shopId: shopB } });
    await expect(db.run.findMany({ where: { shopId: shopB } })).rejects.toThrow(/tenancy/);
    await expect(db.run.count({ where: { shopId: { in: [shopA, shopB] } } })).rejects.toThrow(/tenancy/);
    expect(await db.run.findUnique({ where: { id: runOfB.id } })).toBeNull();
    expect(await db.run.findFirst({ where: { OR: [{ id: runOfB.id }, { correlationId: runOfB.correlationId }] } })).toBeNull();
    await expect(db.run.update({ where: { id: runOfB.id }, data: { status: "cancelled" } })).rejects.toMatchObject({ code: "P2025" });
    expect((await prisma.run.findUniqueOrThrow({ where: { id: runOfB.id } })).status).toBe(runOfB.status);
  });

  it("scopes interactive transactions too", async () => {
    const rows = await scopedDb(shopA).$transaction((tx) => tx.run.findMany());
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.shopId === shopA)).toBe(true);
  });

  it("updateMany without a shop in the where touches only A's rows", async () => {
    const pendingOfB = await prisma.run.count({ where: { shopId: shopB, status: "pending" } });
    const result = await scopedDb(shopA).run.updateMany({ where: { status: "pending" }, data: { status: "cancelled" } });
    expect(result.count).toBe(await prisma.run.count({ where: { shopId: shopA, status: "cancelled" } }));
    expect(result.count).toBeGreaterThan(0);
    expect(await prisma.run.count({ where: { shopId: shopB, status: "pending" } })).toBe(pendingOfB);
    expect(pendingOfB).toBeGreaterThan(0);
  });

  it("deleteMany with no where at all deletes only A's rows", async () => {
    for (const shopId of [shopA, shopB]) {
      await scopedDb(shopId).idempotencyKey.createMany({ data: [{ scope: "t", key: `k-${shopId}`, requestHash: "h" }].map((row) => ({ ...row, shopId })) });
      await createRun({ db: scopedDb(shopId), type: "scratch", input: {}, actor: SYSTEM, correlationId: "scratch" });
    }
    const keysOfA = await prisma.idempotencyKey.count({ where: { shopId: shopA } });
    const keysOfB = await prisma.idempotencyKey.count({ where: { shopId: shopB } });
    expect((await scopedDb(shopA).idempotencyKey.deleteMany()).count).toBe(keysOfA);
    expect(await prisma.idempotencyKey.count({ where: { shopId: shopA } })).toBe(0);
    expect(await prisma.idempotencyKey.count({ where: { shopId: shopB } })).toBe(keysOfB);

    expect((await scopedDb(shopA).run.deleteMany({ where: { type: "scratch" } })).count).toBe(1);
    expect(await prisma.run.count({ where: { type: "scratch", shopId: shopB } })).toBe(1);
  });

  // Last: if the client lets a row move, it lands in shop B.
  it("refuses to move a row to shop B through update, updateMany or upsert data", async () => {
    const db = scopedDb(shopA);
    const fresh = () => createRun({ db, type: "move_me", input: {}, actor: SYSTEM, correlationId: "c-move" });
    const [viaUpdate, viaUpdateMany, viaUpsert] = [await fresh(), await fresh(), await fresh()];
    await expect.soft(db.run.update({ where: { id: viaUpdate.id }, data: { shopId: shopB } })).rejects.toThrow(/tenancy/);
    await expect.soft(db.run.updateMany({ where: { id: viaUpdateMany.id }, data: { shopId: shopB } })).rejects.toThrow(/tenancy/);
    await expect
      .soft(
        db.run.upsert({
          where: { id: viaUpsert.id },
          create: { shopId: shopA, type: "move_me", status: "pending", input: {}, actorType: "system", correlationId: "c-move" },
          update: { shopId: shopB },
        }),
      )
      .rejects.toThrow(/tenancy/);
    const moved = await prisma.run.findMany({ where: { type: "move_me", shopId: shopB }, select: { id: true } });
    expect(moved).toEqual([]);
  });
});
