/**
 * Approvals and held runs over HTTP, beyond the catalog's own flow tests
 * (app/actions/catalog-actions.test.ts covers hold -> confirm once, self-approval, the granted
 * audit and the timeline steps, deny with a reason, expiry, the basic inbox): what the pages
 * rely on. The requester's held runs come back with the ticket and order pages (preview and rule
 * included, so a reload shows the same modal or banner); an approval for an action switched off
 * meanwhile is refused and closed; a withdrawn request cannot be approved; an approved action
 * that Shopify refuses answers the exception the inbox links to; who may decide; the inbox's
 * action filter and validation; Home's pending count; two shops.
 * Real Requests with valid session tokens into the real routes; Shopify is the sandbox.
 */
import { randomUUID } from "node:crypto";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { bagMinor } from "../../sandbox/store/money";
import { SHOP_A, SHOP_B, startTestSandbox } from "../../tests/helpers/sandbox";
import { adminDocumentRequest, adminFetchRequest, call } from "../../tests/helpers/shopify";
import prisma from "../db.server";
import { scopedDb } from "../lib/tenancy.server";
import { ingestOrder } from "../orders/ingest-order.server";
import type { SnapshotContent } from "../orders/build-snapshot";
import { bumpPolicyVersion } from "../policy/load-policy.server";
import { loader as homeLoader } from "../routes/app._index";
import { action as orderActionRoute } from "../routes/app.action-center.orders.$id.actions.$type";
import { action as ticketActionRoute } from "../routes/app.action-center.tickets.$id.actions.$type";
import { action as cancelRoute } from "../routes/app.action-center.runs.$id.cancel";
import { action as confirmRoute } from "../routes/app.action-center.runs.$id.confirm";
import { action as approveRoute } from "../routes/app.approvals.$id.approve";
import { action as denyRoute } from "../routes/app.approvals.$id.deny";
import { loader as approvalsLoader } from "../routes/app.approvals._index";
import { loader as orderLoader } from "../routes/app.orders.$id";
import { loader as ticketLoader } from "../routes/app.tickets.$id";
import { offlineClient } from "../shopify/offline-client.server";
import { createTicket } from "../tickets/create-ticket.server";

const sandbox = await startTestSandbox();

const OWNER = 9001;
const MANAGER = 9003;
const AGENT = 9004;

// Response bodies are dynamic JSON in these tests.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let shopId: string;
let shopBId: string;
const db = () => scopedDb(shopId);

function post(path: string, body: unknown, options: { userId?: number; shop?: string; key?: boolean } = {}) {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (options.key !== false) headers["Idempotency-Key"] = `test-${randomUUID()}`;
  return adminFetchRequest(path, { shop: options.shop ?? SHOP_A, userId: options.userId ?? OWNER, method: "POST", headers, body: JSON.stringify(body) });
}

function runOnOrder(orderId: string, type: string, input: unknown, options: { userId?: number; shop?: string } = {}) {
  const request = post(`/app/action-center/orders/${orderId}/actions/${type}`, input, options);
  return call<Json>(() => orderActionRoute({ request, params: { id: orderId, type }, context: {} } as ActionFunctionArgs));
}

function runOnTicket(ticketId: string, type: string, input: unknown, options: { userId?: number } = {}) {
  const request = post(`/app/action-center/tickets/${ticketId}/actions/${type}`, input, options);
  return call<Json>(() => ticketActionRoute({ request, params: { id: ticketId, type }, context: {} } as ActionFunctionArgs));
}

const confirm = (runId: string, userId = OWNER) => call<Json>(() => confirmRoute({ request: post(`/app/action-center/runs/${runId}/confirm`, {}, { userId, key: false }), params: { id: runId }, context: {} } as ActionFunctionArgs));
const cancel = (runId: string, userId = OWNER) => call<Json>(() => cancelRoute({ request: post(`/app/action-center/runs/${runId}/cancel`, {}, { userId, key: false }), params: { id: runId }, context: {} } as ActionFunctionArgs));
const approve = (id: string, userId: number, body: unknown = {}) => call<Json>(() => approveRoute({ request: post(`/app/approvals/${id}/approve`, body, { userId, key: false }), params: { id }, context: {} } as ActionFunctionArgs));
const deny = (id: string, userId: number, body: unknown) => call<Json>(() => denyRoute({ request: post(`/app/approvals/${id}/deny`, body, { userId, key: false }), params: { id }, context: {} } as ActionFunctionArgs));
const inbox = (userId: number, query = "", shop = SHOP_A) => call<Json>(() => approvalsLoader({ request: adminFetchRequest(`/app/approvals${query}`, { shop, userId }), params: {}, context: {} } as LoaderFunctionArgs));
const orderPage = (id: string, userId = OWNER) => call<Json>(() => orderLoader({ request: adminFetchRequest(`/app/orders/${id}`, { shop: SHOP_A, userId }), params: { id }, context: {} } as LoaderFunctionArgs));
const ticketPage = (id: string, userId = OWNER) => call<Json>(() => ticketLoader({ request: adminFetchRequest(`/app/tickets/${id}`, { shop: SHOP_A, userId }), params: { id }, context: {} } as LoaderFunctionArgs));
const home = (userId: number) => call<Json>(() => homeLoader({ request: adminDocumentRequest("/app", { shop: SHOP_A, userId }), params: {}, context: {} }));

