/**
 * A run whose process died mid-flight (here: Shopify's call never answers, and the run is then
 * left alone for longer than any action takes) is failed by the maintenance job into an
 * exception with its audit row and timeline step; its retry then runs in the same lineage. A
 * run still within the time is left alone.
 */
import { describe, expect, it, vi } from "vitest";
import { actionTestKit } from "../../tests/helpers/actions";
import { SHOP_A } from "../../tests/helpers/sandbox";
import { offlineClient } from "../shopify/offline-client.server";
import { runMaintenance } from "../jobs/maintenance.server";
import { INTERRUPTED_AFTER_MS } from "./sweep-interrupted-runs.server";
import { tagOrderAction } from "./tag-order.server";

const kit = await actionTestKit();
const { db, runAction, retry, newPaidOrder, sandboxOrder } = kit;

describe("runs interrupted mid-flight", () => {
  it("are failed into an exception after the time any action takes, and their retry completes them", async () => {
    const order = await newPaidOrder();
    // The process "dies" inside Shopify's call: the request never ends, the run stays running.
    vi.spyOn(tagOrderAction as Required<typeof tagOrderAction>, "perform").mockImplementationOnce(() => new Promise(() => {}));
    void runAction(order.id, "tag_order", { tags: ["interrupted"] });
    await expect.poll(async () => (await db().run.findFirst({ where: { orderId: order.id, type: "tag_order" } }))?.status, { timeout: 10_000 }).toBe("running");
    const run = await db().run.findFirstOrThrow({ where: { orderId: order.id, type: "tag_order" } });

    // Within the time: nothing happens.
    await runMaintenance({ clientFor: offlineClient, shopDomain: SHOP_A });
    expect(await db().run.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: "running" });

    await db().run.update({ where: { id: run.id }, data: { startedAt: new Date(Date.now() - INTERRUPTED_AFTER_MS - 1000) } });
    await runMaintenance({ clientFor: offlineClient, shopDomain: SHOP_A });
    expect(await db().run.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: "failed", error: { code: "INTERNAL" } });
    const exception = await db().actionException.findUniqueOrThrow({ where: { rootRunId: run.id } });
    expect(exception).toMatchObject({ status: "open", reasonCode: "INTERNAL", actionType: "tag_order", orderId: order.id, attempts: 1 });
    expect(exception.message).toMatch(/^The app stopped while this action was running/);
    expect(await db().auditLog.count({ where: { entityId: run.id, action: "action.failed", actorType: "system" } })).toBe(1);
    const timeline = await db().orderTimelineEvent.findMany({ where: { orderId: order.id, source: "action_center" }, orderBy: { occurredAt: "asc" } });
    expect(timeline.map((event) => event.type)).toEqual(["action.attempted", "action.failed"]);
    // A second sweep changes nothing.
    await runMaintenance({ clientFor: offlineClient, shopDomain: SHOP_A });
    expect(await db().auditLog.count({ where: { entityId: run.id, action: "action.failed" } })).toBe(1);

    const retried = await retry(exception.id);
    expect(retried.status).toBe(200);
    expect(sandboxOrder(order.shopifyId).tags).toContain("interrupted");
    expect(await db().actionException.findUniqueOrThrow({ where: { id: exception.id } })).toMatchObject({ status: "resolved", attempts: 2 });
  });
});
