/**
 * A run whose process died between Shopify's call and the outcome write (here: Shopify acted,
 * then the attempt never returns and its heartbeat stops, which is what a kill -9 leaves) is
 * resumed in place, never started again: by the client retrying with the same Idempotency-Key,
 * however long after (more than the 2 minutes after which a key without a run is released), or
 * by the sweeper when nobody retries. Shopify is asked first; each action happens at most once.
 * tests/e2e/crash-actions.test.ts does the same with a real SIGKILL of the app process.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { libraryReasonId } from "../../sandbox/store/return-reasons";
import { actionTestKit } from "../../tests/helpers/actions";
import { SHOP_A } from "../../tests/helpers/sandbox";
import { offlineClient } from "../shopify/offline-client.server";
import { returnableItems } from "../orders/returnable-items";
import { applyDiscountAction } from "./apply-discount.server";
import { cancelOrderAction } from "./cancel-order.server";
import { initiateReturnAction } from "./initiate-return.server";
import { processRefundAction } from "./process-refund.server";
import { STALE_AFTER_MS } from "./resume-run.server";
import { sweepInterruptedRuns } from "./sweep-interrupted-runs.server";
import { tagOrderAction } from "./tag-order.server";
import type { ActionDefinition } from "./types";

const kit = await actionTestKit();
const { db, runAction, newOrder, newPaidOrder, sandboxOrder, latestSnapshot, setPolicy } = kit;

/** Shopify acts, then the attempt "dies": it never returns, and its lease lapses. */
function dieAfterShopify<I>(action: ActionDefinition<I>) {
  const perform = action.perform!;
  vi.spyOn(action as Required<ActionDefinition<I>>, "perform").mockImplementationOnce(async (ctx) => {
    await perform(ctx);
    return new Promise(() => {});
  });
}

/** Starts the action under `key`, waits until it is running, then ages what the crash left. */
async function crash(orderId: string, type: string, input: unknown, key: string) {
  void runAction(orderId, type, input, { key });
  await expect.poll(async () => (await db().run.findFirst({ where: { orderId, type } }))?.status, { timeout: 15_000 }).toBe("running");
  const run = await db().run.findFirstOrThrow({ where: { orderId, type } });
  // Wait until Shopify has answered the first attempt (the effect is visible there).
  await new Promise((resolve) => setTimeout(resolve, 300));
  const past = new Date(Date.now() - Math.max(STALE_AFTER_MS, 3 * 60_000) - 1000);
  await db().run.update({ where: { id: run.id }, data: { heartbeatAt: past, startedAt: past } });
  await db().idempotencyKey.updateMany({ where: { key }, data: { createdAt: past } });
  return run;
}

async function expectResumedOnce(runId: string) {
  const run = await db().run.findUniqueOrThrow({ where: { id: runId } });
  expect(run.status).toBe("succeeded");
  // One run for the request, no second lineage started.
  expect(await db().run.count({ where: { orderId: run.orderId, type: run.type } })).toBe(1);
  expect(await db().auditLog.count({ where: { entityId: runId, action: "action.resumed" } })).toBe(1);
  expect(await db().auditLog.count({ where: { entityId: runId, action: "action.succeeded" } })).toBe(1);
  expect(await db().actionException.count({ where: { rootRunId: runId } })).toBe(0);
}

