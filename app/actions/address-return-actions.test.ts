/**
 * update_address and initiate_return end to end over HTTP, Shopify played by the sandbox:
 * execution with re-ingest, timeline, run result and audit before/after; preconditions on the
 * snapshot (no run); field-level validation; Shopify's userErrors -> exception -> retry in the
 * same lineage; a lost answer retried without opening a second return; and customer data
 * (street, recipient, phone) kept out of previews, timelines and audit rows.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { describe, expect, it, vi } from "vitest";
import { OWNER, actionTestKit, type Json } from "../../tests/helpers/actions";
import { libraryReasonId } from "../../sandbox/store/return-reasons";
import { SHOP_A, SHOP_B } from "../../tests/helpers/sandbox";
import { adminDocumentRequest, adminFetchRequest, call, webhookRequest } from "../../tests/helpers/shopify";
import prisma from "../db.server";
import { contentHash } from "../orders/build-snapshot";
import { returnableItems } from "../orders/returnable-items";
import { loader as homeLoader } from "../routes/app._index";
import { loader as runLoader } from "../routes/app.runs.$id";
import { action as webhookAction } from "../routes/webhooks.$";
import { processDelivery } from "../webhooks/process-delivery.server";
import { initiateReturnAction } from "./initiate-return.server";

const kit = await actionTestKit();
const { sandbox, db, runAction, retry, newOrder, newPaidOrder, sandboxOrder, latestSnapshot, setPolicy } = kit;

const VIEWER = 9005;
/** Return reasons of Shopify's library (the sandbox serves the same ids). */
const REASON = {
  defective: libraryReasonId("damaged-or-defective"),
  unwanted: libraryReasonId("changed-my-mind"),
  wrongItem: libraryReasonId("received-the-wrong-item"),
  tooSmall: libraryReasonId("too-small"),
};
const ADDRESS = { firstName: "Jana", lastName: "Krüger", address1: "Elbchaussee 12", address2: "3. OG", city: "Hamburg", zip: "20095", countryCode: "DE", phone: "+49 40 1234567" };

