/**
 * The action runner end to end over HTTP: real Requests with valid session tokens into the
 * real routes (action endpoints, exception retry/dismiss, the order page, the audit log), on
 * real ingested orders. Covers the "done when": a permitted create_task shows on the
 * order timeline and in the audit log; a denied one is 403 and audited; a repeated key
 * replays; a failure opens an exception whose Retry succeeds once the cause is fixed; and no
 * endpoint crosses shops.
 */
import { randomUUID } from "node:crypto";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { SHOP_A, SHOP_B, startTestSandbox } from "../../tests/helpers/sandbox";
import { adminDocumentRequest, adminFetchRequest, call } from "../../tests/helpers/shopify";
import prisma from "../db.server";
import type { ErrorBody } from "../lib/app-error";
import { scopedDb } from "../lib/tenancy.server";
import { loader as homeLoader } from "../routes/app._index";
import { action as orderActionRoute } from "../routes/app.action-center.orders.$id.actions.$type";
import { action as ticketActionRoute } from "../routes/app.action-center.tickets.$id.actions.$type";
import { loader as auditListLoader } from "../routes/app.audit._index";
import { action as dismissRoute } from "../routes/app.exceptions.$id.dismiss";
import { action as retryRoute } from "../routes/app.exceptions.$id.retry";
import { loader as exceptionsLoader } from "../routes/app.exceptions._index";
import { loader as orderLoader } from "../routes/app.orders.$id";
import { action as staffAccessRoute } from "../routes/app.staff.$id.access";
import { ingestOrder } from "../orders/ingest-order.server";
import { offlineClient } from "../shopify/offline-client.server";
import { createTicket } from "../tickets/create-ticket.server";
import { createTaskAction } from "./create-task.server";

const sandbox = await startTestSandbox();

const OWNER = 9001;
const AGENT = 9002;
const SUPPORT = 9004;
const VIEWER = 9005;
/** Mia: the staff member who leaves the store (deactivated) and comes back. */
const LEAVER = 9003;

type RunBody = { run: { id: string; rootRunId: string; status: string; attempt: number }; summary: string; result: Record<string, unknown> };
type FailureBody = ErrorBody & { error: { details: { runId: string; rootRunId: string; exceptionId: string; reasonCode: string } } };

const shops = new Map<string, { id: string; orderIds: string[] }>();
let ticketA: { id: string; number: number; orderId: string | null };
let closedTicketA: { id: string };
let ticketB: { id: string };
let supportStaffId: string;
let leaverId: string;

const json = (body: unknown) => JSON.stringify(body);

function postAction(kind: "tickets" | "orders", id: string, type: string, body: unknown, options: { shop?: string; userId?: number; key?: string | null; query?: string; contentType?: string } = {}) {
  const headers: Record<string, string> = { "Content-Type": options.contentType ?? "application/json" };
  if (options.key !== null) headers["Idempotency-Key"] = options.key ?? `test-${randomUUID()}`;
  const request = adminFetchRequest(`/app/action-center/${kind}/${id}/actions/${type}${options.query ?? ""}`, {
    shop: options.shop ?? SHOP_A,
    userId: options.userId ?? OWNER,
    method: "POST",
    headers,
    body: typeof body === "string" ? body : json(body),
  });
  const route = kind === "tickets" ? ticketActionRoute : orderActionRoute;
  return call<RunBody & FailureBody & { preview?: string }>(() => route({ request, params: { id, type }, context: {} } as ActionFunctionArgs));
}

function retry(exceptionId: string, options: { shop?: string; userId?: number; key?: string } = {}) {
  const request = adminFetchRequest(`/app/exceptions/${exceptionId}/retry`, {
    shop: options.shop ?? SHOP_A,
    userId: options.userId ?? OWNER,
    method: "POST",
    headers: { "Content-Type": "application/json", "Idempotency-Key": options.key ?? `retry-${randomUUID()}` },
    body: "{}",
  });
  return call<RunBody & FailureBody>(() => retryRoute({ request, params: { id: exceptionId }, context: {} } as ActionFunctionArgs));
}