describe("a client retrying with the same Idempotency-Key after a crash", () => {
  it("never refunds twice: the run is resumed with the same Shopify idempotency key", async () => {
    await setPolicy("process_refund", { enabled: true });
    const order = await newPaidOrder();
    dieAfterShopify(processRefundAction);
    const key = `refund-${randomUUID()}`;
    const run = await crash(order.id, "process_refund", { amount: "7.00" }, key);
    expect(sandboxOrder(order.shopifyId).refunds).toHaveLength(1);

    const retried = await runAction(order.id, "process_refund", { amount: "7.00" }, { key });
    expect(retried.status).toBe(200);
    expect(retried.headers.get("Idempotent-Replayed")).toBe("true");
    expect(retried.body.run).toMatchObject({ id: run.id, rootRunId: run.id, status: "succeeded" });
    expect(sandboxOrder(order.shopifyId).refunds).toHaveLength(1);
    await expectResumedOnce(run.id);
    // The stored answer serves every later retry.
    const again = await runAction(order.id, "process_refund", { amount: "7.00" }, { key });
    expect(again.body).toEqual(retried.body);
    expect(sandboxOrder(order.shopifyId).refunds).toHaveLength(1);
  });

  it("never creates a second discount code, even one staff named", async () => {
    await setPolicy("apply_discount", { enabled: true });
    const order = await newPaidOrder();
    dieAfterShopify(applyDiscountAction);
    const key = `discount-${randomUUID()}`;
    const code = `CARE-${randomUUID().slice(0, 8)}`;
    const run = await crash(order.id, "apply_discount", { percentage: "10", code }, key);
    const retried = await runAction(order.id, "apply_discount", { percentage: "10", code }, { key });
    expect(retried.status).toBe(200);
    expect(retried.body.result).toEqual({ code, alreadyCreated: true });
    await expectResumedOnce(run.id);
  });

  it("never opens a second return", async () => {
    await setPolicy("initiate_return", { enabled: true });
    const order = await newOrder("paid_delivered", (o) => o.fulfillments.some((f) => f.status === "SUCCESS" && f.fulfillmentLineItems.some((item) => item.quantity >= 1)));
    const [item] = returnableItems(await latestSnapshot(order.id)).items;
    dieAfterShopify(initiateReturnAction);
    const key = `return-${randomUUID()}`;
    const input = { lineItems: [{ fulfillmentLineItemId: item!.fulfillmentLineItemId, quantity: 1 }], returnReasonDefinitionId: libraryReasonId("changed-my-mind") };
    const run = await crash(order.id, "initiate_return", input, key);
    expect(sandboxOrder(order.shopifyId).returns).toHaveLength(1);
    const retried = await runAction(order.id, "initiate_return", input, { key });
    expect(retried.status).toBe(200);
    expect(retried.body.result).toMatchObject({ alreadyCreated: true });
    expect(sandboxOrder(order.shopifyId).returns).toHaveLength(1);
    await expectResumedOnce(run.id);
  });

  it("reconciles a cancel Shopify already did instead of cancelling again", async () => {
    await setPolicy("cancel_order", { enabled: true });
    const order = await newPaidOrder();
    dieAfterShopify(cancelOrderAction);
    const key = `cancel-${randomUUID()}`;
    const run = await crash(order.id, "cancel_order", { reason: "CUSTOMER" }, key);
    expect(sandboxOrder(order.shopifyId).cancelledAt).toBeTruthy();
    const refunds = sandboxOrder(order.shopifyId).refunds.length;
    // Shopify's orders/cancelled webhook reached us meanwhile: our snapshot says cancelled, which
    // a fresh cancel would be refused for; the retry of this one still gets its own answer.
    await kit.importOrder(order.shopifyId);
    const retried = await runAction(order.id, "cancel_order", { reason: "CUSTOMER" }, { key });
    expect(retried.status).toBe(200);
    expect(retried.body.result).toMatchObject({ reconciled: true });
    expect(retried.body.summary).toMatch(/is cancelled in Shopify \(confirmed after the app restarted\)$/);
    expect(sandboxOrder(order.shopifyId).refunds).toHaveLength(refunds);
    await expectResumedOnce(run.id);
  });

  it("waits for a run that is still alive instead of resuming it", async () => {
    await setPolicy("process_refund", { enabled: true });
    const order = await newPaidOrder();
    const perform = processRefundAction.perform!;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    vi.spyOn(processRefundAction as Required<typeof processRefundAction>, "perform").mockImplementationOnce(async (ctx) => {
      await gate;
      return perform(ctx);
    });
    const key = `live-${randomUUID()}`;
    const first = runAction(order.id, "process_refund", { amount: "3.00" }, { key });
    await expect.poll(async () => (await db().run.findFirst({ where: { orderId: order.id, type: "process_refund" } }))?.status, { timeout: 15_000 }).toBe("running");
    // Even a key older than the release time is not released while its run is alive.
    await db().idempotencyKey.updateMany({ where: { key }, data: { createdAt: new Date(Date.now() - 3 * 60_000) } });
    const duplicate = runAction(order.id, "process_refund", { amount: "3.00" }, { key });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    release();
    const [a, b] = await Promise.all([first, duplicate]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.body.run.id).toBe(a.body.run.id);
    expect(sandboxOrder(order.shopifyId).refunds).toHaveLength(1);
    expect(await db().auditLog.count({ where: { entityId: a.body.run.id, action: "action.resumed" } })).toBe(0);
  });
});