describe("update_address", () => {
  it("changes the address in Shopify, re-ingests it, and keeps the street, name and phone out of audit and timeline", async () => {
    await setPolicy("update_address", { enabled: true });
    const order = await newPaidOrder();
    const before = (await latestSnapshot(order.id)).shippingAddress;
    const preview = await runAction(order.id, "update_address", ADDRESS, { query: "?preview=1" });
    expect(preview.status).toBe(200);
    expect(preview.body.preview).toBe(`Ship what is left of order ${sandboxOrder(order.shopifyId).name} to the new address in Hamburg, DE (was ${before?.city}, ${before?.countryCode}); street, recipient and phone as entered.`);

    const response = await runAction(order.id, "update_address", ADDRESS);
    expect(response.status).toBe(200);
    expect(response.body.summary).toBe(`Shipping address of ${sandboxOrder(order.shopifyId).name} changed (now Hamburg, DE)`);
    expect(sandboxOrder(order.shopifyId).shippingAddress).toMatchObject({ name: "Jana Krüger", address1: "Elbchaussee 12", address2: "3. OG", city: "Hamburg", zip: "20095", countryCodeV2: "DE", phone: "+49401234567" });
    expect((await latestSnapshot(order.id)).shippingAddress).toMatchObject({ name: "Jana Krüger", address1: "Elbchaussee 12", city: "Hamburg", countryCode: "DE" });
    const run = await db().run.findUniqueOrThrow({ where: { id: response.body.run.id } });
    expect(run.result).toEqual({ shopify: { orderUpdate: { order: { id: order.shopifyId, shippingAddress: { city: "Hamburg", countryCodeV2: "DE" } } } } });

    const audit = await db().auditLog.findMany({ where: { entityId: run.id }, orderBy: { createdAt: "asc" } });
    expect(audit.map((row) => row.action)).toEqual(["action.attempted", "action.succeeded"]);
    expect((audit[0]!.after as Json).input).toEqual({ city: "Hamburg", countryCode: "DE", fields: ["address1", "address2", "city", "countryCode", "firstName", "lastName", "phone", "zip"] });
    expect(audit[1]!.before).toEqual({ city: before?.city, countryCode: before?.countryCode });
    expect(audit[1]!.after).toMatchObject({ city: "Hamburg", countryCode: "DE", changed: expect.arrayContaining(["name", "address1", "city", "phone"]) });
    const timeline = await db().orderTimelineEvent.findMany({ where: { orderId: order.id, source: "action_center" }, orderBy: { occurredAt: "asc" } });
    expect(timeline.map((event) => event.type)).toEqual(["action.attempted", "action.succeeded"]);
    const written = JSON.stringify([audit.map((row) => [row.before, row.after, row.metadata]), timeline.map((event) => [event.title, event.detail])]);
    for (const secret of ["Elbchaussee", "Krüger", "1234567", "3. OG"]) expect(written).not.toContain(secret);

    // The run keeps what was entered (a retry sends it again); the Runs page shows it only to
    // staff who may see customer data. Vic is a new staff member: a Viewer.
    const runPage = (userId: number) => call<Json>(() => runLoader({ request: adminFetchRequest(`/app/runs/${run.id}`, { shop: SHOP_A, userId }), params: { id: run.id }, context: {} } as LoaderFunctionArgs));
    await call(() => homeLoader({ request: adminDocumentRequest("/app", { shop: SHOP_A, userId: VIEWER }), params: {}, context: {} }));
    expect((await runPage(OWNER)).body.run.input.input).toMatchObject({ address1: "Elbchaussee 12", lastName: "Krüger" });
    const masked = await runPage(VIEWER);
    expect(masked.status).toBe(200);
    expect(masked.body.run.input.input).toEqual({ city: "Hamburg", countryCode: "DE", fields: ["address1", "address2", "city", "countryCode", "firstName", "lastName", "phone", "zip"] });
  });

  it("customers/redact erases the address from the runs that hold it, and closes one still waiting", async () => {
    await setPolicy("update_address", { enabled: true });
    const order = await newPaidOrder();
    const done = await runAction(order.id, "update_address", ADDRESS);
    expect(done.status).toBe(200);
    await setPolicy("update_address", { enabled: true, requiresConfirmation: true });
    const held = await runAction(order.id, "update_address", { ...ADDRESS, address1: "Elbchaussee 14" });
    expect(held.body.run.status).toBe("pending_confirmation");

    const row = await db().order.findUniqueOrThrow({ where: { id: order.id } });
    const payload = { shop_domain: SHOP_A, customer: { id: Number(row.customerShopifyId!.split("/").pop()), email: row.email }, orders_to_redact: [] };
    for (const webhookId of ["redact-address-1", "redact-address-2"]) {
      const response = await call(() => webhookAction({ request: webhookRequest("/webhooks/compliance", { topic: "customers/redact", shop: SHOP_A, payload, webhookId }), params: {}, context: {} }));
      expect(response.status).toBe(200);
      const delivery = await prisma.webhookDelivery.findFirstOrThrow({ where: { shopDomain: SHOP_A, webhookId } });
      await processDelivery({ deliveryId: delivery.id, correlationId: `test-${webhookId}` });
    }
    for (const id of [done.body.run.id, held.body.run.id]) {
      const run = await db().run.findUniqueOrThrow({ where: { id } });
      expect(JSON.stringify(run.input)).not.toMatch(/Elbchaussee|Krüger|1234567/);
      expect((run.input as Json).input).toMatchObject({ city: "Hamburg", countryCode: "DE" });
    }
    expect(await db().run.findUniqueOrThrow({ where: { id: held.body.run.id } })).toMatchObject({ status: "cancelled", error: { code: "CANCELLED" } });
    expect((await kit.confirm(held.body.run.id)).status).toBe(409);
    // Reduced once: the Runs page does not reduce it again for a Viewer.
    await call(() => homeLoader({ request: adminDocumentRequest("/app", { shop: SHOP_A, userId: VIEWER }), params: {}, context: {} }));
    const page = await call<Json>(() => runLoader({ request: adminFetchRequest(`/app/runs/${done.body.run.id}`, { shop: SHOP_A, userId: VIEWER }), params: { id: done.body.run.id }, context: {} } as LoaderFunctionArgs));
    expect(page.body.run.input.input).toEqual({ city: "Hamburg", countryCode: "DE", fields: ["address1", "address2", "city", "countryCode", "firstName", "lastName", "phone", "zip"] });
  });

  it("refuses (409, no run) once everything shipped, once cancelled, and the address it already has", async () => {
    await setPolicy("update_address", { enabled: true });
    const runsBefore = await db().run.count();
    const shipped = await newOrder("paid_delivered");
    const fulfilled = await runAction(shipped.id, "update_address", ADDRESS);
    expect(fulfilled.status).toBe(409);
    expect(fulfilled.body.error.message).toBe("Everything on this order has shipped: the address can no longer change");

    const cancelled = await newOrder("voided_cancelled");
    expect((await runAction(cancelled.id, "update_address", ADDRESS)).body.error.message).toBe("This order is cancelled: there is nothing left to ship");

    const order = await newPaidOrder();
    expect((await runAction(order.id, "update_address", ADDRESS)).status).toBe(200);
    const same = await runAction(order.id, "update_address", ADDRESS);
    expect(same.status).toBe(409);
    expect(same.body.error.message).toBe("That is already the order's shipping address");
    expect(await db().run.count()).toBe(runsBefore + 1);
  });

  it("validates field by field: street, city, a known country, the recipient, an international phone number", async () => {
    await setPolicy("update_address", { enabled: true });
    const order = await newPaidOrder();
    const bad = await runAction(order.id, "update_address", { ...ADDRESS, address1: " ", city: "", countryCode: "XX", firstName: "", lastName: "", phone: "040 123" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual({
      address1: ["Enter the street and house number"],
      city: ["Enter the city"],
      countryCode: ["Choose a country"],
      phone: ["Use the international format, like +49 30 1234567"],
    });
    const nameless = await runAction(order.id, "update_address", { ...ADDRESS, firstName: "", lastName: "" });
    expect(nameless.body.error.fields).toEqual({ lastName: ["Enter the recipient's name"] });
    expect((await runAction(order.id, "update_address", { ...ADDRESS, email: "x@example.com" })).status).toBe(400);
  });

  it("turns Shopify's refusal of the postal code into an exception beside the field; a retry runs in the same lineage", async () => {
    await setPolicy("update_address", { enabled: true });
    const order = await newPaidOrder();
    const failed = await runAction(order.id, "update_address", { ...ADDRESS, zip: "2009" });
    expect(failed.status).toBe(422);
    expect(failed.body.error).toMatchObject({ code: "SHOPIFY_USER_ERROR", fields: { zip: ["Enter a valid postal code for Germany"] } });
    const { exceptionId, rootRunId } = failed.body.error.details;
    expect(await db().actionException.findUniqueOrThrow({ where: { id: exceptionId } })).toMatchObject({ status: "open", reasonCode: "SHOPIFY_USER_ERROR", actionType: "update_address", attempts: 1 });
    // The retry sends what was entered: Shopify refuses again, and the exception says so.
    const again = await retry(exceptionId);
    expect(again.status).toBe(422);
    expect(again.body.error.details.rootRunId).toBe(rootRunId);
    expect(await db().actionException.findUniqueOrThrow({ where: { id: exceptionId } })).toMatchObject({ status: "open", attempts: 2 });
    expect(sandboxOrder(order.shopifyId).shippingAddress?.city).not.toBe("Hamburg");
  });
});

describe("initiate_return", () => {
  /** A delivered order imported one by one (so the snapshot knows what each fulfillment shipped). */
  const delivered = () => newOrder("paid_delivered", (order) => order.fulfillments.some((f) => f.status === "SUCCESS" && f.fulfillmentLineItems.some((item) => item.quantity >= 1)));

  it("opens a return for shipped units, re-ingests it, and refuses more than is left to return", async () => {
    await setPolicy("initiate_return", { enabled: true });
    const order = await delivered();
    const [item] = returnableItems(await latestSnapshot(order.id)).items;
    expect(item).toBeDefined();
    const response = await runAction(order.id, "initiate_return", { lineItems: [{ fulfillmentLineItemId: item!.fulfillmentLineItemId, quantity: item!.quantity }], returnReasonDefinitionId: REASON.defective, note: "Seam split" });
    expect(response.status).toBe(200);
    const name = `${sandboxOrder(order.shopifyId).name}-R1`;
    expect(response.body.summary).toBe(`Return ${name} opened on ${sandboxOrder(order.shopifyId).name} for ${item!.quantity} item(s)`);
    const created = sandboxOrder(order.shopifyId).returns.at(-1)!;
    expect(created).toMatchObject({ name, status: "OPEN", totalQuantity: item!.quantity });
    // The reason goes by its definition (returnReasonDefinitionId), not the deprecated enum.
    expect(created.returnLineItems[0]).toMatchObject({ quantity: item!.quantity, returnReasonDefinition: { __ref: REASON.defective }, returnReasonNote: "Seam split" });
    const snapshot = await latestSnapshot(order.id);
    expect(snapshot.returns.find((ret) => ret.name === name)).toMatchObject({ status: "OPEN", lineItems: [{ fulfillmentLineItemId: item!.fulfillmentLineItemId, quantity: item!.quantity }] });
    expect(returnableItems(snapshot).items.find((candidate) => candidate.fulfillmentLineItemId === item!.fulfillmentLineItemId)).toBeUndefined();
    const audit = await db().auditLog.findFirstOrThrow({ where: { entityId: response.body.run.id, action: "action.succeeded" } });
    expect(audit.after).toMatchObject({ name, reason: { id: REASON.defective, handle: "damaged-or-defective", name: "Damaged or defective" }, items: [{ fulfillmentLineItemId: item!.fulfillmentLineItemId, quantity: item!.quantity }] });

    const more = await runAction(order.id, "initiate_return", { lineItems: [{ fulfillmentLineItemId: item!.fulfillmentLineItemId, quantity: 1 }], returnReasonDefinitionId: REASON.defective });
    expect(more.status).toBe(409);
    expect(more.body.error.message).toBe("That item is not returnable on this order: it did not ship, was refunded, or is in another return");
  });

  it("refuses (409, no run) an order with nothing shipped and more units than shipped; validates the input", async () => {
    await setPolicy("initiate_return", { enabled: true });
    const runsBefore = await db().run.count();
    const unshipped = await newPaidOrder();
    const nothing = await runAction(unshipped.id, "initiate_return", { lineItems: [{ fulfillmentLineItemId: "gid://shopify/FulfillmentLineItem/1", quantity: 1 }], returnReasonDefinitionId: REASON.unwanted });
    expect(nothing.status).toBe(409);
    expect(nothing.body.error.message).toBe("Nothing on this order has shipped yet: there is nothing to return");

    const order = await delivered();
    const [item] = returnableItems(await latestSnapshot(order.id)).items;
    const tooMany = await runAction(order.id, "initiate_return", { lineItems: [{ fulfillmentLineItemId: item!.fulfillmentLineItemId, quantity: item!.quantity + 1 }], returnReasonDefinitionId: REASON.unwanted });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.error.message).toBe(`At most ${item!.quantity} × ${item!.title} can be returned (shipped, not refunded and not in another return)`);

    const bad = await runAction(order.id, "initiate_return", { lineItems: [{ fulfillmentLineItemId: "gid://shopify/LineItem/1", quantity: 0 }], returnReasonDefinitionId: "BORED" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toEqual({ "lineItems.0.fulfillmentLineItemId": ["Choose an item this order shipped"], "lineItems.0.quantity": ["At least 1"], returnReasonDefinitionId: ["Choose a reason"] });
    // The deprecated enum is not taken any more.
    expect((await runAction(order.id, "initiate_return", { lineItems: [{ fulfillmentLineItemId: item!.fulfillmentLineItemId, quantity: 1 }], reason: "DEFECTIVE" })).body.error.fields).toEqual({ _: ["Unrecognized key(s) in object: 'reason'"], returnReasonDefinitionId: ["Choose a reason"] });
    expect((await runAction(order.id, "initiate_return", { lineItems: [], returnReasonDefinitionId: REASON.unwanted })).body.error.fields).toEqual({ lineItems: ["Choose at least one item to return"] });
    expect(await db().run.count()).toBe(runsBefore);
  });

  it("asks for a refresh when the snapshot came from the bulk backfill (it cannot carry shipped items)", async () => {
    await setPolicy("initiate_return", { enabled: true });
    const order = await delivered();
    const snapshot = await db().orderSnapshot.findFirstOrThrow({ where: { orderId: order.id }, orderBy: { version: "desc" } });
    const content = structuredClone(snapshot.content) as Json;
    // What the backfill stores: no shipped items (its bulk query cannot nest that deep).
    for (const fulfillment of content.fulfillments) fulfillment.lineItems = null;
    await db().orderSnapshot.update({ where: { id: snapshot.id }, data: { content, contentHash: contentHash(content) } });
    const [item] = sandboxOrder(order.shopifyId).fulfillments[0]!.fulfillmentLineItems;
    const refused = await runAction(order.id, "initiate_return", { lineItems: [{ fulfillmentLineItemId: item!.id, quantity: 1 }], returnReasonDefinitionId: REASON.unwanted });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe("The shipped items of this order are not imported yet: look the order up (refresh it from Shopify) first");
    expect((await runAction(order.id, "lookup_order", {})).status).toBe(200);
    expect((await runAction(order.id, "initiate_return", { lineItems: [{ fulfillmentLineItemId: item!.id, quantity: 1 }], returnReasonDefinitionId: REASON.unwanted })).status).toBe(200);
  });

  it("puts Shopify's refusal of a reason it does not know beside the reason field, opening nothing", async () => {
    await setPolicy("initiate_return", { enabled: true });
    const order = await delivered();
    const [item] = returnableItems(await latestSnapshot(order.id)).items;
    const failed = await runAction(order.id, "initiate_return", { lineItems: [{ fulfillmentLineItemId: item!.fulfillmentLineItemId, quantity: 1 }], returnReasonDefinitionId: "gid://shopify/ReturnReasonDefinition/999999" });
    expect(failed.status).toBe(422);
    expect(failed.body.error).toMatchObject({ code: "SHOPIFY_USER_ERROR", fields: { returnReasonDefinitionId: ["Return reason definition does not exist"] } });
    expect(await db().actionException.findUniqueOrThrow({ where: { id: failed.body.error.details.exceptionId } })).toMatchObject({ status: "open", reasonCode: "SHOPIFY_USER_ERROR", actionType: "initiate_return" });
    expect(sandboxOrder(order.shopifyId).returns).toHaveLength(0);
  });

  it("turns Shopify's refusal (a return opened in Shopify meanwhile) into an exception; the retry is refused the same way", async () => {
    await setPolicy("initiate_return", { enabled: true });
    const order = await newOrder("paid_delivered", (o) => o.fulfillments.flatMap((f) => f.fulfillmentLineItems).reduce((units, item) => units + item.quantity, 0) >= 2);
    const items = returnableItems(await latestSnapshot(order.id)).items;
    const item = items[0];
    // Someone returns everything in Shopify admin; our snapshot has not heard of it yet. (Their
    // return holds more than ours would, so the retry cannot take it for ours.)
    await sandbox.changeOrder(SHOP_A, order.shopifyId, { type: "createReturn", lines: items.map((each) => ({ fulfillmentLineItemId: each.fulfillmentLineItemId, quantity: each.quantity })) });
    const failed = await runAction(order.id, "initiate_return", { lineItems: [{ fulfillmentLineItemId: item!.fulfillmentLineItemId, quantity: 1 }], returnReasonDefinitionId: REASON.wrongItem });
    expect(failed.status).toBe(422);
    expect(failed.body.error.code).toBe("SHOPIFY_USER_ERROR");
    expect(failed.body.error.message).toMatch(/greater than the returnable quantity \(0\)/);
    const { exceptionId } = failed.body.error.details;
    const again = await retry(exceptionId);
    expect(again.status).toBe(422);
    expect(await db().actionException.findUniqueOrThrow({ where: { id: exceptionId } })).toMatchObject({ status: "open", attempts: 2, actionType: "initiate_return" });
    expect(sandboxOrder(order.shopifyId).returns).toHaveLength(1);
  });

  it("never opens a second return when Shopify opened it but the answer was lost: the retry adopts it", async () => {
    await setPolicy("initiate_return", { enabled: true });
    const order = await delivered();
    const [item] = returnableItems(await latestSnapshot(order.id)).items;
    const perform = initiateReturnAction.perform!;
    vi.spyOn(initiateReturnAction as Required<typeof initiateReturnAction>, "perform").mockImplementationOnce(async (ctx) => {
      await perform(ctx);
      throw new Error("socket hang up after Shopify answered");
    });
    const input = { lineItems: [{ fulfillmentLineItemId: item!.fulfillmentLineItemId, quantity: 1 }], returnReasonDefinitionId: REASON.tooSmall };
    const failed = await runAction(order.id, "initiate_return", input);
    expect(failed.status).toBe(500);
    expect(sandboxOrder(order.shopifyId).returns).toHaveLength(1);
    const retried = await retry(failed.body.error.details.exceptionId);
    expect(retried.status).toBe(200);
    expect(retried.body.result).toMatchObject({ alreadyCreated: true, shopify: { returnCreate: { return: { id: sandboxOrder(order.shopifyId).returns[0]!.id, status: "OPEN" } } } });
    expect(sandboxOrder(order.shopifyId).returns).toHaveLength(1);
  });

  it("does not reach another shop's orders", async () => {
    await setPolicy("initiate_return", { enabled: true });
    const order = await delivered();
    const [item] = returnableItems(await latestSnapshot(order.id)).items;
    const runsBefore = await db().run.count();
    const fromB = await runAction(order.id, "initiate_return", { lineItems: [{ fulfillmentLineItemId: item!.fulfillmentLineItemId, quantity: 1 }], returnReasonDefinitionId: REASON.unwanted }, { shop: SHOP_B });
    expect(fromB.status).toBe(404);
    expect(sandboxOrder(order.shopifyId).returns).toHaveLength(0);
    expect(await db().run.count()).toBe(runsBefore);
  });
});