function dismiss(exceptionId: string, body: unknown, options: { shop?: string; userId?: number } = {}) {
  const request = adminFetchRequest(`/app/exceptions/${exceptionId}/dismiss`, {
    shop: options.shop ?? SHOP_A,
    userId: options.userId ?? OWNER,
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: json(body),
  });
  return call<{ id: string; status: string } & ErrorBody>(() => dismissRoute({ request, params: { id: exceptionId }, context: {} } as ActionFunctionArgs));
}

function listExceptions(query = "", options: { shop?: string; userId?: number } = {}) {
  const request = adminFetchRequest(`/app/exceptions${query}`, { shop: options.shop ?? SHOP_A, userId: options.userId ?? OWNER });
  return call<{ rows: Array<{ id: string; status: string; reasonCode: string; actionType: string }>; error: ErrorBody["error"] | null }>(() =>
    exceptionsLoader({ request, params: {}, context: {} } as LoaderFunctionArgs),
  );
}

const db = (shop = SHOP_A) => scopedDb(shops.get(shop)!.id);
const staffId = async (userId: number, shop = SHOP_A) => (await db(shop).staffMember.findUniqueOrThrow({ where: { shopId_shopifyUserId: { shopId: shops.get(shop)!.id, shopifyUserId: String(userId) } } })).id;
const counts = async (shop = SHOP_A) => ({
  runs: await db(shop).run.count(),
  tasks: await db(shop).task.count(),
  exceptions: await db(shop).actionException.count(),
  messages: await db(shop).ticketMessage.count(),
});

beforeAll(async () => {
  for (const shop of [SHOP_A, SHOP_B]) {
    await call(() => homeLoader({ request: adminDocumentRequest("/app", { shop }), params: {}, context: {} }));
    const shopRow = await prisma.shop.findUniqueOrThrow({ where: { domain: shop } });
    const client = await offlineClient(shop);
    const orderIds: string[] = [];
    for (const order of sandbox.store.orders(shop).slice(0, 3)) {
      const result = await ingestOrder({ db: scopedDb(shopRow.id), client, shopifyId: order.id as string });
      if (result.outcome !== "missing") orderIds.push((await scopedDb(shopRow.id).order.findFirstOrThrow({ where: { shopifyId: order.id as string } })).id);
    }
    shops.set(shop, { id: shopRow.id, orderIds });
  }
  // Each staff member's first request creates them (as Viewer); then roles are set.
  for (const userId of [AGENT, SUPPORT, VIEWER, LEAVER]) await listExceptions("", { userId });
  await prisma.staffMember.updateMany({ where: { shopifyUserId: String(AGENT) }, data: { roleKey: "agent" } });
  await prisma.staffMember.updateMany({ where: { shopifyUserId: String(SUPPORT) }, data: { roleKey: "support" } });
  supportStaffId = await staffId(SUPPORT);
  leaverId = await staffId(LEAVER);

  const actor = { type: "staff" as const, id: null, label: "Test" };
  const a = shops.get(SHOP_A)!;
  ticketA = await createTicket({ db: db(), shopId: a.id, actor, correlationId: "test", channel: "staff", input: { subject: "Where is my parcel?", priority: "normal", orderId: a.orderIds[0] } });
  const closed = await createTicket({ db: db(), shopId: a.id, actor, correlationId: "test", channel: "staff", input: { subject: "Old issue", priority: "low" } });
  closedTicketA = await db().ticket.update({ where: { id: closed.id }, data: { status: "closed" } });
  ticketB = await createTicket({ db: db(SHOP_B), shopId: shops.get(SHOP_B)!.id, actor, correlationId: "test", channel: "staff", input: { subject: "Shop B ticket", priority: "normal" } });
}, 120_000);

afterEach(async () => {
  vi.restoreAllMocks();
  await prisma.staffMember.update({ where: { id: leaverId }, data: { active: true } });
});

/** The Owner deactivates or reactivates Mia on the Staff page (its JSON endpoint). */
async function setLeaverActive(active: boolean) {
  const request = adminFetchRequest(`/app/staff/${leaverId}/access`, {
    shop: SHOP_A,
    method: "POST",
    headers: { "Content-Type": "application/json", "Idempotency-Key": `access-${randomUUID()}` },
    body: json({ active }),
  });
  const response = await call(() => staffAccessRoute({ request, params: { id: leaverId }, context: {} } as ActionFunctionArgs));
  expect(response.status).toBe(200);
}

