/**
 * The Shopify action catalog and the store policy end to end over HTTP: real Requests with
 * valid session tokens into the real routes, Shopify played by the sandbox (its mutations run
 * against the official schema). Covers, per action, execution with re-ingest, timeline, run
 * result and audit before/after; and for the money action: disabled, amount and percentage
 * caps, the confirmation flow (exactly once), the approval flow (two-person rule, expiry,
 * deny), a Shopify userError -> exception -> retry, and a retry after a lost answer refunding once.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { describe, expect, it, vi } from "vitest";
import { AGENT, MANAGER, OWNER, actionTestKit, type Json } from "../../tests/helpers/actions";
import { SHOP_A, SHOP_B } from "../../tests/helpers/sandbox";
import { adminFetchRequest, call } from "../../tests/helpers/shopify";
import prisma from "../db.server";
import { compareDecimal, fromMicros, toMicros } from "../lib/money";
import { action as cancelRoute } from "../routes/app.action-center.runs.$id.cancel";
import { action as confirmRoute } from "../routes/app.action-center.runs.$id.confirm";
import { action as approveRoute } from "../routes/app.approvals.$id.approve";
import { action as denyRoute } from "../routes/app.approvals.$id.deny";
import { loader as approvalsLoader } from "../routes/app.approvals._index";
import { applyDiscountAction } from "./apply-discount.server";
import { processRefundAction } from "./process-refund.server";

const kit = await actionTestKit();
const { sandbox, db, post, runAction, confirm, cancel, approve, deny, retry, importOrder, newPaidOrder, sandboxOrder, latestSnapshot, setPolicy } = kit;

describe("install defaults (seed 001)", () => {
  it("turns on look-ups and tracking, and turns off everything that moves money or goods", async () => {
    const rows = await db().actionPermission.findMany({ orderBy: { actionType: "asc" } });
    expect(Object.fromEntries(rows.map((row) => [row.actionType, [row.enabled, row.requiresConfirmation]]))).toEqual({
      add_order_note: [true, false],
      apply_discount: [false, true],
      cancel_order: [false, true],
      initiate_return: [false, true],
      lookup_order: [true, false],
      process_refund: [false, true],
      send_tracking: [true, false],
      tag_order: [true, false],
      update_address: [false, true],
    });
  });
});

describe("tag_order, add_order_note, lookup_order", () => {
  it("tags the order in Shopify, re-ingests it, and records attempt, outcome, result and before/after", async () => {
    const order = await newPaidOrder();
    const tagsBefore = [...sandboxOrder(order.shopifyId).tags];
    const response = await runAction(order.id, "tag_order", { tags: ["vip", " late-delivery "] });
    expect(response.status).toBe(200);
    expect(response.body.summary).toBe(`Tagged ${sandboxOrder(order.shopifyId).name}: vip, late-delivery`);
    expect(sandboxOrder(order.shopifyId).tags).toEqual(expect.arrayContaining(["vip", "late-delivery"]));
    // Re-ingested at once: our snapshot has the tags without waiting for the webhook.
    expect((await latestSnapshot(order.id)).order.tags).toEqual(expect.arrayContaining(["vip", "late-delivery"]));
    const run = await db().run.findUniqueOrThrow({ where: { id: response.body.run.id } });
    expect(run).toMatchObject({ status: "succeeded", type: "tag_order", orderId: order.id });
    expect((run.result as Json).shopify.tagsAdd.node.tags).toEqual(expect.arrayContaining(["vip", "late-delivery"]));
    const succeeded = await db().auditLog.findFirstOrThrow({ where: { entityId: run.id, action: "action.succeeded" } });
    expect(succeeded.before).toEqual({ tags: tagsBefore });
    expect((succeeded.after as Json).tags).toEqual(expect.arrayContaining(["vip", "late-delivery"]));
    const timeline = await db().orderTimelineEvent.findMany({ where: { orderId: order.id, source: "action_center" }, orderBy: { occurredAt: "asc" } });
    expect(timeline.map((event) => event.type)).toEqual(["action.attempted", "action.succeeded"]);
  });

  it("replaces the order note; the audit row keeps the lengths, the snapshots the words", async () => {
    const order = await newPaidOrder();
    await runAction(order.id, "add_order_note", { note: "First call" });
    const response = await runAction(order.id, "add_order_note", { note: "Customer asked to hold the parcel" });
    expect(response.status).toBe(200);
    expect(sandboxOrder(order.shopifyId).note).toBe("Customer asked to hold the parcel");
    expect((await latestSnapshot(order.id)).order.note).toBe("Customer asked to hold the parcel");
    const audit = await db().auditLog.findFirstOrThrow({ where: { entityId: response.body.run.id, action: "action.succeeded" } });
    expect(audit.before).toEqual({ noteLength: "First call".length });
    expect(audit.after).toEqual({ noteLength: "Customer asked to hold the parcel".length });
    expect(JSON.stringify(await db().auditLog.findMany({ where: { entityId: response.body.run.id } }))).not.toMatch(/hold the parcel|First call/);
    const notes = await db().orderSnapshot.findMany({ where: { orderId: order.id }, orderBy: { version: "asc" } });
    expect(notes.map((snapshot) => (snapshot.content as Json).order.note)).toEqual(expect.arrayContaining(["First call", "Customer asked to hold the parcel"]));
  });

  it("looks an order up: a change made in Shopify shows here without waiting for its webhook", async () => {
    const order = await newPaidOrder();
    await sandbox.changeOrder(SHOP_A, order.shopifyId, { type: "addTag", tag: "changed-in-shopify" });
    expect((await latestSnapshot(order.id)).order.tags).not.toContain("changed-in-shopify");
    const response = await runAction(order.id, "lookup_order", {});
    expect(response.status).toBe(200);
    expect((await latestSnapshot(order.id)).order.tags).toContain("changed-in-shopify");
  });

  it("validates input field by field and refuses roles without the permission", async () => {
    const order = await newPaidOrder();
    const bad = await runAction(order.id, "tag_order", { tags: ["a,b", ""] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toMatchObject({ "tags.0": ["One tag per entry: no commas"], "tags.1": ["A tag can't be blank"] });
    await prisma.staffMember.updateMany({ where: { shopId: kit.shopId, shopifyUserId: String(AGENT) }, data: { roleKey: "support" } });
    const denied = await runAction(order.id, "tag_order", { tags: ["x"] }, { userId: AGENT });
    await prisma.staffMember.updateMany({ where: { shopId: kit.shopId, shopifyUserId: String(AGENT) }, data: { roleKey: "agent" } });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe("FORBIDDEN");
    expect(sandboxOrder(order.shopifyId).tags).not.toContain("x");
  });
});

describe("send_tracking", () => {
  it("sets a fulfillment's tracking in Shopify, emails the customer, and re-ingests it", async () => {
    const { order: created } = await sandbox.createOrder(SHOP_A, { archetype: "paid_in_transit" });
    const orderId = await importOrder(created.id as string);
    const fulfillment = (await latestSnapshot(orderId)).fulfillments[0]!;
    const response = await runAction(orderId, "send_tracking", { fulfillmentId: fulfillment.id, company: "UPS", number: "1Z-OAC-1", url: "https://ups.example/track/1Z-OAC-1" });
    expect(response.status).toBe(200);
    const inShopify = sandboxOrder(created.id as string);
    expect(inShopify.fulfillments.find((f) => f.id === fulfillment.id)!.trackingInfo).toEqual([expect.objectContaining({ company: "UPS", number: "1Z-OAC-1", url: "https://ups.example/track/1Z-OAC-1" })]);
    expect(inShopify.events.at(-1)?.action).toBe("shipping_update_email_sent");
    expect((await latestSnapshot(orderId)).fulfillments.find((f) => f.id === fulfillment.id)!.tracking).toEqual([{ company: "UPS", number: "1Z-OAC-1", url: "https://ups.example/track/1Z-OAC-1" }]);
    const audit = await db().auditLog.findFirstOrThrow({ where: { entityId: response.body.run.id, action: "action.succeeded" } });
    expect(audit.before).toEqual({ fulfillmentId: fulfillment.id, tracking: fulfillment.tracking });
  });

  it("refuses another order's fulfillment (409, no run) and tracking without a number or URL (400)", async () => {
    const order = await newPaidOrder();
    const runsBefore = await db().run.count();
    const foreign = await runAction(order.id, "send_tracking", { fulfillmentId: "gid://shopify/Fulfillment/999999", number: "X" });
    expect(foreign.status).toBe(409);
    expect(foreign.body.error.message).toBe("That fulfillment is not one of this order's");
    const empty = await runAction(order.id, "send_tracking", { fulfillmentId: "gid://shopify/Fulfillment/999999", company: "UPS" });
    expect(empty.status).toBe(400);
    expect(empty.body.error.fields).toEqual({ number: ["Enter a tracking number or a tracking URL"] });
    expect(await db().run.count()).toBe(runsBefore);
  });
});

describe("cancel_order", () => {
  it("cancels in Shopify, follows the job, re-ingests; refuses when cancelled or fulfilled", async () => {
    await setPolicy("cancel_order", { enabled: true });
    const order = await newPaidOrder();
    const response = await runAction(order.id, "cancel_order", { reason: "CUSTOMER", staffNote: "Customer called" });
    expect(response.status).toBe(200);
    expect(response.body.result.shopify.orderCancel.job.done).toBe(true);
    expect(sandboxOrder(order.shopifyId).cancelledAt).not.toBeNull();
    expect((await latestSnapshot(order.id)).order.cancelledAt).not.toBeNull();
    const again = await runAction(order.id, "cancel_order", { reason: "CUSTOMER" });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe("This order is already cancelled");

    const { order: shipped } = await sandbox.createOrder(SHOP_A, { archetype: "paid_in_transit" });
    const shippedId = await importOrder(shipped.id as string);
    const fulfilled = await runAction(shippedId, "cancel_order", { reason: "CUSTOMER" });
    expect(fulfilled.status).toBe(409);
    expect(fulfilled.body.error.message).toBe("Items of this order were fulfilled: cancel is not possible; start a return instead");
  });

  it("turns Shopify's refusal (the order shipped meanwhile) into an exception; the retry is refused the same way", async () => {
    await setPolicy("cancel_order", { enabled: true });
    const order = await newPaidOrder();
    // The warehouse ships it in Shopify; our snapshot has not heard of it yet.
    await sandbox.changeOrder(SHOP_A, order.shopifyId, { type: "fulfill" });
    const failed = await runAction(order.id, "cancel_order", { reason: "CUSTOMER" });
    expect(failed.status).toBe(422);
    expect(failed.body.error).toMatchObject({ code: "SHOPIFY_USER_ERROR", message: "Shopify refused orderCancel: Cannot cancel an order with fulfillments; cancel its fulfillments first" });
    const { exceptionId } = failed.body.error.details;
    expect(await db().actionException.findUniqueOrThrow({ where: { id: exceptionId } })).toMatchObject({ status: "open", reasonCode: "SHOPIFY_USER_ERROR", actionType: "cancel_order" });
    const again = await retry(exceptionId);
    expect(again.status).toBe(422);
    expect(await db().actionException.findUniqueOrThrow({ where: { id: exceptionId } })).toMatchObject({ status: "open", attempts: 2 });
    expect(sandboxOrder(order.shopifyId).cancelledAt).toBeNull();
  });

  it("cancels without a refund when asked: the payment stays, and the policy weighs no money", async () => {
    await setPolicy("cancel_order", { enabled: true }, [{ limitType: "max_amount", value: "1.00" }]);
    const order = await newPaidOrder();
    const refunding = await runAction(order.id, "cancel_order", { reason: "CUSTOMER" });
    expect(refunding.status).toBe(422);
    expect(refunding.body.error.code).toBe("LIMIT_EXCEEDED");
    const preview = await runAction(order.id, "cancel_order", { reason: "CUSTOMER", refund: false }, { query: "?preview=1" });
    expect(preview.body.preview).toMatch(/keep what was paid \(no refund\)/);
    const kept = await runAction(order.id, "cancel_order", { reason: "CUSTOMER", refund: false });
    expect(kept.status).toBe(200);
    expect(sandboxOrder(order.shopifyId).cancelledAt).not.toBeNull();
    expect(sandboxOrder(order.shopifyId).refunds).toHaveLength(0);
    const snapshot = await latestSnapshot(order.id);
    expect(snapshot.order.cancelledAt).not.toBeNull();
    expect(snapshot.totals.refunded?.shop.amount).toMatch(/^0(\.0+)?$/);
    // What was paid can still be refunded afterwards, as its own action under its own policy.
    await setPolicy("process_refund", { enabled: true });
    expect((await runAction(order.id, "process_refund", { amount: "1.00" })).status).toBe(200);
  });

  it("weighs the money a cancel refunds against the approval threshold", async () => {
    await setPolicy("cancel_order", { enabled: true, approvalMode: "above_amount", approvalThreshold: "0.01" });
    const order = await newPaidOrder();
    const held = await runAction(order.id, "cancel_order", { reason: "INVENTORY" });
    expect(held.status).toBe(202);
    expect(held.body.run.status).toBe("pending_approval");
    const request = await db().approvalRequest.findUniqueOrThrow({ where: { id: held.body.approval.id } });
    // The amount weighed is what the cancel refunds: everything received.
    expect(compareDecimal(request.amount!, (await latestSnapshot(order.id)).totals.received!.shop.amount)).toBe(0);
    expect(sandboxOrder(order.shopifyId).cancelledAt).toBeNull();
    await cancel(held.body.run.id);
  });
});

describe("apply_discount and the discount caps", () => {
  it("caps the discount's percentage and a fixed amount by policy, and creates a code for the customer", async () => {
    await setPolicy("apply_discount", { enabled: true }, [{ limitType: "max_percentage", value: "20" }, { limitType: "max_amount", value: "15.00" }]);
    const order = await newPaidOrder();
    const over = await runAction(order.id, "apply_discount", { percentage: "30" });
    expect(over.status).toBe(422);
    expect(over.body.error).toMatchObject({ code: "LIMIT_EXCEEDED", message: "30% is above this store's limit of 20% for Apply discount" });
    const overAmount = await runAction(order.id, "apply_discount", { amount: "15.01" });
    expect(overAmount.body.error.message).toMatch(/^15\.01 [A-Z]{3} is above this store's limit of 15\.00 [A-Z]{3} for Apply discount$/);

    const ok = await runAction(order.id, "apply_discount", { percentage: "15", code: "SORRY-TEST-1" });
    expect(ok.status).toBe(200);
    expect(ok.body.summary).toBe(`Discount code SORRY-TEST-1 (15%) created for the customer of ${sandboxOrder(order.shopifyId).name}`);
    expect(ok.body.result.shopify.discountCodeBasicCreate.codeDiscountNode.codeDiscount).toMatchObject({ status: "ACTIVE", codes: { nodes: [{ code: "SORRY-TEST-1" }] } });

    // Shopify refuses a code that exists: a userError, a failed run and an exception.
    const taken = await runAction(order.id, "apply_discount", { percentage: "10", code: "sorry-test-1" });
    expect(taken.status).toBe(422);
    expect(taken.body.error).toMatchObject({ code: "SHOPIFY_USER_ERROR", fields: { code: ["This code is taken"] } });
    expect(await db().actionException.findUniqueOrThrow({ where: { id: taken.body.error.details.exceptionId } })).toMatchObject({ reasonCode: "SHOPIFY_USER_ERROR", actionType: "apply_discount" });
  });

  it("needs exactly one of a percentage or an amount, at most 100%", async () => {
    await setPolicy("apply_discount", { enabled: true });
    const order = await newPaidOrder();
    expect((await runAction(order.id, "apply_discount", {})).body.error.fields).toEqual({ percentage: ["Enter either a percentage or an amount"] });
    expect((await runAction(order.id, "apply_discount", { percentage: "10", amount: "5" })).body.error.fields).toEqual({ amount: ["Enter either a percentage or an amount"] });
    expect((await runAction(order.id, "apply_discount", { percentage: "101" })).body.error.fields).toEqual({ percentage: ["At most 100%"] });
  });

  it("does not create a second code when the answer was lost: the retry finds its own code", async () => {
    await setPolicy("apply_discount", { enabled: true });
    const order = await newPaidOrder();
    const perform = applyDiscountAction.perform!;
    vi.spyOn(applyDiscountAction as Required<typeof applyDiscountAction>, "perform").mockImplementationOnce(async (ctx) => {
      await perform(ctx);
      throw new Error("connection reset after Shopify answered");
    });
    const failed = await runAction(order.id, "apply_discount", { percentage: "5" });
    expect(failed.status).toBe(500);
    const retried = await retry(failed.body.error.details.exceptionId);
    expect(retried.status).toBe(200);
    expect(retried.body.result).toEqual({ code: `SORRY-${failed.body.error.details.rootRunId.slice(-8).toUpperCase()}`, alreadyCreated: true });
  });
});

describe("process_refund and the store policy", () => {
  it("is refused while the store has it switched off (the install default), with the rule", async () => {
    await setPolicy("process_refund", { enabled: false, requiresConfirmation: true });
    const order = await newPaidOrder();
    const runsBefore = await db().run.count();
    const response = await runAction(order.id, "process_refund", { amount: "5.00" });
    expect(response.status).toBe(403);
    expect(response.body.error).toMatchObject({ code: "POLICY_DENIED", message: "Process refund is turned off in this store's action policy" });
    expect(await db().run.count()).toBe(runsBefore);
    expect(sandboxOrder(order.shopifyId).refunds).toHaveLength(0);
  });

  it("refunds within the caps, re-ingests, and refuses above the amount and the percentage caps", async () => {
    const order = await newPaidOrder();
    await setPolicy("process_refund", { enabled: true }, [{ limitType: "max_amount", value: "20.00" }]);
    const overAmount = await runAction(order.id, "process_refund", { amount: "20.01" });
    expect(overAmount.status).toBe(422);
    expect(overAmount.body.error.code).toBe("LIMIT_EXCEEDED");
    expect(overAmount.body.error.message).toMatch(/^20\.01 [A-Z]{3} is above this store's limit of 20\.00 [A-Z]{3} for Process refund$/);

    // 1% of the order's total, plus a cent, is over a 1% cap whatever the total.
    const { currentTotalAmount } = await db().order.findUniqueOrThrow({ where: { id: order.id } });
    const onePercentAndACent = fromMicros(toMicros(currentTotalAmount) / 100n / 10_000n * 10_000n + 10_000n);
    await setPolicy("process_refund", { enabled: true }, [{ limitType: "max_percentage", value: "1" }]);
    const overPercentage = await runAction(order.id, "process_refund", { amount: onePercentAndACent });
    expect(overPercentage.status).toBe(422);
    expect(overPercentage.body.error.message).toMatch(/% is above this store's limit of 1% for Process refund$/);
    expect(sandboxOrder(order.shopifyId).refunds).toHaveLength(0);

    await setPolicy("process_refund", { enabled: true }, [{ limitType: "max_amount", value: "20.00" }, { limitType: "max_percentage", value: "100" }]);
    const ok = await runAction(order.id, "process_refund", { amount: "5.00", note: "Late delivery" });
    expect(ok.status).toBe(200);
    expect(sandboxOrder(order.shopifyId).refunds).toHaveLength(1);
    const snapshot = await latestSnapshot(order.id);
    expect(snapshot.totals.refunded?.shop.amount).toMatch(/^5(\.0+)?$/);
    const audit = await db().auditLog.findFirstOrThrow({ where: { entityId: ok.body.run.id, action: "action.succeeded" } });
    expect(audit.after).toMatchObject({ amount: "5.00" });
    expect((audit.before as Json).refundable).toBeTruthy();
  });

  it("refuses (400 beside the field, no run) an amount finer than the order's currency", async () => {
    await setPolicy("process_refund", { enabled: true });
    const order = await newPaidOrder();
    const { currencyCode } = await db().order.findUniqueOrThrow({ where: { id: order.id } });
    const runsBefore = await db().run.count();
    const response = await runAction(order.id, "process_refund", { amount: "5.001" });
    expect(response.status).toBe(400);
    expect(response.body.error.fields).toEqual({ amount: [`${currencyCode} amounts have at most 2 decimals`] });
    expect(await db().run.count()).toBe(runsBefore);
    expect(sandboxOrder(order.shopifyId).refunds).toHaveLength(0);
  });

  it("refuses (409, no run) more than the snapshot says is refundable", async () => {
    await setPolicy("process_refund", { enabled: true });
    const order = await newPaidOrder();
    const runsBefore = await db().run.count();
    const response = await runAction(order.id, "process_refund", { amount: "999999.00" });
    expect(response.status).toBe(409);
    expect(response.body.error.message).toMatch(/^At most [\d.]+ [A-Z]{3} can be refunded on this order$/);
    expect(await db().run.count()).toBe(runsBefore);
  });

  it("holds for confirmation: nothing happens until the requester confirms, and it executes once", async () => {
    await setPolicy("process_refund", { enabled: true, requiresConfirmation: true });
    const order = await newPaidOrder();
    const held = await runAction(order.id, "process_refund", { amount: "3.00" });
    expect(held.status).toBe(202);
    expect(held.body).toMatchObject({ run: { status: "pending_confirmation" }, decision: { requiresConfirmation: true, requiresApproval: false }, approval: null });
    expect(held.body.preview).toMatch(/^Refund 3\.00 [A-Z]{3} on order #\d+ to the original payment method and email the customer\.$/);
    expect(sandboxOrder(order.shopifyId).refunds).toHaveLength(0);

    expect((await confirm(held.body.run.id, MANAGER)).status).toBe(403);
    const [first, second] = await Promise.all([confirm(held.body.run.id), confirm(held.body.run.id)]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    expect(sandboxOrder(order.shopifyId).refunds).toHaveLength(1);
    const run = await db().run.findUniqueOrThrow({ where: { id: held.body.run.id } });
    expect(run.status).toBe("succeeded");
    const audit = await db().auditLog.findMany({ where: { entityId: run.id }, orderBy: { createdAt: "asc" } });
    expect(audit.map((row) => row.action)).toEqual(["action.confirmation_requested", "action.attempted", "action.succeeded"]);

    // Cancelled instead: it never runs, and cannot be confirmed afterwards.
    const again = await runAction(order.id, "process_refund", { amount: "2.00" });
    expect((await cancel(again.body.run.id)).body).toEqual({ runId: again.body.run.id, status: "cancelled" });
    expect((await confirm(again.body.run.id)).status).toBe(409);
    expect(sandboxOrder(order.shopifyId).refunds).toHaveLength(1);
  });

  it("asks a second person above the approval threshold: never the requester, once, audited", async () => {
    await setPolicy("process_refund", { enabled: true, requiresConfirmation: true, approvalMode: "above_amount", approvalThreshold: "10.00" });
    const order = await newPaidOrder();
    const below = await runAction(order.id, "process_refund", { amount: "10.00" });
    expect(below.body.run.status).toBe("pending_confirmation");
    await cancel(below.body.run.id);

    const held = await runAction(order.id, "process_refund", { amount: "12.00" });
    expect(held.status).toBe(202);
    expect(held.body.run.status).toBe("pending_approval");
    expect(held.body.decision.rule).toMatch(/Process refund above 10\.00 [A-Z]{3} needs approval by a second staff member/);
    const approvalId = held.body.approval.id;

    const self = await approve(approvalId, OWNER);
    expect(self.status).toBe(403);
    expect(self.body.error.message).toBe("You cannot approve your own request: a second staff member must");
    expect(await db().auditLog.count({ where: { entityId: approvalId, action: "approval.self_approval_refused" } })).toBe(1);
    expect((await approve(approvalId, AGENT)).status).toBe(403);
    expect(sandboxOrder(order.shopifyId).refunds).toHaveLength(0);

    // Two clicks at once (the same note): one executes, the other is told it was decided.
    const [granted, late] = await Promise.all([approve(approvalId, MANAGER, "Checked the parcel photos"), approve(approvalId, MANAGER, "Checked the parcel photos")]);
    expect([granted.status, late.status].sort()).toEqual([200, 409]);
    expect(sandboxOrder(order.shopifyId).refunds).toHaveLength(1);
    const request = await db().approvalRequest.findUniqueOrThrow({ where: { id: approvalId } });
    expect(request).toMatchObject({ status: "approved", decisionNote: "Checked the parcel photos", amount: "12.00" });
    const grantedAudit = await db().auditLog.findFirstOrThrow({ where: { entityId: approvalId, action: "approval.granted" } });
    expect(grantedAudit).toMatchObject({ before: { status: "pending" }, after: { status: "approved", noteLength: "Checked the parcel photos".length } });
    // The refund is the requester's action; the approver is on the attempt's audit row.
    const attempted = await db().auditLog.findFirstOrThrow({ where: { entityId: held.body.run.id, action: "action.attempted" } });
    expect(attempted.actorLabel).toBe("Olivia Owner");
    expect(attempted.metadata).toMatchObject({ approvedBy: "Mia Manager", approvalId });
    const timeline = await db().orderTimelineEvent.findMany({ where: { orderId: order.id, dedupeKey: { startsWith: `run:${held.body.run.id}:` } }, orderBy: { occurredAt: "asc" } });
    expect(timeline.map((event) => event.type)).toEqual(["action.awaiting_approval", "action.approved", "action.attempted", "action.succeeded"]);
  });

  it("lists requests in the Approvals inbox: pending first, the requester's own marked, expired ones never pending", async () => {
    await setPolicy("process_refund", { enabled: true, approvalMode: "always" });
    const order = await newPaidOrder();
    const mine = await runAction(order.id, "process_refund", { amount: "1.00" });
    const stale = await runAction(order.id, "process_refund", { amount: "2.00" });
    await db().approvalRequest.update({ where: { id: stale.body.approval.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const inbox = (userId: number, query = "") => call<Json>(() => approvalsLoader({ request: adminFetchRequest(`/app/approvals${query}`, { shop: SHOP_A, userId }), params: {}, context: {} } as LoaderFunctionArgs));
    const forOwner = await inbox(OWNER);
    const row = forOwner.body.rows.find((r: Json) => r.id === mine.body.approval.id);
    expect(row).toMatchObject({ status: "pending", mine: true, actionLabel: "Process refund", amount: "1.00", requestedBy: "Olivia Owner", order: { id: order.id } });
    expect(forOwner.body.rows.some((r: Json) => r.id === stale.body.approval.id)).toBe(false);
    expect((await inbox(MANAGER)).body.rows.find((r: Json) => r.id === mine.body.approval.id).mine).toBe(false);
    const expired = await inbox(MANAGER, "?status=expired");
    expect(expired.body.rows.map((r: Json) => r.id)).toContain(stale.body.approval.id);
    const paged = await inbox(MANAGER, "?status=all&limit=1");
    expect(paged.body.rows).toHaveLength(1);
    expect(paged.body.nextCursor).toEqual(expect.any(String));
    const next = await inbox(MANAGER, `?status=all&limit=1&cursor=${paged.body.nextCursor}`);
    expect(next.body.rows[0].id).not.toBe(paged.body.rows[0].id);
    const bad = await inbox(MANAGER, "?status=maybe");
    expect(bad.body.error.fields).toEqual({ status: ["Choose a status from the list"] });
    expect((await inbox(AGENT)).status).toBe(403);
    await cancel(mine.body.run.id);
  });

  it("denies with a reason (required) and expires unanswered requests", async () => {
    await setPolicy("process_refund", { enabled: true, approvalMode: "always", approvalExpiryHours: 2 });
    const order = await newPaidOrder();
    const held = await runAction(order.id, "process_refund", { amount: "1.00" });
    const noReason = await deny(held.body.approval.id, MANAGER, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.fields).toEqual({ note: ["Say why you deny it"] });
    expect((await deny(held.body.approval.id, MANAGER, { note: "Customer already got a voucher" })).body).toEqual({ id: held.body.approval.id, status: "denied" });
    expect(await db().run.findUniqueOrThrow({ where: { id: held.body.run.id } })).toMatchObject({ status: "cancelled" });
    expect((await approve(held.body.approval.id, MANAGER)).status).toBe(409);

    const stale = await runAction(order.id, "process_refund", { amount: "1.00" });
    await db().approvalRequest.update({ where: { id: stale.body.approval.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await approve(stale.body.approval.id, MANAGER);
    expect(expired.status).toBe(409);
    expect(expired.body.error.message).toBe("This request is already expired");
    expect(await db().run.findUniqueOrThrow({ where: { id: stale.body.run.id } })).toMatchObject({ status: "cancelled", error: { code: "EXPIRED" } });
    expect(await db().auditLog.count({ where: { entityId: stale.body.approval.id, action: "approval.expired", actorType: "system" } })).toBe(1);
    expect(sandboxOrder(order.shopifyId).refunds).toHaveLength(0);
  });

  it("turns a Shopify userError into an exception whose retry succeeds once the cause is fixed", async () => {
    await setPolicy("process_refund", { enabled: true });
    const { order: created } = await sandbox.createOrder(SHOP_A, { archetype: "partially_paid" });
    const shopifyId = created.id as string;
    const orderId = await importOrder(shopifyId);
    const received = (await latestSnapshot(orderId)).totals.received!.shop.amount;
    // Someone refunds everything in Shopify admin; our snapshot has not heard of it yet.
    await sandbox.changeOrder(SHOP_A, shopifyId, { type: "refund", amount: received });
    const failed = await runAction(orderId, "process_refund", { amount: "1.00" });
    expect(failed.status).toBe(422);
    expect(failed.body.error.code).toBe("SHOPIFY_USER_ERROR");
    const { exceptionId, runId } = failed.body.error.details;
    expect(await db().actionException.findUniqueOrThrow({ where: { id: exceptionId } })).toMatchObject({ status: "open", reasonCode: "SHOPIFY_USER_ERROR", actionType: "process_refund" });
    expect(await db().run.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: "failed" });

    // The customer pays the rest: there is money to refund again.
    await sandbox.changeOrder(SHOP_A, shopifyId, { type: "markPaid" });
    const retried = await retry(exceptionId);
    expect(retried.status).toBe(200);
    expect(await db().actionException.findUniqueOrThrow({ where: { id: exceptionId } })).toMatchObject({ status: "resolved" });
    expect(sandboxOrder(shopifyId).refunds).toHaveLength(2);
  });

  it("never refunds twice when Shopify refunded but the answer was lost: the retry reuses the idempotency key", async () => {
    await setPolicy("process_refund", { enabled: true });
    const order = await newPaidOrder();
    const perform = processRefundAction.perform!;
    vi.spyOn(processRefundAction as Required<typeof processRefundAction>, "perform").mockImplementationOnce(async (ctx) => {
      await perform(ctx);
      throw new Error("socket hang up after Shopify answered");
    });
    const failed = await runAction(order.id, "process_refund", { amount: "4.00" });
    expect(failed.status).toBe(500);
    expect(sandboxOrder(order.shopifyId).refunds).toHaveLength(1);
    const retried = await retry(failed.body.error.details.exceptionId);
    expect(retried.status).toBe(200);
    expect(sandboxOrder(order.shopifyId).refunds).toHaveLength(1);
    expect(retried.body.result.shopify.refundCreate.refund.id).toBe(sandboxOrder(order.shopifyId).refunds[0]!.id);
  });

  it("does not reach another shop's orders, runs or approvals", async () => {
    await setPolicy("process_refund", { enabled: true, approvalMode: "always" });
    const order = await newPaidOrder();
    const held = await runAction(order.id, "process_refund", { amount: "1.00" });
    const fromB = await runAction(order.id, "process_refund", { amount: "1.00" }, { shop: SHOP_B });
    expect(fromB.status).toBe(404);
    const request = (path: string) => post(path, { note: "x" }, { shop: SHOP_B, key: false });
    const approveB = await call<Json>(() => approveRoute({ request: request(`/app/approvals/${held.body.approval.id}/approve`), params: { id: held.body.approval.id }, context: {} } as ActionFunctionArgs));
    const denyB = await call<Json>(() => denyRoute({ request: request(`/app/approvals/${held.body.approval.id}/deny`), params: { id: held.body.approval.id }, context: {} } as ActionFunctionArgs));
    const cancelB = await call<Json>(() => cancelRoute({ request: request(`/app/action-center/runs/${held.body.run.id}/cancel`), params: { id: held.body.run.id }, context: {} } as ActionFunctionArgs));
    const confirmB = await call<Json>(() => confirmRoute({ request: request(`/app/action-center/runs/${held.body.run.id}/confirm`), params: { id: held.body.run.id }, context: {} } as ActionFunctionArgs));
    expect([approveB.status, denyB.status, cancelB.status, confirmB.status]).toEqual([404, 404, 404, 404]);
    expect(await db().approvalRequest.findUniqueOrThrow({ where: { id: held.body.approval.id } })).toMatchObject({ status: "pending" });
  });
});
