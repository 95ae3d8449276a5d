/**
 * Issue 12, item 6: text PostgreSQL cannot store (a NUL byte, a lone UTF-16 surrogate) in any
 * text field or query string is a 400 VALIDATION naming the field, in words, and nothing is
 * written; before, it reached the database and answered 500. One case per kind of boundary
 * (JSON bodies of staff routes and actions, the signed intake API, the new-ticket form, list
 * filters and searches), each on a real target so the text would have reached a row. The fuzz
 * suites (fuzz*.test.ts) then send the same characters into every field of every route.
 * Real Requests with valid session tokens into the real routes; Shopify is the sandbox.
 */
import { createHmac, randomUUID } from "node:crypto";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { SHOP_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER } from "../../app/intake/schema";
import { BROKEN_CHARACTER_MESSAGE, FIELD_NAME_MESSAGE, NUL_MESSAGE } from "../../app/lib/storable-text";
import { action as ticketActionRoute } from "../../app/routes/app.action-center.tickets.$id.actions.$type";
import { action as intakeRoute } from "../../app/routes/api.intake.tickets";
import { loader as approvalsLoader } from "../../app/routes/app.approvals._index";
import { loader as auditLoader } from "../../app/routes/app.audit._index";
import { action as dismissRoute } from "../../app/routes/app.exceptions.$id.dismiss";
import { loader as exceptionsLoader } from "../../app/routes/app.exceptions._index";
import { loader as ordersLoader } from "../../app/routes/app.orders._index";
import { action as simulateRoute } from "../../app/routes/app.policy.simulate";
import { action as policyUpdateRoute } from "../../app/routes/app.policy.update";
import { action as revealRoute } from "../../app/routes/app.settings.intake-secret.reveal";
import { loader as runsLoader } from "../../app/routes/app.runs._index";
import { action as roleRoute } from "../../app/routes/app.staff.$id.role";
import { action as ticketUpdateRoute } from "../../app/routes/app.tickets.$id.update";
import { loader as ticketsLoader } from "../../app/routes/app.tickets._index";
import { action as newTicketAction, loader as newTicketLoader } from "../../app/routes/app.tickets.new";
import { createTicket } from "../../app/tickets/create-ticket.server";
import { actionTestKit, AGENT, MANAGER, OWNER, type Json } from "../helpers/actions";
import { changedTables, fingerprint, resetRateLimits } from "../helpers/fuzz";
import { SHOP_A } from "../helpers/sandbox";
import { adminFetchRequest, call, type CallResult } from "../helpers/shopify";
import { TEST_APP_URL } from "../setup/app-env";

const kit = await actionTestKit();

let ticket: { id: string; updatedAt: Date };
let order: { id: string };
let exceptionId: string;
let approvalId: string;
let agentStaffId: string;
let intakeSecret: string;

const NUL = "Refund\u0000 approved";
const LONE_HIGH = "Thanks \ud83d";
const LONE_LOW = "\ude00 sorry";