describe("create_task through the runner", () => {
  it("succeeds for a permitted staff member: task, run, audit rows, ticket and order timelines", async () => {
    const before = await counts();
    const response = await postAction("tickets", ticketA.id, "create_task", { title: "Call the carrier", assigneeId: supportStaffId, dueAt: "2026-12-01" });
    expect(response.status).toBe(200);
    expect(response.headers.get("X-Request-Id")).toBeTruthy();
    expect(response.body.run.status).toBe("succeeded");
    expect(response.body.summary).toBe("Task “Call the carrier” created for Sam Support");

    const task = await db().task.findUniqueOrThrow({ where: { id: response.body.result.taskId as string } });
    expect(task).toMatchObject({ title: "Call the carrier", assigneeId: supportStaffId, ticketId: ticketA.id, orderId: ticketA.orderId, sourceRunId: response.body.run.id, status: "open" });
    expect(task.dueAt?.toISOString()).toBe("2026-12-01T00:00:00.000Z");

    const run = await db().run.findUniqueOrThrow({ where: { id: response.body.run.id } });
    expect(run).toMatchObject({ type: "create_task", status: "succeeded", attempts: 1, ticketId: ticketA.id, orderId: ticketA.orderId, actorType: "staff" });
    expect(await counts()).toEqual({ ...before, runs: before.runs + 1, tasks: before.tasks + 1 });

    const audit = await db().auditLog.findMany({ where: { entityType: "Run", entityId: run.id }, orderBy: { createdAt: "asc" } });
    expect(audit.map((row) => row.action)).toEqual(["action.attempted", "action.succeeded"]);
    expect(new Set(audit.map((row) => row.correlationId))).toEqual(new Set([run.correlationId]));

    const ticketEvents = await db().ticketEvent.findMany({ where: { ticketId: ticketA.id, runId: run.id }, orderBy: { occurredAt: "asc" } });
    // The attempt and the outcome, in order: the timeline shows both.
    expect(ticketEvents.map((event) => event.type)).toEqual(["action.attempted", "action.succeeded"]);

    // The order page (from our database) shows the action on the order's timeline.
    const orderPage = await call<{ timeline: Array<{ type: string; title: string }> }>(() =>
      orderLoader({ request: adminFetchRequest(`/app/orders/${ticketA.orderId}`, { shop: SHOP_A }), params: { id: ticketA.orderId! }, context: {} }),
    );
    expect(orderPage.status).toBe(200);
    expect(orderPage.body.timeline).toContainEqual(expect.objectContaining({ type: "action.succeeded", title: "Task “Call the carrier” created for Sam Support" }));

    // And the audit log page lists it.
    const auditPage = await call<{ rows: Array<{ action: string; entityId: string }> }>(() =>
      auditListLoader({ request: adminFetchRequest("/app/audit?action=action.succeeded", { shop: SHOP_A }), params: {}, context: {} }),
    );
    expect(auditPage.body.rows).toContainEqual(expect.objectContaining({ action: "action.succeeded", entityId: run.id }));
  });

  it("runs on an order page too, with the order on the task and its timeline", async () => {
    const orderId = shops.get(SHOP_A)!.orderIds[1];
    const response = await postAction("orders", orderId, "create_task", { title: "Check stock" });
    expect(response.status).toBe(200);
    const task = await db().task.findUniqueOrThrow({ where: { id: response.body.result.taskId as string } });
    expect(task).toMatchObject({ orderId, ticketId: null, assigneeId: null });
    expect(await db().orderTimelineEvent.count({ where: { orderId, dedupeKey: `run:${response.body.run.id}:succeeded` } })).toBe(1);
  });

  it("is 403 for a role without actions.create_task, audited, with no run and no task", async () => {
    const before = await counts();
    const response = await postAction("tickets", ticketA.id, "create_task", { title: "Not allowed" }, { userId: VIEWER });
    expect(response.status).toBe(403);
    expect(response.body.error).toMatchObject({ code: "FORBIDDEN", details: { permission: "actions.create_task" } });
    const denial = await db().auditLog.findFirst({ where: { action: "authz.denied", entityId: "actions.create_task", correlationId: response.body.error.correlationId } });
    expect(denial).not.toBeNull();
    expect(await counts()).toEqual(before);
  });

  it("replays a repeated Idempotency-Key: one run, one task, the same body", async () => {
    const key = `double-click-${randomUUID()}`;
    const before = await counts();
    const first = await postAction("tickets", ticketA.id, "create_task", { title: "Once only" }, { key });
    const second = await postAction("tickets", ticketA.id, "create_task", { title: "Once only" }, { key });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.headers.get("Idempotent-Replayed")).toBe("true");
    expect(second.body).toEqual(first.body);
    expect(await counts()).toEqual({ ...before, runs: before.runs + 1, tasks: before.tasks + 1 });

    const mismatch = await postAction("tickets", ticketA.id, "create_task", { title: "Something else" }, { key });
    expect(mismatch.status).toBe(409);
    expect(mismatch.body.error.code).toBe("IDEMPOTENCY_MISMATCH");
    expect(await counts()).toEqual({ ...before, runs: before.runs + 1, tasks: before.tasks + 1 });
  });

  it("executes once for 10 concurrent requests with one key", async () => {
    const key = `concurrent-${randomUUID()}`;
    const before = await counts();
    const responses = await Promise.all(Array.from({ length: 10 }, () => postAction("tickets", ticketA.id, "create_task", { title: "Concurrent" }, { key })));
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
    expect(new Set(responses.map((response) => response.body.run.id)).size).toBe(1);
    expect(await counts()).toEqual({ ...before, runs: before.runs + 1, tasks: before.tasks + 1 });
  });

  it("previews without writing anything", async () => {
    const before = await counts();
    const auditBefore = await db().auditLog.count();
    const response = await postAction("tickets", ticketA.id, "create_task", { title: "Preview me", dueAt: "2026-12-24" }, { query: "?preview=1", key: null });
    expect(response.status).toBe(200);
    // The preview is audited: the title's length, not its words (they may name a customer).
    expect(response.body.preview).toBe(`Create a task (title of 10 characters) on ticket #${ticketA.number}, unassigned, due 2026-12-24.`);
    expect(await counts()).toEqual(before);
    expect(await db().auditLog.count()).toBe(auditBefore);
  });
});

