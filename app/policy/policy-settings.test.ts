/**
 * The action policy page over HTTP: settings read, saved with field-level validation and audit
 * before/after, the decision changing at once (cache invalidated), policy.manage enforced, the
 * simulator answering with the runner's decision for staff, workflow and agent actors, and no
 * shop reaching another's policy.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { SHOP_A, SHOP_B, startTestSandbox } from "../../tests/helpers/sandbox";
import { adminDocumentRequest, adminFetchRequest, call } from "../../tests/helpers/shopify";
import prisma from "../db.server";
import { compareDecimal, percentOf } from "../lib/money";
import { scopedDb } from "../lib/tenancy.server";
import { ingestOrder } from "../orders/ingest-order.server";
import { loader as homeLoader } from "../routes/app._index";
import { loader as policyLoader } from "../routes/app.policy";
import { action as updateRoute } from "../routes/app.policy.update";
import { action as simulateRoute } from "../routes/app.policy.simulate";
import { offlineClient } from "../shopify/offline-client.server";
import { decideActionPolicy } from "./decide-action-policy.server";
import type { ActionPolicyForm } from "./schema";

const sandbox = await startTestSandbox();
const OWNER = 9001;
const AGENT = 9004;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let shopId: string;
let shopBId: string;
let orderName: string;
let orderTotal: string;
let agentStaffId: string;
let orderBId: string;

const load = (options: { userId?: number; shop?: string } = {}) =>
  call<Json>(() => policyLoader({ request: adminFetchRequest("/app/policy", { shop: options.shop ?? SHOP_A, userId: options.userId ?? OWNER }), params: {}, context: {} } as LoaderFunctionArgs));
const post = (route: typeof updateRoute, path: string, body: unknown, options: { userId?: number; shop?: string } = {}) =>
  call<Json>(() =>
    route({
      request: adminFetchRequest(path, { shop: options.shop ?? SHOP_A, userId: options.userId ?? OWNER, method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }),
      params: {},
      context: {},
    } as ActionFunctionArgs),
  );
const save = (policies: Record<string, Partial<ActionPolicyForm>>, options: { userId?: number; shop?: string } = {}) => post(updateRoute, "/app/policy/update", { policies }, options);
const simulate = (body: unknown, options: { userId?: number; shop?: string } = {}) => post(simulateRoute, "/app/policy/simulate", body, options);

const base: ActionPolicyForm = {
  enabled: false,
  requiresConfirmation: true,
  approvalMode: "off",
  approvalThreshold: "",
  approvalExpiryHours: "24",
  maxAmount: "",
  maxPercentage: "",
  shopWindowCount: "",
  shopWindowHours: "",
  actorWindowCount: "",
  actorWindowHours: "",
};

beforeAll(async () => {
  for (const shop of [SHOP_A, SHOP_B]) await call(() => homeLoader({ request: adminDocumentRequest("/app", { shop }), params: {}, context: {} }));
  await call(() => homeLoader({ request: adminDocumentRequest("/app", { shop: SHOP_A, userId: AGENT }), params: {}, context: {} }));
  shopId = (await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_A } })).id;
  shopBId = (await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_B } })).id;
  await prisma.staffMember.updateMany({ where: { shopId, shopifyUserId: String(AGENT) }, data: { roleKey: "agent" } });
  agentStaffId = (await prisma.staffMember.findFirstOrThrow({ where: { shopId, shopifyUserId: String(AGENT) } })).id;
  const first = sandbox.store.orders(SHOP_A)[0]!;
  await ingestOrder({ db: scopedDb(shopId), client: await offlineClient(SHOP_A), shopifyId: first.id as string });
  const order = await scopedDb(shopId).order.findFirstOrThrow({ where: { shopifyId: first.id as string } });
  orderName = order.name;
  orderTotal = order.currentTotalAmount;
  const firstB = sandbox.store.orders(SHOP_B)[0]!;
  await ingestOrder({ db: scopedDb(shopBId), client: await offlineClient(SHOP_B), shopifyId: firstB.id as string });
  orderBId = (await scopedDb(shopBId).order.findFirstOrThrow({ where: { shopifyId: firstB.id as string } })).id;
}, 120_000);

describe("the policy page", () => {
  it("shows every governed action with the install defaults (seed 001), and creates them only once", async () => {
    const page = await load();
    expect(page.status).toBe(200);
    const refund = page.body.settings.actions.find((action: Json) => action.actionType === "process_refund");
    expect(refund).toMatchObject({ label: "Process refund", money: true, form: base });
    expect(page.body.settings.currencyCode).toMatch(/^[A-Z]{3}$/);
    expect(page.body.settings.canManage).toBe(true);
    // Seed 001: read-only and customer-informing actions on without confirmation; everything
    // that changes money, goods or addresses off and confirmed. No limits, no approval.
    const switches = Object.fromEntries(page.body.settings.actions.map((action: Json) => [action.actionType, [action.form.enabled, action.form.requiresConfirmation]]));
    expect(switches).toEqual({
      lookup_order: [true, false],
      tag_order: [true, false],
      add_order_note: [true, false],
      send_tracking: [true, false],
      update_address: [false, true],
      cancel_order: [false, true],
      initiate_return: [false, true],
      process_refund: [false, true],
      apply_discount: [false, true],
    });
    for (const action of page.body.settings.actions) expect(action.form).toMatchObject({ approvalMode: "off", approvalExpiryHours: "24", maxAmount: "", maxPercentage: "", shopWindowCount: "", actorWindowCount: "" });
    expect(page.body.settings.actions.filter((action: Json) => action.money).map((action: Json) => action.actionType)).toEqual(["cancel_order", "process_refund", "apply_discount"]);
    const rows = await prisma.actionPermission.findMany({ where: { shopId }, orderBy: { actionType: "asc" } });
    expect(rows).toHaveLength(9);
    expect(await prisma.actionLimit.count({ where: { shopId } })).toBe(0);
    // A second load (and a second install) creates nothing and changes nothing.
    await load();
    await call(() => homeLoader({ request: adminDocumentRequest("/app", { shop: SHOP_A }), params: {}, context: {} }));
    expect(await prisma.actionPermission.findMany({ where: { shopId }, orderBy: { actionType: "asc" } })).toEqual(rows);
  });

  it("refuses invalid values field by field and saves nothing", async () => {
    const version = (await prisma.shop.findUniqueOrThrow({ where: { id: shopId } })).policyVersion;
    const response = await save({
      process_refund: { ...base, enabled: true, maxPercentage: "150", maxAmount: "-5", shopWindowCount: "3", approvalMode: "above_amount" },
      tag_order: { ...base, maxAmount: "10" },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("VALIDATION");
    // Every problem in one answer, each keyed to its field.
    expect(response.body.error.fields).toEqual({
      "policies.process_refund.maxPercentage": ["Enter a percentage above 0 and at most 100"],
      "policies.process_refund.maxAmount": ["Enter an amount above zero, like 250.00"],
      "policies.process_refund.approvalThreshold": ["Enter the amount above which approval is needed"],
      "policies.process_refund.shopWindowHours": ["Enter the hours the count applies to"],
      "policies.tag_order.maxAmount": ["Only actions that move money take amount limits"],
    });
    const notMoney = await save({ tag_order: { ...base, enabled: true, requiresConfirmation: false, maxAmount: "10" } });
    expect(notMoney.body.error.fields).toEqual({ "policies.tag_order.maxAmount": ["Only actions that move money take amount limits"] });
    const notMoneyApproval = await save({ send_tracking: { ...base, maxPercentage: "5", approvalMode: "above_amount", approvalThreshold: "10.00" } });
    expect(notMoneyApproval.body.error.fields).toEqual({
      "policies.send_tracking.maxPercentage": ["Only actions that move money take amount limits"],
      "policies.send_tracking.approvalThreshold": ["Only actions that move money take amount limits"],
      "policies.send_tracking.approvalMode": ["Only actions that move money can need approval above an amount"],
    });
    const ranges = await save({
      apply_discount: { ...base, maxPercentage: "0", maxAmount: "12.5.0", shopWindowCount: "0", shopWindowHours: "721", actorWindowCount: "1.5", actorWindowHours: "0", approvalMode: "above_amount", approvalThreshold: "0.00", approvalExpiryHours: "721" },
      cancel_order: { ...base, actorWindowHours: "24", approvalMode: "always", approvalExpiryHours: "" },
    });
    expect(ranges.status).toBe(400);
    expect(ranges.body.error.fields).toEqual({
      "policies.apply_discount.maxPercentage": ["Enter a percentage above 0 and at most 100"],
      "policies.apply_discount.maxAmount": ["Enter an amount above zero, like 250.00"],
      "policies.apply_discount.shopWindowCount": ["Enter a whole number of at least 1"],
      "policies.apply_discount.shopWindowHours": ["Enter whole hours from 1 to 720"],
      "policies.apply_discount.actorWindowCount": ["Enter a whole number of at least 1"],
      "policies.apply_discount.actorWindowHours": ["Enter whole hours from 1 to 720"],
      "policies.apply_discount.approvalThreshold": ["Enter an amount above zero, like 250.00"],
      "policies.apply_discount.approvalExpiryHours": ["Enter whole hours from 1 to 720"],
      "policies.cancel_order.actorWindowCount": ["Enter how many times"],
      "policies.cancel_order.approvalExpiryHours": ["Enter whole hours from 1 to 720"],
    });
    const unknown = await save({ unknown_action: base });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields).toEqual({ "policies.unknown_action": ["Unknown action type"] });
    expect((await save({ process_refund: { ...base, approvalMode: "sometimes" as never } })).body.error.fields).toEqual({ "policies.process_refund.approvalMode": ["Choose Off, Always or Above an amount"] });
    expect(await prisma.actionLimit.count({ where: { shopId } })).toBe(0);
    expect(await prisma.actionPermission.count({ where: { shopId, enabled: true, actionType: { in: ["process_refund", "apply_discount", "cancel_order"] } } })).toBe(0);
    expect((await prisma.shop.findUniqueOrThrow({ where: { id: shopId } })).policyVersion).toBe(version);
    expect(await prisma.auditLog.count({ where: { shopId, action: "policy.updated" } })).toBe(0);
  });

  it("saves, audits before/after, and the very next decision uses the new rules", async () => {
    const actor = { type: "staff" as const, id: "someone", label: "Someone" };
    const before = await decideActionPolicy({ db: scopedDb(shopId), shopId, actor, actionType: "process_refund", facts: { amount: "30.00", percentage: "10" } });
    expect(before).toMatchObject({ allowed: false, code: "POLICY_DENIED" });
    const form = { ...base, enabled: true, requiresConfirmation: false, maxAmount: "25.00", maxPercentage: "50", actorWindowCount: "5", actorWindowHours: "24", approvalMode: "above_amount" as const, approvalThreshold: "20.00" };
    const response = await save({ process_refund: form });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ changed: ["process_refund"] });
    const after = await decideActionPolicy({ db: scopedDb(shopId), shopId, actor, actionType: "process_refund", facts: { amount: "30.00", percentage: "10" } });
    expect(after).toMatchObject({ allowed: false, code: "LIMIT_EXCEEDED" });
    expect(after.rule).toMatch(/^30\.00 [A-Z]{3} is above this store's limit of 25\.00 [A-Z]{3} for Process refund$/);
    const audit = await prisma.auditLog.findMany({ where: { shopId, action: "policy.updated" } });
    expect(audit).toHaveLength(1);
    const row = await prisma.actionPermission.findUniqueOrThrow({ where: { shopId_actionType: { shopId, actionType: "process_refund" } } });
    expect(row).toMatchObject({ enabled: true, requiresConfirmation: false, approvalMode: "above_amount", approvalThreshold: "20.00", approvalExpiryHours: 24 });
    expect(await prisma.actionLimit.findMany({ where: { shopId, actionType: "process_refund" }, select: { limitType: true, value: true, maxCount: true, windowHours: true, perActor: true }, orderBy: { limitType: "asc" } })).toEqual([
      { limitType: "max_amount", value: "25.00", maxCount: null, windowHours: null, perActor: false },
      { limitType: "max_percentage", value: "50", maxCount: null, windowHours: null, perActor: false },
      { limitType: "time_window", value: null, maxCount: 5, windowHours: 24, perActor: true },
    ]);
    expect(audit[0]).toMatchObject({ entityId: row.id, entityType: "ActionPermission", before: { actionType: "process_refund", enabled: false, maxAmount: "" }, after: { actionType: "process_refund", enabled: true, maxAmount: "25.00", approvalThreshold: "20.00" } });
    // The page shows what was saved; saving it again changes nothing and writes nothing.
    const page = await load();
    expect(page.body.settings.actions.find((action: Json) => action.actionType === "process_refund").form).toEqual(form);
    const version = (await prisma.shop.findUniqueOrThrow({ where: { id: shopId } })).policyVersion;
    expect((await save({ process_refund: form })).body).toEqual({ changed: [] });
    expect(await prisma.auditLog.count({ where: { shopId, action: "policy.updated" } })).toBe(1);
    expect((await prisma.shop.findUniqueOrThrow({ where: { id: shopId } })).policyVersion).toBe(version);
    // Clearing a limit removes it.
    await save({ process_refund: { ...form, maxAmount: "" } });
    expect(await prisma.actionLimit.count({ where: { shopId, actionType: "process_refund", limitType: "max_amount" } })).toBe(0);
    expect(await decideActionPolicy({ db: scopedDb(shopId), shopId, actor, actionType: "process_refund", facts: { amount: "30.00", percentage: "10" } })).toMatchObject({ allowed: true, requiresApproval: true });
  });

  it("serializes simultaneous saves: every audit row's before is what the previous save left", async () => {
    const initial = (await load()).body.settings.actions.find((action: Json) => action.actionType === "tag_order").form;
    const counts = ["1", "2", "3", "4"];
    const results = await Promise.all(counts.map((count) => save({ tag_order: { ...initial, shopWindowCount: count, shopWindowHours: "24" } })));
    expect(results.map((result) => result.status)).toEqual([200, 200, 200, 200]);
    const audit = await prisma.auditLog.findMany({ where: { shopId, action: "policy.updated", entityType: "ActionPermission", before: { path: ["actionType"], equals: "tag_order" } } });
    expect(audit).toHaveLength(4);
    const befores = audit.map((row) => (row.before as Json).shopWindowCount);
    const afters = audit.map((row) => (row.after as Json).shopWindowCount);
    // One chain: initial -> a -> b -> c -> d. A save that read a stale "before" would repeat one.
    expect(new Set(befores).size).toBe(4);
    const final = (await load()).body.settings.actions.find((action: Json) => action.actionType === "tag_order").form.shopWindowCount;
    expect([...befores, final].sort()).toEqual([initial.shopWindowCount, ...afters].sort());
    await save({ tag_order: initial });
  });

  it("needs policy.manage to save (403 + audit) and policy.view to read and simulate", async () => {
    const version = (await prisma.shop.findUniqueOrThrow({ where: { id: shopId } })).policyVersion;
    const denied = await save({ tag_order: { ...base, enabled: false } }, { userId: AGENT });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatchObject({ code: "FORBIDDEN", details: { permission: "policy.manage", role: "agent" } });
    expect((await prisma.shop.findUniqueOrThrow({ where: { id: shopId } })).policyVersion).toBe(version);
    expect((await prisma.actionPermission.findUniqueOrThrow({ where: { shopId_actionType: { shopId, actionType: "tag_order" } } })).enabled).toBe(true);
    expect(await prisma.auditLog.count({ where: { shopId, action: "authz.denied", entityId: "policy.manage" } })).toBe(1);
    const readOnly = await load({ userId: AGENT });
    expect(readOnly.status).toBe(200);
    expect(readOnly.body.settings.canManage).toBe(false);
    expect((await simulate({ order: orderName, actionType: "tag_order", actor: { type: "agent", label: "Bot" } }, { userId: AGENT })).status).toBe(200);
  });
});

describe("the simulator", () => {
  it("gives staff, workflow and agent actors the same policy answer for the same facts", async () => {
    await save({ apply_discount: { ...base, enabled: true, requiresConfirmation: false, maxPercentage: "20" } });
    const ownerId = (await prisma.staffMember.findFirstOrThrow({ where: { shopId, shopifyUserId: String(OWNER) } })).id;
    const actors = [{ type: "staff", staffId: ownerId }, { type: "workflow", label: "Win-back flow" }, { type: "agent", label: "Support AI" }];
    for (const actor of actors) {
      const over = await simulate({ order: orderName, actionType: "apply_discount", percentage: "30", actor });
      expect(over.status).toBe(200);
      expect(over.body).toMatchObject({ allowed: false, code: "LIMIT_EXCEEDED", rule: "30% is above this store's limit of 20% for Apply discount", rbac: { allowed: true } });
      const within = await simulate({ order: orderName, actionType: "apply_discount", percentage: "15", actor });
      expect(within.body).toMatchObject({ allowed: true, code: null, requiresConfirmation: false, requiresApproval: false, rule: "Apply discount is allowed by this store's action policy (at most 20%)" });
    }
    // The same answer the runner gets from the decision function for a real actor of each type.
    for (const actor of [{ type: "staff" as const, id: ownerId, label: "Olivia Owner" }, { type: "workflow" as const, id: "wf_1", label: "Win-back flow" }, { type: "agent" as const, id: "agent_1", label: "Support AI" }]) {
      expect(await decideActionPolicy({ db: scopedDb(shopId), shopId, actor, actionType: "apply_discount", facts: { percentage: "30" } })).toMatchObject({ allowed: false, code: "LIMIT_EXCEEDED", rule: "30% is above this store's limit of 20% for Apply discount" });
    }
  });

  it("judges a staff member by their role as this store has it, and writes nothing", async () => {
    const body = { order: orderName, actionType: "process_refund", amount: "1.00", actor: { type: "staff", staffId: agentStaffId } };
    const audits = await prisma.auditLog.count({ where: { shopId } });
    const version = (await prisma.shop.findUniqueOrThrow({ where: { id: shopId } })).policyVersion;
    expect((await simulate(body)).body).toMatchObject({ allowed: false, code: "FORBIDDEN", rbac: { applies: true, allowed: false, role: "Agent" } });
    // The store's Agent role, not the catalog's, is what the runner enforces.
    const role = await prisma.role.findUniqueOrThrow({ where: { shopId_key: { shopId, key: "agent" } } });
    await prisma.role.update({ where: { id: role.id }, data: { permissions: [...role.permissions, "actions.refund"] } });
    try {
      expect((await simulate(body)).body).toMatchObject({ allowed: true, code: null, rbac: { applies: true, allowed: true, permission: "actions.refund" } });
    } finally {
      await prisma.role.update({ where: { id: role.id }, data: { permissions: role.permissions } });
    }
    const bad = await simulate({ ...body, actor: { type: "staff", staffId: "c0000000000000000000000000" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual({ "actor.staffId": ["Choose a staff member of this store"] });
    const invalid = await simulate({ order: "", actionType: "nope", amount: "-1", actor: { type: "agent", label: "" } });
    expect(invalid.status).toBe(400);
    expect(Object.keys(invalid.body.error.fields).sort()).toEqual(["actionType", "actor.label", "amount", "order"]);
    expect(await prisma.auditLog.count({ where: { shopId } })).toBe(audits);
    expect((await prisma.shop.findUniqueOrThrow({ where: { id: shopId } })).policyVersion).toBe(version);
  });

  it("computes the percentage from the amount, applies approval thresholds and the role's permission", async () => {
    const response = await simulate({ order: orderName, actionType: "process_refund", amount: "21.00", actor: { type: "staff", staffId: agentStaffId } });
    const percentage = percentOf("21.00", orderTotal);
    expect(response.body.facts).toEqual({ amount: "21.00", percentage });
    // 21.00 is within the 25.00 cap; it is above the 20.00 approval threshold unless it is
    // more than 50% of this order's total.
    expect(response.body.policyRule).toMatch(compareDecimal(percentage, "50") > 0 ? /is above this store's limit of 50% for Process refund$/ : /; Process refund above 20\.00 [A-Z]{3} needs approval by a second staff member$/);
    expect(response.body).toMatchObject({ allowed: false, rbac: { applies: true, allowed: false, permission: "actions.refund", role: "Agent" } });
    expect(response.body.rule).toBe("Sam Support may not run it: the Agent role does not have the actions.refund permission");
    const disabled = await simulate({ order: orderName, actionType: "cancel_order", actor: { type: "workflow", label: "Fraud flow" } });
    expect(disabled.body).toMatchObject({ allowed: false, rule: "Cancel order is turned off in this store's action policy" });
    const missing = await simulate({ order: "#999999", actionType: "cancel_order", actor: { type: "workflow", label: "Fraud flow" } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.fields).toEqual({ order: ["No order with that name in this store"] });
  });

  it("answers over an amount cap, above an approval threshold and for a switched-off action alike for every actor", async () => {
    const ownerId = (await prisma.staffMember.findFirstOrThrow({ where: { shopId, shopifyUserId: String(OWNER) } })).id;
    const saved = await save({ process_refund: { ...base, enabled: true, requiresConfirmation: true, maxAmount: "25.00", approvalMode: "above_amount", approvalThreshold: "10.00", approvalExpiryHours: "48" } });
    expect(saved.status).toBe(200);
    const currency = (await load()).body.settings.currencyCode;
    for (const actor of [{ type: "staff", staffId: ownerId }, { type: "workflow", label: "Refund flow" }, { type: "agent", label: "Support AI" }]) {
      const over = await simulate({ order: orderName, actionType: "process_refund", amount: "30.00", percentage: "1", actor });
      expect(over.body).toMatchObject({ allowed: false, code: "LIMIT_EXCEEDED", requiresApproval: false, rule: `30.00 ${currency} is above this store's limit of 25.00 ${currency} for Process refund` });
      const approval = await simulate({ order: orderName, actionType: "process_refund", amount: "12.00", percentage: "1", actor });
      expect(approval.body).toMatchObject({
        allowed: true,
        requiresApproval: true,
        requiresConfirmation: true,
        rule: `Process refund is allowed by this store's action policy (at most 25.00 ${currency}); Process refund above 10.00 ${currency} needs approval by a second staff member`,
      });
      const below = await simulate({ order: orderName, actionType: "process_refund", amount: "10.00", percentage: "1", actor });
      expect(below.body).toMatchObject({ allowed: true, requiresApproval: false, requiresConfirmation: true, rule: `Process refund is allowed by this store's action policy (at most 25.00 ${currency}); it must be confirmed after the preview` });
      const off = await simulate({ order: orderName, actionType: "initiate_return", actor });
      expect(off.body).toMatchObject({ allowed: false, code: "POLICY_DENIED", rule: "Initiate return is turned off in this store's action policy" });
    }
  });
});

describe("two shops", () => {
  it("keep their policies apart", async () => {
    const b = await load({ shop: SHOP_B });
    expect(b.body.settings.actions.find((action: Json) => action.actionType === "process_refund").form).toEqual(base);
    // Neither shop A's orders (by id) nor its staff are reachable from shop B.
    const orderA = await scopedDb(shopId).order.findFirstOrThrow({ where: { name: orderName } });
    expect((await simulate({ order: orderA.id, actionType: "tag_order", actor: { type: "agent", label: "Bot" } }, { shop: SHOP_B })).body.error.fields).toEqual({ order: ["No order with that name in this store"] });
    expect((await simulate({ order: orderBId, actionType: "tag_order", actor: { type: "agent", label: "Bot" } }, { shop: SHOP_B })).body).toMatchObject({ allowed: true, order: { id: orderBId } });
    const crossStaff = await simulate({ order: orderBId, actionType: "tag_order", actor: { type: "staff", staffId: agentStaffId } }, { shop: SHOP_B });
    expect(crossStaff.body.error.fields).toEqual({ "actor.staffId": ["Choose a staff member of this store"] });
    await save({ tag_order: { ...base, enabled: false, requiresConfirmation: false } }, { shop: SHOP_B });
    const a = await decideActionPolicy({ db: scopedDb(shopId), shopId, actor: { type: "agent", id: "x", label: "Bot" }, actionType: "tag_order" });
    expect(a.allowed).toBe(true);
    expect(await prisma.auditLog.count({ where: { shopId: shopBId, action: "policy.updated" } })).toBe(1);
  });
});