/** A freshly placed, paid order with a customer and at least 30.00 to refund, imported. */
async function newPaidOrder(): Promise<{ id: string; shopifyId: string }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const { order } = await sandbox.createOrder(SHOP_A, { archetype: "paid_unfulfilled" });
    if (!order.customer || bagMinor(order.netPaymentSet) < 3000) continue;
    const shopifyId = order.id as string;
    await ingestOrder({ db: db(), client: await offlineClient(SHOP_A), shopifyId });
    return { id: (await db().order.findFirstOrThrow({ where: { shopifyId } })).id, shopifyId };
  }
  throw new Error("the sandbox placed no suitable order in 20 attempts");
}

const refundsIn = (shopifyId: string) => sandbox.store.getOrder(SHOP_A, shopifyId)!.refunds;

/** The store policy for one action, as the settings page would save it (no limits). */
async function setPolicy(actionType: string, permission: { enabled: boolean; requiresConfirmation?: boolean; approvalMode?: string; approvalThreshold?: string | null; approvalExpiryHours?: number }) {
  await db().$transaction(async (tx) => {
    const data = { requiresConfirmation: false, approvalMode: "off", approvalThreshold: null, approvalExpiryHours: 24, ...permission };
    await tx.actionPermission.upsert({ where: { shopId_actionType: { shopId, actionType } }, create: { actionType, ...data } as never, update: data });
    await tx.actionLimit.deleteMany({ where: { actionType } });
    await bumpPolicyVersion(tx, shopId);
  });
}

/** Closes every pending request, so each test's inbox and counts start from nothing waiting. */
async function closePendingRequests() {
  for (const request of await db().approvalRequest.findMany({ where: { status: "pending" } })) await cancel(request.runId, Number((await db().staffMember.findUniqueOrThrow({ where: { id: request.requestedById! } })).shopifyUserId));
}

beforeAll(async () => {
  for (const shop of [SHOP_A, SHOP_B]) await call(() => homeLoader({ request: adminDocumentRequest("/app", { shop }), params: {}, context: {} }));
  shopId = (await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_A } })).id;
  shopBId = (await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_B } })).id;
  for (const userId of [MANAGER, AGENT]) await call(() => homeLoader({ request: adminDocumentRequest("/app", { shop: SHOP_A, userId }), params: {}, context: {} }));
  await prisma.staffMember.updateMany({ where: { shopId, shopifyUserId: String(MANAGER) }, data: { roleKey: "manager" } });
  await prisma.staffMember.updateMany({ where: { shopId, shopifyUserId: String(AGENT) }, data: { roleKey: "agent" } });
}, 120_000);

afterEach(async () => {
  // More actions per minute than the per-staff write limit allows a person (tested in app/ratelimit).
  await prisma.rateLimitCounter.deleteMany({ where: { shopId: { in: [shopId, shopBId] } } });
});