describe("add_internal_note through the runner", () => {
  it("adds a staff-only note to the thread with a ticket event", async () => {
    const response = await postAction("tickets", ticketA.id, "add_internal_note", { body: "Customer called, **urgent**" }, { userId: SUPPORT });
    expect(response.status).toBe(200);
    const message = await db().ticketMessage.findUniqueOrThrow({ where: { id: response.body.result.messageId as string } });
    expect(message).toMatchObject({ ticketId: ticketA.id, kind: "internal_note", authorType: "staff", authorId: supportStaffId, body: "Customer called, **urgent**" });
    const events = await db().ticketEvent.findMany({ where: { ticketId: ticketA.id, runId: response.body.run.id } });
    expect(events.map((event) => event.type).sort()).toEqual(["action.attempted", "action.succeeded", "message.added"]);
  });

  it("refuses a closed ticket (precondition) and orders (not a target) without a run", async () => {
    const before = await counts();
    const closed = await postAction("tickets", closedTicketA.id, "add_internal_note", { body: "Too late" });
    expect(closed.status).toBe(409);
    expect(closed.body.error.message).toMatch(/closed/);
    const onOrder = await postAction("orders", shops.get(SHOP_A)!.orderIds[0], "add_internal_note", { body: "Wrong target" });
    expect(onOrder.status).toBe(400);
    expect(onOrder.body.error.fields).toEqual({ type: ["Not available here"] });
    expect(await counts()).toEqual(before);
  });
});

