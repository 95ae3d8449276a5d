/**
 * The store policy, action by action: every Shopify action of the catalog is refused while
 * switched off, held for confirmation and executed exactly once on confirm, held for a second
 * person's approval (never the requester's own), and stopped by a time window; the actions
 * that move money are also stopped by their amount and percentage caps. One table, so an
 * action added to the catalog without a row here fails the first test.
 */
import { describe, expect, it } from "vitest";
import { libraryReasonId } from "../../sandbox/store/return-reasons";
import { AGENT, MANAGER, OWNER, actionTestKit } from "../../tests/helpers/actions";
import { POLICY_ACTIONS } from "../policy/catalog";
import { returnableItems } from "../orders/returnable-items";
import { ACTION_REGISTRY } from "./registry.server";

const kit = await actionTestKit();
const { db, runAction, confirm, cancel, approve, newOrder, newPaidOrder, sandboxOrder, latestSnapshot, setPolicy } = kit;

interface Case {
  /** A fresh imported order this action can run on, and an input for it. */
  prepare: () => Promise<{ orderId: string; shopifyId: string; input: unknown }>;
  /** Whether Shopify shows the action's effect on the order. */
  happened: (shopifyId: string) => boolean;
  /** For the money actions: a cap the input exceeds, and the rule it answers. */
  overCap?: { limit: { limitType: "max_amount" | "max_percentage"; value: string }; message: RegExp };
}

const paid = async (input: unknown) => {
  const created = await newPaidOrder();
  return { orderId: created.id, shopifyId: created.shopifyId, input };
};
const order = (shopifyId: string) => sandboxOrder(shopifyId);