describe("held runs on the ticket and order pages", () => {
  it("come back for their requester after a reload, with the preview and the rule; nobody else sees them", async () => {
    await closePendingRequests();
    await setPolicy("process_refund", { enabled: true, requiresConfirmation: true, approvalMode: "above_amount", approvalThreshold: "10.00" });
    const order = await newPaidOrder();
    const ticket = await createTicket({ db: db(), shopId, actor: { type: "system", id: null, label: "System" }, correlationId: "approvals-test-ticket", channel: "staff", input: { subject: "Refund please", priority: "normal", orderId: order.id } });

    const toConfirm = await runOnTicket(ticket.id, "process_refund", { amount: "4.00" });
    expect(toConfirm.status).toBe(202);
    expect(toConfirm.body.run.status).toBe("pending_confirmation");
    const toApprove = await runOnOrder(order.id, "process_refund", { amount: "12.00" });
    expect(toApprove.body.run.status).toBe("pending_approval");

    const onTicket = (await ticketPage(ticket.id)).body.actionPanel;
    // The one held on the ticket page shows there, with what the first answer said.
    expect(onTicket.held).toEqual([
      { runId: toConfirm.body.run.id, type: "process_refund", label: "Process refund", status: "pending_confirmation", preview: toConfirm.body.preview, rule: toConfirm.body.decision.rule, expiresAt: null },
    ]);
    // The order page shows every held run on the order, also those asked for from its tickets.
    const onOrder = (await orderPage(order.id)).body.actionPanel;
    expect(onOrder.held).toEqual([
      { runId: toApprove.body.run.id, type: "process_refund", label: "Process refund", status: "pending_approval", preview: toApprove.body.preview, rule: toApprove.body.decision.rule, expiresAt: toApprove.body.approval.expiresAt },
      onTicket.held[0],
    ]);
    // The panel knows in advance what the policy will ask.
    expect(onOrder.actions.find((action: Json) => action.type === "process_refund").policy).toEqual({ enabled: true, requiresConfirmation: true, approval: "above_amount", approvalThreshold: "10.00" });
    expect(onOrder.actions.find((action: Json) => action.type === "create_task").policy).toBeNull();

    // Another staff member's page does not offer someone else's confirmation.
    expect((await ticketPage(ticket.id, MANAGER)).body.actionPanel.held).toEqual([]);
    expect((await orderPage(order.id, MANAGER)).body.actionPanel.held).toEqual([]);

    // Once decided or withdrawn, they leave the page.
    expect((await confirm(toConfirm.body.run.id)).status).toBe(200);
    expect((await cancel(toApprove.body.run.id)).status).toBe(200);
    expect((await ticketPage(ticket.id)).body.actionPanel.held).toEqual([]);
    expect((await orderPage(order.id)).body.actionPanel.held).toEqual([]);
    expect(refundsIn(order.shopifyId)).toHaveLength(1);
  });
});