describe("bad input", () => {
  it("answers 4xx with the error body and writes nothing", async () => {
    const before = await counts();
    const auditBefore = await db().auditLog.count();
    const cases = [
      { response: await postAction("tickets", ticketA.id, "create_task", { title: "" }), status: 400, field: "title" },
      { response: await postAction("tickets", ticketA.id, "create_task", { title: "x", dueAt: "not a date" }), status: 400, field: "dueAt" },
      { response: await postAction("tickets", ticketA.id, "create_task", { title: "x", assigneeId: "../etc" }), status: 400, field: "assigneeId" },
      { response: await postAction("tickets", ticketA.id, "create_task", { title: "x", extra: 1 }), status: 400, field: "_" },
      { response: await postAction("tickets", ticketA.id, "create_task", "{not json"), status: 400, field: "_" },
      { response: await postAction("tickets", ticketA.id, "create_task", { title: "x" }, { contentType: "text/plain" }), status: 400, field: "_" },
      { response: await postAction("tickets", ticketA.id, "create_task", { title: "x" }, { key: "short" }), status: 400, field: "Idempotency-Key" },
      { response: await postAction("tickets", ticketA.id, "create_task", { title: "x" }, { key: null }), status: 400, field: "Idempotency-Key" },
      { response: await postAction("tickets", "NOT-AN-ID", "create_task", { title: "x" }), status: 400, field: "id" },
      { response: await postAction("tickets", ticketA.id, "Drop Table", { title: "x" }), status: 400, field: "type" },
    ];
    for (const { response, status, field } of cases) {
      expect(response.status, JSON.stringify(response.body)).toBe(status);
      expect(response.body.error.code).toBe("VALIDATION");
      expect(Object.keys(response.body.error.fields ?? {})).toContain(field);
      expect(response.body.error.correlationId).toBeTruthy();
    }
    const unknown = await postAction("tickets", ticketA.id, "launch_rocket", { title: "x" });
    expect(unknown.status).toBe(404);
    const missing = await postAction("tickets", "c".repeat(25), "create_task", { title: "x" });
    expect(missing.status).toBe(404);
    expect(await counts()).toEqual(before);
    expect(await db().auditLog.count()).toBe(auditBefore);
  });
});