const CASES: Record<string, Case> = {
  lookup_order: {
    prepare: () => paid({}),
    // A look-up changes nothing in Shopify: what it leaves is its own succeeded run.
    happened: () => true,
  },
  tag_order: { prepare: () => paid({ tags: ["policy-matrix"] }), happened: (id) => order(id).tags.includes("policy-matrix") },
  add_order_note: { prepare: () => paid({ note: "Policy matrix" }), happened: (id) => order(id).note === "Policy matrix" },
  send_tracking: {
    async prepare() {
      const created = await newOrder("paid_in_transit");
      const fulfillment = (await latestSnapshot(created.id)).fulfillments.find((f) => f.status === "SUCCESS")!;
      return { orderId: created.id, shopifyId: created.shopifyId, input: { fulfillmentId: fulfillment.id, company: "UPS", number: "1Z-MATRIX" } };
    },
    happened: (id) => order(id).fulfillments.some((f) => f.trackingInfo.some((t) => t.number === "1Z-MATRIX")),
  },
  update_address: {
    prepare: () => paid({ firstName: "Pat", lastName: "Matrix", address1: "Ringstraße 1", city: "Leipzig", zip: "04109", countryCode: "DE" }),
    happened: (id) => order(id).shippingAddress?.address1 === "Ringstraße 1",
  },
  cancel_order: {
    prepare: () => paid({ reason: "CUSTOMER" }),
    happened: (id) => order(id).cancelledAt !== null,
    overCap: { limit: { limitType: "max_amount", value: "1.00" }, message: /^[\d.]+ [A-Z]{3} is above this store's limit of 1\.00 [A-Z]{3} for Cancel order$/ },
  },
  initiate_return: {
    async prepare() {
      const created = await newOrder("paid_delivered");
      const [item] = returnableItems(await latestSnapshot(created.id)).items;
      return { orderId: created.id, shopifyId: created.shopifyId, input: { lineItems: [{ fulfillmentLineItemId: item!.fulfillmentLineItemId, quantity: 1 }], returnReasonDefinitionId: libraryReasonId("changed-my-mind") } };
    },
    happened: (id) => order(id).returns.some((ret) => ret.status === "OPEN"),
  },
  process_refund: {
    prepare: () => paid({ amount: "2.00" }),
    happened: (id) => order(id).refunds.length > 0,
    overCap: { limit: { limitType: "max_amount", value: "1.99" }, message: /^2\.00 [A-Z]{3} is above this store's limit of 1\.99 [A-Z]{3} for Process refund$/ },
  },
  apply_discount: {
    prepare: () => paid({ percentage: "5" }),
    // The discount lives in Shopify's discounts, not on the order: the run's result is the proof.
    happened: () => true,
    overCap: { limit: { limitType: "max_percentage", value: "4.99" }, message: /^5% is above this store's limit of 4\.99% for Apply discount$/ },
  },
};

const shopifyActions = [...ACTION_REGISTRY.values()].filter((action) => action.perform).map((action) => action.type);
const label = (type: string) => ACTION_REGISTRY.get(type)!.label;

describe("the policy matrix", () => {
  it("has a row for every Shopify action, and the store policy governs each of them", () => {
    expect(Object.keys(CASES).sort()).toEqual([...shopifyActions].sort());
    expect(POLICY_ACTIONS.map((info) => info.actionType).sort()).toEqual([...shopifyActions].sort());
  });
});

describe.each(shopifyActions)("%s under the store policy", (type) => {
  const c = CASES[type]!;

  // First in its block: the window counts this action's executions in this file's shop.
  it("stops at its time window: one execution a day for the store, the second refused with the rule", async () => {
    await setPolicy(type, { enabled: true }, [{ limitType: "time_window", maxCount: 1, windowHours: 24, perActor: false }]);
    const first = await c.prepare();
    expect((await runAction(first.orderId, type, first.input)).status).toBe(200);
    const second = await c.prepare();
    const refused = await runAction(second.orderId, type, second.input);
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: "LIMIT_EXCEEDED" });
    expect(refused.body.error.message).toMatch(new RegExp(`${label(type)}`));
  });

  it("is refused while switched off: 403 with the rule, no run, nothing in Shopify", async () => {
    await setPolicy(type, { enabled: false, requiresConfirmation: true });
    const { orderId, shopifyId, input } = await c.prepare();
    const runsBefore = await db().run.count();
    const before = JSON.stringify(order(shopifyId));
    const response = await runAction(orderId, type, input);
    expect(response.status).toBe(403);
    expect(response.body.error).toMatchObject({ code: "POLICY_DENIED", message: `${label(type)} is turned off in this store's action policy` });
    expect(await db().run.count()).toBe(runsBefore);
    expect(JSON.stringify(order(shopifyId))).toBe(before);
  });

  it("waits for the requester's confirmation, runs once on confirm, and never after a cancel", async () => {
    await setPolicy(type, { enabled: true, requiresConfirmation: true });
    const { orderId, shopifyId, input } = await c.prepare();
    const before = JSON.stringify(order(shopifyId));
    const held = await runAction(orderId, type, input);
    expect(held.status).toBe(202);
    expect(held.body.run.status).toBe("pending_confirmation");
    expect(JSON.stringify(order(shopifyId))).toBe(before);
    // Someone else cannot confirm another person's action.
    expect((await confirm(held.body.run.id, MANAGER)).status).toBe(403);
    const [first, second] = await Promise.all([confirm(held.body.run.id), confirm(held.body.run.id)]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    expect(c.happened(shopifyId)).toBe(true);
    expect(await db().run.findUniqueOrThrow({ where: { id: held.body.run.id } })).toMatchObject({ status: "succeeded" });

    const next = await c.prepare();
    const nextBefore = JSON.stringify(order(next.shopifyId));
    const again = await runAction(next.orderId, type, next.input);
    expect((await cancel(again.body.run.id)).body).toEqual({ runId: again.body.run.id, status: "cancelled" });
    expect((await confirm(again.body.run.id)).status).toBe(409);
    expect(JSON.stringify(order(next.shopifyId))).toBe(nextBefore);
  });

  it("needs a second person's approval: the requester and a role without approvals.decide are refused", async () => {
    await setPolicy(type, { enabled: true, approvalMode: "always" });
    const { orderId, shopifyId, input } = await c.prepare();
    const held = await runAction(orderId, type, input);
    expect(held.status).toBe(202);
    expect(held.body.run.status).toBe("pending_approval");
    expect(held.body.decision.rule).toBe(`${label(type)} is allowed by this store's action policy; ${label(type)} always needs approval by a second staff member`);
    expect((await approve(held.body.approval.id, OWNER)).status).toBe(403);
    expect((await approve(held.body.approval.id, AGENT)).status).toBe(403);
    expect(await db().run.findUniqueOrThrow({ where: { id: held.body.run.id } })).toMatchObject({ status: "pending_approval" });
    const granted = await approve(held.body.approval.id, MANAGER);
    expect(granted.status).toBe(200);
    expect(c.happened(shopifyId)).toBe(true);
    expect(await db().run.findUniqueOrThrow({ where: { id: held.body.run.id } })).toMatchObject({ status: "succeeded" });
  });
});

const moneyActions = shopifyActions.filter((type) => CASES[type]!.overCap);

describe("the money actions' caps", () => {
  it("are the actions the policy weighs money for", () => {
    expect([...moneyActions].sort()).toEqual(POLICY_ACTIONS.filter((info) => info.money).map((info) => info.actionType).sort());
  });

  it.each(moneyActions)("%s is stopped above its cap: 422 with the rule, nothing in Shopify", async (type) => {
    const c = CASES[type]!;
    await setPolicy(type, { enabled: true }, [c.overCap!.limit]);
    const { orderId, shopifyId, input } = await c.prepare();
    const before = JSON.stringify(order(shopifyId));
    const response = await runAction(orderId, type, input);
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe("LIMIT_EXCEEDED");
    expect(response.body.error.message).toMatch(c.overCap!.message);
    expect(JSON.stringify(order(shopifyId))).toBe(before);
  });
});