describe("the sweeper", () => {
  it("resumes a run nobody retries, and leaves a live one alone", async () => {
    const order = await newPaidOrder();
    const key = `sweep-${randomUUID()}`;
    dieAfterShopify(tagOrderAction);
    void runAction(order.id, "tag_order", { tags: ["interrupted"] }, { key });
    await expect.poll(async () => (await db().run.findFirst({ where: { orderId: order.id, type: "tag_order" } }))?.status, { timeout: 15_000 }).toBe("running");
    const run = await db().run.findFirstOrThrow({ where: { orderId: order.id, type: "tag_order" } });
    const sweep = (now = new Date()) => sweepInterruptedRuns({ db: db(), shopId: kit.shopId, correlationId: `test-${randomUUID()}`, shopify: () => offlineClient(SHOP_A), now });

    // Alive (its heartbeat is fresh): nothing happens.
    expect(await sweep()).toBe(0);
    expect((await db().run.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("running");

    // Its process is gone: the heartbeat stopped long enough ago.
    await db().run.update({ where: { id: run.id }, data: { heartbeatAt: new Date(Date.now() - STALE_AFTER_MS - 1000) } });
    expect(await sweep()).toBe(1);
    await expectResumedOnce(run.id);
    expect(sandboxOrder(order.shopifyId).tags.filter((tag) => tag === "interrupted")).toHaveLength(1);
    const resumed = await db().auditLog.findFirstOrThrow({ where: { entityId: run.id, action: "action.resumed" } });
    expect(resumed).toMatchObject({ actorType: "system" });
    const timeline = await db().orderTimelineEvent.findMany({ where: { orderId: order.id, source: "action_center" }, orderBy: { occurredAt: "asc" } });
    expect(timeline.map((event) => event.type)).toEqual(["action.attempted", "action.resumed", "action.succeeded"]);
    // The request's key got the outcome: a retry replays it.
    const replay = await runAction(order.id, "tag_order", { tags: ["interrupted"] }, { key });
    expect(replay.status).toBe(200);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
    expect(replay.body.run.id).toBe(run.id);
    // A second sweep changes nothing.
    expect(await sweep()).toBe(0);
  });

  it("fails into an exception a run whose target is gone", async () => {
    const order = await newPaidOrder();
    vi.spyOn(tagOrderAction as Required<typeof tagOrderAction>, "perform").mockImplementationOnce(() => new Promise(() => {}));
    void runAction(order.id, "tag_order", { tags: ["gone"] });
    await expect.poll(async () => (await db().run.findFirst({ where: { orderId: order.id, type: "tag_order" } }))?.status, { timeout: 15_000 }).toBe("running");
    const run = await db().run.findFirstOrThrow({ where: { orderId: order.id, type: "tag_order" } });
    await db().run.update({ where: { id: run.id }, data: { heartbeatAt: new Date(Date.now() - STALE_AFTER_MS - 1000), input: { target: { kind: "order", id: "c000000000000000000000000" }, input: { tags: ["gone"] } } } });
    expect(await sweepInterruptedRuns({ db: db(), shopId: kit.shopId, correlationId: "test-gone", shopify: () => offlineClient(SHOP_A) })).toBe(1);
    expect(await db().run.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: "failed", error: { code: "INTERNAL" } });
    const exception = await db().actionException.findUniqueOrThrow({ where: { rootRunId: run.id } });
    expect(exception.message).toMatch(/^The app stopped while this action was running, and it can no longer be resumed/);
  });
});
