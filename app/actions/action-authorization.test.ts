/**
 * Permission comes first on every action route: a role without the action's permission gets
 * 403 (audited) before its input is read, so it never learns the action's fields from a 400;
 * and confirming or withdrawing a held run needs the action's permission too (audited).
 */
import { describe, expect, it } from "vitest";
import { MANAGER, actionTestKit } from "../../tests/helpers/actions";
import { SHOP_A } from "../../tests/helpers/sandbox";
import { adminFetchRequest, call } from "../../tests/helpers/shopify";
import prisma from "../db.server";
import { action as orderActionRoute } from "../routes/app.action-center.orders.$id.actions.$type";
import type { ActionFunctionArgs } from "@remix-run/node";

const VIEWER = 9005;
const kit = await actionTestKit();
const { db, runAction, confirm, cancel, newPaidOrder, setPolicy } = kit;

const denials = (permission: string) => db().auditLog.count({ where: { action: "authz.denied", entityId: permission } });

describe("an action route", () => {
  it("answers 403 to a role without the action's permission, before looking at the input", async () => {
    const order = await newPaidOrder();
    const before = await denials("actions.refund");
    const empty = await runAction(order.id, "process_refund", {}, { userId: VIEWER });
    expect(empty.status).toBe(403);
    expect(empty.body.error).toMatchObject({ code: "FORBIDDEN", details: { permission: "actions.refund" } });
    expect(empty.body.error.fields).toBeUndefined();
    // Not even a body that is not JSON gets as far as a 400.
    const request = adminFetchRequest(`/app/action-center/orders/${order.id}/actions/process_refund`, {
      shop: SHOP_A,
      userId: VIEWER,
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": "viewer-malformed-1" },
      body: "{not json",
    });
    const malformed = await call<{ error: { code: string } }>(() => orderActionRoute({ request, params: { id: order.id, type: "process_refund" }, context: {} } as ActionFunctionArgs));
    expect(malformed.status).toBe(403);
    expect(await denials("actions.refund")).toBe(before + 2);
    expect(await db().run.count({ where: { orderId: order.id } })).toBe(0);
  });
});

describe("a held run", () => {
  it("cannot be confirmed or withdrawn once its requester lost the action's permission, and each refusal is audited", async () => {
    await setPolicy("process_refund", { enabled: true, requiresConfirmation: true });
    const order = await newPaidOrder();
    const held = await runAction(order.id, "process_refund", { amount: "4.00" }, { userId: MANAGER });
    expect(held.status).toBe(202);
    const runId = held.body.run.id;
    await prisma.staffMember.updateMany({ where: { shopId: kit.shopId, shopifyUserId: String(MANAGER) }, data: { roleKey: "agent" } });
    try {
      const before = await denials("actions.refund");
      const confirmed = await confirm(runId, MANAGER);
      expect(confirmed.status).toBe(403);
      expect(confirmed.body.error.details).toMatchObject({ permission: "actions.refund" });
      const cancelled = await cancel(runId, MANAGER);
      expect(cancelled.status).toBe(403);
      expect(cancelled.body.error.details).toMatchObject({ permission: "actions.refund" });
      expect(await denials("actions.refund")).toBe(before + 2);
      expect((await db().run.findUniqueOrThrow({ where: { id: runId } })).status).toBe("pending_confirmation");
    } finally {
      await prisma.staffMember.updateMany({ where: { shopId: kit.shopId, shopifyUserId: String(MANAGER) }, data: { roleKey: "manager" } });
    }
    expect((await cancel(runId, MANAGER)).status).toBe(200);
  });
});