describe("failures, exceptions and retry", () => {
  it("opens an exception when the assignee has left, and Retry succeeds once they are back", async () => {
    await setLeaverActive(false);
    const failed = await postAction("tickets", ticketA.id, "create_task", { title: "Refund follow-up", assigneeId: leaverId });
    expect(failed.status).toBe(409);
    expect(failed.body.error).toMatchObject({ code: "CONFLICT", message: "The assignee is no longer active in this store" });
    const { runId, exceptionId, reasonCode } = failed.body.error.details;
    expect(reasonCode).toBe("CONFLICT");

    const run = await db().run.findUniqueOrThrow({ where: { id: runId } });
    expect(run).toMatchObject({ status: "failed", error: { code: "CONFLICT", message: "The assignee is no longer active in this store" } });
    expect(await db().task.count({ where: { sourceRunId: runId } })).toBe(0);
    expect((await db().auditLog.findMany({ where: { entityId: runId }, orderBy: { createdAt: "asc" } })).map((row) => row.action)).toEqual(["action.attempted", "action.failed"]);
    expect(await db().actionException.findUniqueOrThrow({ where: { id: exceptionId } })).toMatchObject({ status: "open", reasonCode: "CONFLICT", rootRunId: runId, lastRunId: runId, attempts: 1, ticketId: ticketA.id });
    expect(await db().ticketEvent.count({ where: { ticketId: ticketA.id, runId, type: "action.failed" } })).toBe(1);
    expect(await db().orderTimelineEvent.count({ where: { dedupeKey: `run:${runId}:failed` } })).toBe(1);

    const listed = await listExceptions();
    expect(listed.body.rows).toContainEqual(expect.objectContaining({ id: exceptionId, status: "open", reasonCode: "CONFLICT", actionType: "create_task" }));

    // Retrying before the cause is fixed fails again: a new attempt in the same lineage.
    const stillFailing = await retry(exceptionId);
    expect(stillFailing.status).toBe(409);
    const secondRunId = stillFailing.body.error.details.runId;
    expect(secondRunId).not.toBe(runId);
    expect(await db().run.findUniqueOrThrow({ where: { id: secondRunId } })).toMatchObject({ parentRunId: runId, status: "failed" });
    expect(await db().actionException.findUniqueOrThrow({ where: { id: exceptionId } })).toMatchObject({ status: "open", attempts: 2, lastRunId: secondRunId });

    // The cause is fixed: Mia is back. Retry succeeds, resolves the exception, creates one task.
    await setLeaverActive(true);
    const fixed = await retry(exceptionId);
    expect(fixed.status).toBe(200);
    expect(fixed.body.run).toMatchObject({ rootRunId: runId, status: "succeeded", attempt: 3 });
    expect(await db().run.findUniqueOrThrow({ where: { id: fixed.body.run.id } })).toMatchObject({ parentRunId: runId, status: "succeeded" });
    expect(await db().actionException.findUniqueOrThrow({ where: { id: exceptionId } })).toMatchObject({ status: "resolved", attempts: 3, lastRunId: fixed.body.run.id });
    expect(await db().task.findMany({ where: { sourceRunId: runId } })).toEqual([expect.objectContaining({ title: "Refund follow-up", assigneeId: leaverId })]);
    const exceptionAudit = await db().auditLog.findMany({ where: { entityType: "ActionException", entityId: exceptionId }, orderBy: { createdAt: "asc" } });
    expect(exceptionAudit.map((row) => row.action)).toEqual(["exception.opened", "exception.retried", "exception.reopened", "exception.retried", "exception.resolved"]);

    // A resolved exception is not retried again.
    const again = await retry(exceptionId);
    expect(again.status).toBe(409);
    expect(await db().task.count({ where: { sourceRunId: runId } })).toBe(1);
  });

  it("rolls back an action that fails half-way (injected fault) and answers INTERNAL without internals", async () => {
    const original = createTaskAction.execute!;
    vi.spyOn(createTaskAction as Required<typeof createTaskAction>, "execute").mockImplementationOnce(async (ctx) => {
      await original(ctx);
      throw new Error("disk on fire at /var/lib/secret");
    });
    const response = await postAction("orders", shops.get(SHOP_A)!.orderIds[2], "create_task", { title: "Half written" });
    expect(response.status).toBe(500);
    expect(response.body.error.code).toBe("INTERNAL");
    expect(JSON.stringify(response.body)).not.toContain("disk on fire");
    const { runId, exceptionId } = response.body.error.details;
    expect(await db().task.count({ where: { sourceRunId: runId } })).toBe(0);
    expect(await db().run.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: "failed", error: { code: "INTERNAL" } });
    expect(await db().actionException.findUniqueOrThrow({ where: { id: exceptionId } })).toMatchObject({ reasonCode: "INTERNAL", status: "open" });

    // The fault is gone: Retry writes the task exactly once.
    const fixed = await retry(exceptionId);
    expect(fixed.status).toBe(200);
    expect(await db().task.count({ where: { sourceRunId: runId } })).toBe(1);
  });

  it("lets one of several simultaneous Retry clicks run; the others are 409", async () => {
    await prisma.staffMember.update({ where: { id: leaverId }, data: { active: false } });
    const failed = await postAction("tickets", ticketA.id, "create_task", { title: "Race", assigneeId: leaverId });
    const { exceptionId, runId } = failed.body.error.details;
    await prisma.staffMember.update({ where: { id: leaverId }, data: { active: true } });
    const responses = await Promise.all(Array.from({ length: 5 }, () => retry(exceptionId)));
    expect(responses.map((response) => response.status).sort()).toEqual([200, 409, 409, 409, 409]);
    expect(await db().task.count({ where: { sourceRunId: runId } })).toBe(1);
    expect(await db().run.count({ where: { parentRunId: runId } })).toBe(1);
  });

  it("dismisses only with a reason, audited; a dismissed exception cannot be retried", async () => {
    await prisma.staffMember.update({ where: { id: leaverId }, data: { active: false } });
    const failed = await postAction("tickets", ticketA.id, "create_task", { title: "Never mind", assigneeId: leaverId });
    const { exceptionId } = failed.body.error.details;

    const noReason = await dismiss(exceptionId, { reason: " " });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.fields?.reason).toEqual(["Say why (at least 3 characters)"]);
    expect((await db().actionException.findUniqueOrThrow({ where: { id: exceptionId } })).status).toBe("open");

    const done = await dismiss(exceptionId, { reason: "Customer cancelled the request" });
    expect(done.status).toBe(200);
    expect(await db().actionException.findUniqueOrThrow({ where: { id: exceptionId } })).toMatchObject({ status: "dismissed", dismissedReason: "Customer cancelled the request" });
    const audit = await db().auditLog.findFirstOrThrow({ where: { action: "exception.dismissed", entityId: exceptionId } });
    expect(audit.after).toEqual({ status: "dismissed", reasonLength: "Customer cancelled the request".length });

    expect((await dismiss(exceptionId, { reason: "Again" })).status).toBe(409);
    expect((await retry(exceptionId)).status).toBe(409);
    expect((await listExceptions("?status=dismissed")).body.rows.map((row) => row.id)).toContain(exceptionId);
    expect((await listExceptions()).body.rows.map((row) => row.id)).not.toContain(exceptionId);
  });

  it("requires exceptions.manage to retry or dismiss (Support has not), audited", async () => {
    await prisma.staffMember.update({ where: { id: leaverId }, data: { active: false } });
    const failed = await postAction("tickets", ticketA.id, "create_task", { title: "Support cannot retry", assigneeId: leaverId });
    const { exceptionId } = failed.body.error.details;
    const denied = await retry(exceptionId, { userId: SUPPORT });
    expect(denied.status).toBe(403);
    expect(denied.body.error.details).toMatchObject({ permission: "exceptions.manage" });
    expect((await dismiss(exceptionId, { reason: "Not mine to dismiss" }, { userId: SUPPORT })).status).toBe(403);
    expect(await db().auditLog.count({ where: { action: "authz.denied", entityId: "exceptions.manage" } })).toBeGreaterThanOrEqual(2);
    expect((await db().actionException.findUniqueOrThrow({ where: { id: exceptionId } })).status).toBe("open");
    // Agents may.
    expect((await dismiss(exceptionId, { reason: "Handled by phone" }, { userId: AGENT })).status).toBe(200);
  });

  it("validates the exceptions list filters", async () => {
    const bad = await listExceptions("?status=broken&reasonCode=NOPE&actionType=Bad Type");
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error?.fields ?? {}).sort()).toEqual(["actionType", "reasonCode", "status"]);
    const byReason = await listExceptions("?status=all&reasonCode=INTERNAL");
    expect(byReason.body.rows.length).toBeGreaterThan(0);
    expect(byReason.body.rows.every((row) => row.reasonCode === "INTERNAL")).toBe(true);
  });
});

