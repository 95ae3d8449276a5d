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
}, 120_000);

describe("the policy page", () => {
  it("shows every governed action with the install defaults, and creates them only once", async () => {
    const page = await load();
    expect(page.status).toBe(200);
    const refund = page.body.settings.actions.find((action: Json) => action.actionType === "process_refund");
    expect(refund).toMatchObject({ label: "Process refund", money: true, form: base });
    expect(page.body.settings.actions).toHaveLength(9);
    await load();
    expect(await prisma.actionPermission.count({ where: { shopId } })).toBe(9);
  });

  it("refuses invalid values field by field and saves nothing", async () => {
    const version = (await prisma.shop.findUniqueOrThrow({ where: { id: shopId } })).policyVersion;
    const response = await save({
      process_refund: { ...base, enabled: true, maxPercentage: "150", maxAmount: "-5", shopWindowCount: "3", approvalMode: "above_amount" },
      tag_order: { ...base, maxAmount: "10" },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.fields).toEqual({
      "policies.process_refund.maxPercentage": ["Enter a percentage above 0 and at most 100"],
      "policies.process_refund.maxAmount": ["Enter an amount above zero, like 250.00"],
      "policies.process_refund.approvalThreshold": ["Enter the amount above which approval is needed"],
      "policies.process_refund.shopWindowHours": ["Enter the hours the count applies to"],
    });
    const notMoney = await save({ tag_order: { ...base, enabled: true, requiresConfirmation: false, maxAmount: "10" } });
    expect(notMoney.body.error.fields).toEqual({ "policies.tag_order.maxAmount": ["Only actions that move money take amount limits"] });
    expect((await save({ unknown_action: base })).status).toBe(400);
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
    expect(audit[0]).toMatchObject({ entityType: "ActionPermission", before: { actionType: "process_refund", enabled: false, maxAmount: "" }, after: { actionType: "process_refund", enabled: true, maxAmount: "25.00", approvalThreshold: "20.00" } });
    // The page shows what was saved; saving it again changes nothing and writes nothing.
    const page = await load();
    expect(page.body.settings.actions.find((action: Json) => action.actionType === "process_refund").form).toEqual(form);
    expect((await save({ process_refund: form })).body).toEqual({ changed: [] });
    expect(await prisma.auditLog.count({ where: { shopId, action: "policy.updated" } })).toBe(1);
    // Clearing a limit removes it.
    await save({ process_refund: { ...form, maxAmount: "" } });
    expect(await prisma.actionLimit.count({ where: { shopId, actionType: "process_refund", limitType: "max_amount" } })).toBe(0);
  });

  it("needs policy.manage to save (403 + audit) and policy.view to read and simulate", async () => {
    const denied = await save({ tag_order: { ...base, enabled: false } }, { userId: AGENT });
    expect(denied.status).toBe(403);
    expect(await prisma.auditLog.count({ where: { shopId, action: "authz.denied", entityId: "policy.manage" } })).toBe(1);
    expect((await load({ userId: AGENT })).status).toBe(200);
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
      expect(over.body).toMatchObject({ allowed: false, rule: "30% is above this store's limit of 20% for Apply discount" });
      const within = await simulate({ order: orderName, actionType: "apply_discount", percentage: "15", actor });
      expect(within.body).toMatchObject({ allowed: true, requiresConfirmation: false, requiresApproval: false });
    }
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
});

describe("two shops", () => {
  it("keep their policies apart", async () => {
    const b = await load({ shop: SHOP_B });
    expect(b.body.settings.actions.find((action: Json) => action.actionType === "process_refund").form).toEqual(base);
    expect((await simulate({ order: orderName, actionType: "tag_order", actor: { type: "agent", label: "Bot" } }, { shop: SHOP_B })).status).toBe(400);
    await save({ tag_order: { ...base, enabled: false, requiresConfirmation: false } }, { shop: SHOP_B });
    const a = await decideActionPolicy({ db: scopedDb(shopId), shopId, actor: { type: "agent", id: "x", label: "Bot" }, actionType: "tag_order" });
    expect(a.allowed).toBe(true);
    expect(await prisma.auditLog.count({ where: { shopId: shopBId, action: "policy.updated" } })).toBe(1);
  });
});
