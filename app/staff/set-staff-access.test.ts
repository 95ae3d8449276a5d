/**
 * POST /app/staff/:id/access: deactivating a staff member who left the store (and reactivating
 * them). A deactivated member is refused by every page, is no longer offered as an assignee, and
 * the rules that protect Owners and ranks hold; every change is audited with before/after.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SHOP_A, SHOP_B, startTestSandbox } from "../../tests/helpers/sandbox";
import { adminFetchRequest, call } from "../../tests/helpers/shopify";
import prisma from "../db.server";
import type { ErrorBody } from "../lib/app-error";
import { loader as staffLoader } from "../routes/app.staff";
import { action as accessAction } from "../routes/app.staff.$id.access";
import type { StaffRow } from "./list-staff.server";

await startTestSandbox();

const OWNER = 9001;
const ADMIN = 9002;
const MANAGER = 9003;
const OTHER = 9004;

type AccessResponse = ErrorBody & { staffMember?: { id: string; active: boolean }; changed?: boolean };

const ids = new Map<string, string>();
const staffId = (userId: number, shop = SHOP_A) => ids.get(`${shop}:${userId}`)!;

function visit(userId: number, shop = SHOP_A) {
  return call<{ staff: StaffRow[] } & ErrorBody>(() => staffLoader({ request: adminFetchRequest("/app/staff", { shop, userId }), params: {}, context: {} }));
}

function post(id: string, body: unknown, { as = OWNER, shop = SHOP_A }: { as?: number; shop?: string } = {}) {
  return call<AccessResponse>(() =>
    accessAction({
      request: adminFetchRequest(`/app/staff/${id}/access`, {
        shop,
        userId: as,
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": `access-${randomUUID()}` },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
      params: { id },
      context: {},
    }),
  );
}

const member = (userId: number, shop = SHOP_A) => prisma.staffMember.findUniqueOrThrow({ where: { id: staffId(userId, shop) } });
const accessAudits = () => prisma.auditLog.count({ where: { action: { in: ["staff.deactivated", "staff.reactivated"] } } });

beforeAll(async () => {
  for (const shop of [SHOP_A, SHOP_B]) {
    for (const userId of [OWNER, ADMIN, MANAGER, OTHER]) {
      expect((await visit(userId, shop)).status).toBe(200);
      const shopId = (await prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).id;
      ids.set(`${shop}:${userId}`, (await prisma.staffMember.findFirstOrThrow({ where: { shopId, shopifyUserId: String(userId) } })).id);
    }
  }
});

beforeEach(async () => {
  await prisma.staffMember.updateMany({ data: { active: true } });
  await prisma.staffMember.updateMany({ where: { shopifyUserId: String(ADMIN) }, data: { roleKey: "admin" } });
  await prisma.staffMember.updateMany({ where: { shopifyUserId: String(MANAGER) }, data: { roleKey: "manager" } });
  await prisma.staffMember.updateMany({ where: { shopifyUserId: String(OTHER) }, data: { roleKey: "support" } });
});

describe("deactivating and reactivating", () => {
  it("deactivates a member who left: audited, refused by every page, listed as deactivated; reactivation restores access", async () => {
    const response = await post(staffId(OTHER), { active: false });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ staffMember: { id: staffId(OTHER), active: false }, changed: true });
    expect((await member(OTHER)).active).toBe(false);
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { action: "staff.deactivated", entityId: staffId(OTHER) } });
    expect(audit).toMatchObject({ before: { active: true }, after: { active: false }, actorType: "staff", actorId: staffId(OWNER) });

    const refused = await visit(OTHER);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: "FORBIDDEN", details: { reason: "deactivated" } });

    const list = await visit(OWNER);
    expect(list.body.staff.find((row) => row.id === staffId(OTHER))).toMatchObject({ active: false });
    expect(list.body.staff.at(-1)?.id).toBe(staffId(OTHER));

    const back = await post(staffId(OTHER), { active: true });
    expect(back.status).toBe(200);
    expect((await visit(OTHER)).status).toBe(200);
    expect(await prisma.auditLog.count({ where: { action: "staff.reactivated", entityId: staffId(OTHER) } })).toBe(1);
  });

  it("changes nothing when the member already has that access", async () => {
    const before = await accessAudits();
    const response = await post(staffId(OTHER), { active: true });
    expect(response.body).toEqual({ staffMember: { id: staffId(OTHER), active: true }, changed: false });
    expect(await accessAudits()).toBe(before);
  });
});

describe("refusals leave everything as it was", () => {
  it("nobody deactivates themselves or the account owner (409)", async () => {
    const before = await accessAudits();
    const self = await post(staffId(ADMIN), { active: false }, { as: ADMIN });
    expect(self.status).toBe(409);
    expect(self.body.error.message).toBe("You cannot deactivate yourself.");
    const owner = await post(staffId(OWNER), { active: false }, { as: ADMIN });
    expect(owner.status).toBe(409);
    expect((await member(ADMIN)).active).toBe(true);
    expect((await member(OWNER)).active).toBe(true);
    expect(await accessAudits()).toBe(before);
  });

  it("an admin cannot deactivate someone ranked above them: 403 with authz.denied", async () => {
    await prisma.staffMember.update({ where: { id: staffId(MANAGER) }, data: { roleKey: "owner" } });
    const response = await post(staffId(MANAGER), { active: false }, { as: ADMIN });
    expect(response.status).toBe(403);
    expect((await member(MANAGER)).active).toBe(true);
    expect(await prisma.auditLog.count({ where: { action: "authz.denied", entityId: staffId(MANAGER), correlationId: response.body.error.correlationId } })).toBe(1);
  });

  it("needs staff.manage (a Manager has not): 403 naming it", async () => {
    const response = await post(staffId(OTHER), { active: false }, { as: MANAGER });
    expect(response.status).toBe(403);
    expect(response.body.error.details).toMatchObject({ permission: "staff.manage" });
    expect((await member(OTHER)).active).toBe(true);
  });

  it("validates the body and the id", async () => {
    const badBody = await post(staffId(OTHER), { active: "no" });
    expect(badBody.status).toBe(400);
    expect(badBody.body.error.fields).toEqual({ active: ["Send true or false"] });
    expect((await post("NOT AN ID", { active: false })).status).toBe(400);
    expect((await post("c".repeat(25), { active: false })).status).toBe(404);
    expect((await member(OTHER)).active).toBe(true);
  });

  it("never reaches another shop's staff (404, untouched)", async () => {
    const response = await post(staffId(OTHER, SHOP_B), { active: false });
    expect(response.status).toBe(404);
    expect((await member(OTHER, SHOP_B)).active).toBe(true);
  });
});