describe("two shops", () => {
  it("never runs, retries, dismisses or lists across shops", async () => {
    await prisma.staffMember.update({ where: { id: leaverId }, data: { active: false } });
    const failed = await postAction("tickets", ticketA.id, "create_task", { title: "Shop A only", assigneeId: leaverId });
    const { exceptionId } = failed.body.error.details;
    const beforeA = await counts();
    const beforeB = await counts(SHOP_B);

    // Shop B's owner guesses shop A's ids.
    expect((await postAction("tickets", ticketA.id, "create_task", { title: "Intruder" }, { shop: SHOP_B })).status).toBe(404);
    expect((await postAction("orders", shops.get(SHOP_A)!.orderIds[0], "create_task", { title: "Intruder" }, { shop: SHOP_B })).status).toBe(404);
    expect((await retry(exceptionId, { shop: SHOP_B })).status).toBe(404);
    expect((await dismiss(exceptionId, { reason: "Not yours" }, { shop: SHOP_B })).status).toBe(404);
    expect((await listExceptions("?status=all", { shop: SHOP_B })).body.rows).toEqual([]);
    // Shop A's owner cannot reach shop B's ticket either.
    expect((await postAction("tickets", ticketB.id, "add_internal_note", { body: "Intruder" })).status).toBe(404);

    expect(await counts()).toEqual(beforeA);
    expect(await counts(SHOP_B)).toEqual(beforeB);
    expect((await db().actionException.findUniqueOrThrow({ where: { id: exceptionId } })).status).toBe("open");

    // The same staff member's own shop works.
    const own = await postAction("tickets", ticketB.id, "add_internal_note", { body: "Mine" }, { shop: SHOP_B });
    expect(own.status).toBe(200);
  });
});