describe("deciding a request", () => {
  it("refuses and closes an approval for an action switched off meanwhile", async () => {
    await setPolicy("process_refund", { enabled: true, approvalMode: "always" });
    const order = await newPaidOrder();
    const held = await runOnOrder(order.id, "process_refund", { amount: "2.00" });
    expect(held.status).toBe(202);
    await setPolicy("process_refund", { enabled: false, requiresConfirmation: true });

    const refused = await approve(held.body.approval.id, MANAGER, { note: "Looks fine" });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: "POLICY_DENIED", message: "Process refund is turned off in this store's action policy" });
    expect(await db().approvalRequest.findUniqueOrThrow({ where: { id: held.body.approval.id } })).toMatchObject({ status: "cancelled", decisionNote: "Process refund is turned off in this store's action policy" });
    expect(await db().run.findUniqueOrThrow({ where: { id: held.body.run.id } })).toMatchObject({ status: "cancelled", error: { code: "REFUSED" } });
    expect(await db().auditLog.count({ where: { entityId: held.body.run.id, action: "action.refused" } })).toBe(1);
    expect(await db().auditLog.count({ where: { entityId: held.body.approval.id, action: "approval.granted" } })).toBe(0);
    expect(refundsIn(order.shopifyId)).toHaveLength(0);

    // Closed for good: the inbox lists it as cancelled, and it cannot be approved again.
    const cancelled = await inbox(MANAGER, "?status=cancelled");
    expect(cancelled.body.rows.find((row: Json) => row.id === held.body.approval.id)).toMatchObject({ status: "cancelled", decisionNote: "Process refund is turned off in this store's action policy" });
    expect((await approve(held.body.approval.id, MANAGER)).status).toBe(409);
  });

  it("lets only the requester withdraw a request; a withdrawn request cannot be approved or denied", async () => {
    await setPolicy("process_refund", { enabled: true, approvalMode: "always" });
    const order = await newPaidOrder();
    const held = await runOnOrder(order.id, "process_refund", { amount: "3.00" });
    const byOther = await cancel(held.body.run.id, MANAGER);
    expect(byOther.status).toBe(403);
    expect(byOther.body.error.message).toBe("Only the person who asked for this action can cancel it");
    expect((await cancel(held.body.run.id)).body).toEqual({ runId: held.body.run.id, status: "cancelled" });

    expect(await db().approvalRequest.findUniqueOrThrow({ where: { id: held.body.approval.id } })).toMatchObject({ status: "cancelled" });
    const approved = await approve(held.body.approval.id, MANAGER);
    expect(approved.status).toBe(409);
    expect(approved.body.error.message).toBe("This request is already cancelled");
    expect((await deny(held.body.approval.id, MANAGER, { note: "Too late" })).status).toBe(409);
    expect((await cancel(held.body.run.id)).status).toBe(409);
    expect((await inbox(MANAGER, "?status=pending")).body.rows.some((row: Json) => row.id === held.body.approval.id)).toBe(false);
    expect((await inbox(MANAGER, "?status=cancelled")).body.rows.some((row: Json) => row.id === held.body.approval.id)).toBe(true);
    expect(refundsIn(order.shopifyId)).toHaveLength(0);
  });

  it("answers the exception when Shopify refuses an approved action; the inbox shows who approved it", async () => {
    await setPolicy("process_refund", { enabled: true, approvalMode: "always" });
    const order = await newPaidOrder();
    const held = await runOnOrder(order.id, "process_refund", { amount: "5.00" });
    // Someone refunds everything in Shopify admin before the approval; our snapshot has not
    // heard of it yet, so the action reaches Shopify, which refuses it.
    const snapshot = (await db().orderSnapshot.findFirstOrThrow({ where: { orderId: order.id }, orderBy: { version: "desc" } })).content as unknown as SnapshotContent;
    await sandbox.changeOrder(SHOP_A, order.shopifyId, { type: "refund", amount: snapshot.totals.received!.shop.amount });

    const failed = await approve(held.body.approval.id, MANAGER, { note: "Goodwill" });
    expect(failed.status).toBe(422);
    expect(failed.body.error.code).toBe("SHOPIFY_USER_ERROR");
    expect(failed.body.error.details).toMatchObject({ runId: held.body.run.id, exceptionId: expect.any(String) });
    expect(await db().actionException.findUniqueOrThrow({ where: { id: failed.body.error.details.exceptionId } })).toMatchObject({ status: "open", actionType: "process_refund", reasonCode: "SHOPIFY_USER_ERROR" });
    expect(await db().run.findUniqueOrThrow({ where: { id: held.body.run.id } })).toMatchObject({ status: "failed" });

    const row = (await inbox(OWNER, "?status=approved")).body.rows.find((r: Json) => r.id === held.body.approval.id);
    expect(row).toMatchObject({ status: "approved", decidedBy: "Mia Manager", decisionNote: "Goodwill", amount: "5.00", currencyCode: expect.stringMatching(/^[A-Z]{3}$/), order: { id: order.id, name: expect.stringMatching(/^#\d+$/) } });
    expect(row.decidedAt).toEqual(expect.any(String));
  });

  it("validates the approval note and the deny reason field by field", async () => {
    await setPolicy("process_refund", { enabled: true, approvalMode: "always" });
    const order = await newPaidOrder();
    const held = await runOnOrder(order.id, "process_refund", { amount: "1.00" });
    const longNote = await approve(held.body.approval.id, MANAGER, { note: "x".repeat(501) });
    expect(longNote.status).toBe(400);
    expect(longNote.body.error.fields).toEqual({ note: ["At most 500 characters"] });
    const blankReason = await deny(held.body.approval.id, MANAGER, { note: "   " });
    expect(blankReason.status).toBe(400);
    expect(blankReason.body.error.fields).toEqual({ note: ["Say why you deny it"] });
    expect(await db().approvalRequest.findUniqueOrThrow({ where: { id: held.body.approval.id } })).toMatchObject({ status: "pending" });
    await cancel(held.body.run.id);
  });

  it("needs approvals.decide: an Agent is refused the inbox, approve and deny with 403 and an authz.denied row each", async () => {
    await setPolicy("process_refund", { enabled: true, approvalMode: "always" });
    const order = await newPaidOrder();
    const held = await runOnOrder(order.id, "process_refund", { amount: "1.00" });
    const agent = await db().staffMember.findFirstOrThrow({ where: { shopifyUserId: String(AGENT) } });
    const denials = () => db().auditLog.count({ where: { action: "authz.denied", actorId: agent.id, entityId: "approvals.decide" } });
    const before = await denials();
    const answers = [await inbox(AGENT), await approve(held.body.approval.id, AGENT), await deny(held.body.approval.id, AGENT, { note: "No" })];
    for (const answer of answers) {
      expect(answer.status).toBe(403);
      expect(answer.body.error).toMatchObject({ code: "FORBIDDEN", details: { permission: "approvals.decide", role: "agent" } });
    }
    expect(await denials()).toBe(before + 3);
    expect(await db().approvalRequest.findUniqueOrThrow({ where: { id: held.body.approval.id } })).toMatchObject({ status: "pending" });
    await cancel(held.body.run.id);
  });
});

describe("the inbox", () => {
  it("filters by action type, refuses malformed filters, and pages with a cursor without repeats", async () => {
    await closePendingRequests();
    await setPolicy("process_refund", { enabled: true, approvalMode: "always" });
    await setPolicy("tag_order", { enabled: true, approvalMode: "always" });
    const order = await newPaidOrder();
    const refund = await runOnOrder(order.id, "process_refund", { amount: "1.00" });
    const tag = await runOnOrder(order.id, "tag_order", { tags: ["vip"] });
    expect(tag.body.run.status).toBe("pending_approval");

    const tags = await inbox(MANAGER, "?actionType=tag_order");
    expect(tags.body.rows.map((row: Json) => row.id)).toEqual([tag.body.approval.id]);
    expect(tags.body.rows[0]).toMatchObject({ actionLabel: "Tag order", amount: null, currencyCode: null, reason: "Tag order is allowed by this store's action policy; Tag order always needs approval by a second staff member", mine: false });
    const refunds = await inbox(MANAGER, "?actionType=process_refund");
    expect(refunds.body.rows.map((row: Json) => row.id)).toEqual([refund.body.approval.id]);

    // Every request of the shop, one per page, newest first, each exactly once.
    const all = await db().approvalRequest.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: { id: true } });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Json = await inbox(MANAGER, `?status=all&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.rows.map((row: Json) => row.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((row) => row.id));

    const bad = await inbox(MANAGER, "?actionType=Tag%20Order&cursor=!!");
    expect(bad.status).toBe(400);
    expect(bad.body.rows).toEqual([]);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(["actionType", "cursor"]);
    await cancel(refund.body.run.id);
    await cancel(tag.body.run.id);
  });

  it("counts what waits on Home for those who decide, leaving out expired requests", async () => {
    await closePendingRequests();
    await setPolicy("process_refund", { enabled: true, approvalMode: "always" });
    const order = await newPaidOrder();
    const first = await runOnOrder(order.id, "process_refund", { amount: "1.00" });
    const second = await runOnOrder(order.id, "process_refund", { amount: "2.00" });
    expect((await home(MANAGER)).body.summary.approvals).toEqual({ pending: 2 });
    await db().approvalRequest.update({ where: { id: second.body.approval.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await home(MANAGER)).body.summary.approvals).toEqual({ pending: 1 });
    expect((await home(AGENT)).body.summary.approvals).toBeNull();
    await cancel(first.body.run.id);
    expect((await home(MANAGER)).body.summary.approvals).toEqual({ pending: 0 });
  });
});

describe("two shops", () => {
  it("never list, decide, confirm or cancel each other's requests", async () => {
    await setPolicy("process_refund", { enabled: true, approvalMode: "always" });
    const order = await newPaidOrder();
    const held = await runOnOrder(order.id, "process_refund", { amount: "1.00" });
    const shopBInbox = await inbox(OWNER, "?status=all", SHOP_B);
    expect(shopBInbox.status).toBe(200);
    expect(shopBInbox.body.rows.some((row: Json) => row.id === held.body.approval.id)).toBe(false);
    expect(await prisma.approvalRequest.count({ where: { shopId: shopBId } })).toBe(shopBInbox.body.rows.length);

    const asShopB = (path: string, body: unknown) => post(path, body, { shop: SHOP_B, key: false });
    const answers = await Promise.all([
      call<Json>(() => approveRoute({ request: asShopB(`/app/approvals/${held.body.approval.id}/approve`, {}), params: { id: held.body.approval.id }, context: {} } as ActionFunctionArgs)),
      call<Json>(() => denyRoute({ request: asShopB(`/app/approvals/${held.body.approval.id}/deny`, { note: "Not ours" }), params: { id: held.body.approval.id }, context: {} } as ActionFunctionArgs)),
      call<Json>(() => confirmRoute({ request: asShopB(`/app/action-center/runs/${held.body.run.id}/confirm`, {}), params: { id: held.body.run.id }, context: {} } as ActionFunctionArgs)),
      call<Json>(() => cancelRoute({ request: asShopB(`/app/action-center/runs/${held.body.run.id}/cancel`, {}), params: { id: held.body.run.id }, context: {} } as ActionFunctionArgs)),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([404, 404, 404, 404]);
    expect(await db().approvalRequest.findUniqueOrThrow({ where: { id: held.body.approval.id } })).toMatchObject({ status: "pending" });
    expect(await db().run.findUniqueOrThrow({ where: { id: held.body.run.id } })).toMatchObject({ status: "pending_approval" });
    await cancel(held.body.run.id);
  });
});