function jsonRequest(path: string, body: unknown, options: { userId?: number; key?: boolean } = {}) {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (options.key !== false) headers["Idempotency-Key"] = `text-${randomUUID()}`;
  return adminFetchRequest(path, { shop: SHOP_A, userId: options.userId ?? OWNER, method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
}

const onTicket = (type: string, body: unknown) =>
  call<Json>(() => ticketActionRoute({ request: jsonRequest(`/app/action-center/tickets/${ticket.id}/actions/${type}`, body), params: { id: ticket.id, type }, context: {} } as ActionFunctionArgs));
const onOrder = (type: string, body: unknown) => kit.runAction(order.id, type, body);
const get = (loader: (args: LoaderFunctionArgs) => Promise<unknown>, path: string) =>
  call<Json>(() => loader({ request: adminFetchRequest(path, { shop: SHOP_A, userId: OWNER }), params: {}, context: {} } as LoaderFunctionArgs));

function intake(body: unknown) {
  const raw = JSON.stringify(body);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const key = `intake-${randomUUID()}`;
  const signature = createHmac("sha256", intakeSecret).update(`${timestamp}.${key}.${raw}`).digest("base64");
  const request = new Request(new URL("/api/intake/tickets", TEST_APP_URL), {
    method: "POST",
    headers: { "Content-Type": "application/json", [SHOP_HEADER]: SHOP_A, [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: signature, "Idempotency-Key": key },
    body: raw,
  });
  return call<Json>(() => intakeRoute({ request, params: {}, context: {} }));
}

/** A 400 VALIDATION whose `fields[field]` says what is wrong, and not one row changed anywhere. */
async function expectRefused(send: () => Promise<CallResult<Json>>, field: string, message: string) {
  await resetRateLimits();
  const before = await fingerprint();
  const result = await send();
  expect(result.status, JSON.stringify(result.body).slice(0, 500)).toBe(400);
  const error = result.body.error;
  expect(error).toMatchObject({ code: "VALIDATION", correlationId: expect.any(String) });
  expect(error.fields?.[field], JSON.stringify(error.fields)).toContain(message);
  expect(changedTables(before, await fingerprint())).toEqual([]);
  return result;
}

beforeAll(async () => {
  const shopifyId = kit.sandbox.store.orders(SHOP_A)[0].id as string;
  order = { id: await kit.importOrder(shopifyId) };
  const actor = { type: "staff" as const, id: null, label: "Test" };
  ticket = await createTicket({ db: kit.db(), shopId: kit.shopId, actor, correlationId: "text-test", channel: "staff", input: { subject: "Parcel late", priority: "normal", orderId: order.id } });
  agentStaffId = (await kit.db().staffMember.findFirstOrThrow({ where: { shopifyUserId: String(AGENT) } })).id;

  // An open exception: a task for a member who has left fails with CONFLICT.
  await prisma.staffMember.update({ where: { id: agentStaffId }, data: { active: false } });
  const failed = await onTicket("create_task", { title: "Call the carrier", assigneeId: agentStaffId });
  await prisma.staffMember.update({ where: { id: agentStaffId }, data: { active: true } });
  expect(failed.status).toBe(409);
  exceptionId = failed.body.error.details.exceptionId;

  // A pending approval: Mia asks to tag the order, the policy wants a second person.
  await kit.setPolicy("tag_order", { enabled: true, approvalMode: "always" });
  const held = await kit.runAction(order.id, "tag_order", { tags: ["vip"] }, { userId: MANAGER });
  expect(held.status).toBe(202);
  approvalId = held.body.approval.id;

  const revealed = await call<Json>(() => revealRoute({ request: jsonRequest("/app/settings/intake-secret/reveal", {}, { key: false }), params: {}, context: {} } as ActionFunctionArgs));
  intakeSecret = revealed.body.secret;
  ticket = await kit.db().ticket.findUniqueOrThrow({ where: { id: ticket.id } });
}, 120_000);

describe("JSON bodies of the staff routes and the action runner", () => {
  it("refuses a NUL in an internal note (add_internal_note body)", () => expectRefused(() => onTicket("add_internal_note", { body: NUL }), "body", NUL_MESSAGE));

  it("refuses a lone high surrogate in an internal note", () => expectRefused(() => onTicket("add_internal_note", { body: LONE_HIGH }), "body", BROKEN_CHARACTER_MESSAGE));

  it("refuses a lone low surrogate in a task title and a NUL in its body (create_task), naming both", async () => {
    const result = await expectRefused(() => onOrder("create_task", { title: LONE_LOW, body: NUL }), "title", BROKEN_CHARACTER_MESSAGE);
    expect(result.body.error.fields.body).toEqual([NUL_MESSAGE]);
  });

  it("refuses a NUL in an order note, a tag, an address and a refund note (Shopify actions)", async () => {
    await expectRefused(() => onOrder("add_order_note", { note: NUL }), "note", NUL_MESSAGE);
    await expectRefused(() => onOrder("tag_order", { tags: ["ok", NUL] }), "tags.1", NUL_MESSAGE);
    await expectRefused(() => onOrder("update_address", { lastName: "Durand", address1: "1 Rue de Rivoli", city: NUL, countryCode: "FR" }), "city", NUL_MESSAGE);
    await expectRefused(() => onOrder("process_refund", { amount: "1.00", note: LONE_HIGH }), "note", BROKEN_CHARACTER_MESSAGE);
  });

  it("refuses a field name with a NUL in an action input", () => expectRefused(() => onTicket("add_internal_note", '{"body":"fine","x\\u0000y":1}'), "_", FIELD_NAME_MESSAGE));

  it("refuses a NUL in a dismiss reason (an open exception)", () =>
    expectRefused(() => call<Json>(() => dismissRoute({ request: jsonRequest(`/app/exceptions/${exceptionId}/dismiss`, { reason: NUL }, { key: false }), params: { id: exceptionId }, context: {} } as ActionFunctionArgs)), "reason", NUL_MESSAGE));

  it("refuses a lone surrogate in an approval note and a NUL in a denial note (a pending approval)", async () => {
    const { action: approveRoute } = await import("../../app/routes/app.approvals.$id.approve");
    const { action: denyRoute } = await import("../../app/routes/app.approvals.$id.deny");
    const decide = (route: typeof approveRoute, verb: string, body: unknown) =>
      call<Json>(() => route({ request: jsonRequest(`/app/approvals/${approvalId}/${verb}`, body, { key: false }), params: { id: approvalId }, context: {} } as ActionFunctionArgs));
    await expectRefused(() => decide(approveRoute, "approve", { note: LONE_LOW }), "note", BROKEN_CHARACTER_MESSAGE);
    await expectRefused(() => decide(denyRoute, "deny", { note: NUL }), "note", NUL_MESSAGE);
    expect((await kit.db().approvalRequest.findUniqueOrThrow({ where: { id: approvalId } })).status).toBe("pending");
  });

  it("refuses a NUL in the policy simulator's agent name and in a policy form field", async () => {
    await expectRefused(
      () => call<Json>(() => simulateRoute({ request: jsonRequest("/app/policy/simulate", { order: "#1001", actionType: "tag_order", actor: { type: "agent", label: NUL } }, { key: false }), params: {}, context: {} } as ActionFunctionArgs)),
      "actor.label",
      NUL_MESSAGE,
    );
    const form = { enabled: true, requiresConfirmation: false, approvalMode: "off", approvalThreshold: "", approvalExpiryHours: "24", maxAmount: "", maxPercentage: "", shopWindowCount: "", shopWindowHours: "", actorWindowCount: "", actorWindowHours: NUL };
    await expectRefused(
      () => call<Json>(() => policyUpdateRoute({ request: jsonRequest("/app/policy/update", { policies: { lookup_order: form } }, { key: false }), params: {}, context: {} } as ActionFunctionArgs)),
      "policies.lookup_order.actorWindowHours",
      NUL_MESSAGE,
    );
  });

  it("refuses a NUL in a ticket change and in a staff role change", async () => {
    await expectRefused(
      () => call<Json>(() => ticketUpdateRoute({ request: jsonRequest(`/app/tickets/${ticket.id}/update`, { expectedUpdatedAt: ticket.updatedAt.toISOString(), assigneeId: `me${NUL}` }), params: { id: ticket.id }, context: {} } as ActionFunctionArgs)),
      "assigneeId",
      NUL_MESSAGE,
    );
    await expectRefused(() => call<Json>(() => roleRoute({ request: jsonRequest(`/app/staff/${agentStaffId}/role`, { roleKey: `manager${NUL}` }), params: { id: agentStaffId }, context: {} } as ActionFunctionArgs)), "roleKey", NUL_MESSAGE);
  });
});

describe("the signed intake API", () => {
  const body = { subject: "Where is my parcel?", message: "It has not arrived.", customer: { email: "jane@example.com", name: "Jane Doe" } };

  it("refuses a NUL in the subject", () => expectRefused(() => intake({ ...body, subject: NUL }), "subject", NUL_MESSAGE));
  it("refuses a lone surrogate in the message", () => expectRefused(() => intake({ ...body, message: LONE_HIGH }), "message", BROKEN_CHARACTER_MESSAGE));
  it("refuses a NUL in the customer's name", () => expectRefused(() => intake({ ...body, customer: { ...body.customer, name: NUL } }), "customer.name", NUL_MESSAGE));
});

describe("the new-ticket form", () => {
  const send = (form: FormData | URLSearchParams) => call<Json>(() => newTicketAction({ request: adminFetchRequest("/app/tickets/new", { shop: SHOP_A, userId: OWNER, method: "POST", body: form }), params: {}, context: {} } as ActionFunctionArgs));

  it("refuses a NUL in the subject of a urlencoded form (%00)", () => expectRefused(() => send(new URLSearchParams({ subject: NUL, priority: "normal" })), "subject", NUL_MESSAGE));

  it("refuses a NUL in the first note of a multipart form", () => {
    const form = new FormData();
    form.set("subject", "Parcel late");
    form.set("message", NUL);
    return expectRefused(() => send(form), "message", NUL_MESSAGE);
  });
});

describe("query strings: searches and filters", () => {
  it("refuses a NUL in the ticket search", () => expectRefused(() => get(ticketsLoader, "/app/tickets?q=%2312%00"), "q", NUL_MESSAGE));
  it("refuses a NUL in a ticket status filter", () => expectRefused(() => get(ticketsLoader, "/app/tickets?status=open&status=pending%00"), "status", NUL_MESSAGE));
  it("refuses a NUL in the order search", () => expectRefused(() => get(ordersLoader, "/app/orders?q=jane%00%40example.com"), "q", NUL_MESSAGE));
  it("refuses a NUL in the audit, runs, approvals and exceptions filters", async () => {
    await expectRefused(() => get(auditLoader, "/app/audit?actorId=abc%00"), "actorId", NUL_MESSAGE);
    await expectRefused(() => get(runsLoader, "/app/runs?type=tag_order%00"), "type", NUL_MESSAGE);
    await expectRefused(() => get(approvalsLoader, "/app/approvals?actionType=%00"), "actionType", NUL_MESSAGE);
    await expectRefused(() => get(exceptionsLoader, "/app/exceptions?actionType=x%00"), "actionType", NUL_MESSAGE);
  });
  it("refuses a NUL in the new-ticket form's order id", () => expectRefused(() => get(newTicketLoader, `/app/tickets/new?orderId=${order.id}%00`), "orderId", NUL_MESSAGE));

  it("searches for the replacement character that undecodable bytes in a URL become (storable: not refused)", async () => {
    // %ED%A0%80 is a surrogate encoded as UTF-8, which is not UTF-8: URL decoding yields U+FFFD,
    // never a lone surrogate, so a query string can only carry the NUL.
    const tickets = await get(ticketsLoader, "/app/tickets?q=%ED%A0%80");
    expect(tickets.status).toBe(200);
    expect(tickets.body.rows).toEqual([]);
    const orders = await get(ordersLoader, "/app/orders?q=%ED%A0%80");
    expect(orders.status).toBe(200);
  });
});
