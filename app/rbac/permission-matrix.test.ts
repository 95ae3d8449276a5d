/**
 * The permission matrix, end to end: for every role in ROLES and every safety-rail endpoint,
 * the real loader/action (session token -> staff -> role -> permission) allows exactly what
 * the role's permissions say, and every refusal is the standard 403 body plus one
 * `authz.denied` audit row naming the missing permission.
 */
import { randomUUID } from "node:crypto";
import type { Prisma } from "@prisma/client";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { bagMinor } from "../../sandbox/store/money";
import { libraryReasonId } from "../../sandbox/store/return-reasons";
import { SHOP_A, startTestSandbox } from "../../tests/helpers/sandbox";
import { adminFetchRequest, call, type CallResult } from "../../tests/helpers/shopify";
import { recordAudit } from "../audit/record-audit.server";
import prisma from "../db.server";
import type { ErrorBody } from "../lib/app-error";
import { action as refreshReturnReasonsAction, loader as returnReasonsLoader } from "../routes/app.return-reasons";
import { scopedDb } from "../lib/tenancy.server";
import { action as ticketRunnerAction } from "../routes/app.action-center.tickets.$id.actions.$type";
import { action as orderRunnerAction } from "../routes/app.action-center.orders.$id.actions.$type";
import { action as retryExceptionAction } from "../routes/app.exceptions.$id.retry";
import { action as dismissExceptionAction } from "../routes/app.exceptions.$id.dismiss";
import { loader as exceptionsLoader } from "../routes/app.exceptions._index";
import { action as staffAccessAction } from "../routes/app.staff.$id.access";
import { loader as auditEntryLoader } from "../routes/app.audit.$id";
import { loader as auditListLoader } from "../routes/app.audit._index";
import { loader as auditExportLoader } from "../routes/app.audit.export";
import { loader as rolesLoader } from "../routes/app.roles";
import { loader as runLoader } from "../routes/app.runs.$id";
import { loader as runsLoader } from "../routes/app.runs._index";
import { action as changeRoleAction } from "../routes/app.staff.$id.role";
import { loader as staffLoader } from "../routes/app.staff";
import { createRun } from "../runs/create-run.server";
import { ingestOrder } from "../orders/ingest-order.server";
import { loader as orderLoader } from "../routes/app.orders.$id";
import { action as refreshOrderAction } from "../routes/app.orders.$id.refresh";
import { loader as ordersLoader } from "../routes/app.orders._index";
import { action as revealIntakeSecretAction } from "../routes/app.settings.intake-secret.reveal";
import { action as rotateIntakeSecretAction } from "../routes/app.settings.intake-secret.rotate";
import { offlineClient } from "../shopify/offline-client.server";
import { loader as ticketLoader } from "../routes/app.tickets.$id";
import { action as updateTicketAction } from "../routes/app.tickets.$id.update";
import { loader as ticketsLoader } from "../routes/app.tickets._index";
import { action as newTicketAction, loader as newTicketLoader } from "../routes/app.tickets.new";
import { bumpPolicyVersion } from "../policy/load-policy.server";
import { action as approveAction } from "../routes/app.approvals.$id.approve";
import { loader as approvalsLoader } from "../routes/app.approvals._index";
import { loader as policyLoader } from "../routes/app.policy";
import { action as updatePolicyAction } from "../routes/app.policy.update";
import { action as simulatePolicyAction } from "../routes/app.policy.simulate";
import { action as denyAction } from "../routes/app.approvals.$id.deny";
import { action as confirmRunAction } from "../routes/app.action-center.runs.$id.confirm";
import type { SnapshotContent } from "../orders/build-snapshot";
import { returnableItems } from "../orders/returnable-items";
import { createTicket } from "../tickets/create-ticket.server";
import { ROLES, type Permission, type RoleKey } from "./permissions";

const sandbox = await startTestSandbox();

const OWNER = 9001;
/** The staff member who takes on each role in turn. */
const ACTOR = 9002;
/** The target of role changes. */
const TARGET = 9005;

type Loader = (args: LoaderFunctionArgs) => Promise<unknown>;

const get = (loader: Loader, path: string, userId: number, params: Record<string, string> = {}) =>
  call(() => loader({ request: adminFetchRequest(path, { shop: SHOP_A, userId }), params, context: {} }));

let shopId: string;
let actorStaffId: string;
let targetStaffId: string;
let auditEntryId: string;
let runId: string;
let orderId: string;
let unshippedOrderId: string;
let shippedOrderId: string;

interface Endpoint {
  name: string;
  permission: Permission;
  invoke: (userId: number) => Promise<CallResult>;
}

/** What each endpoint requires (the routes' contract); who holds it comes from ROLES. */
const ENDPOINTS: Endpoint[] = [
  { name: "GET /app/roles", permission: "staff.view", invoke: (userId) => get(rolesLoader, "/app/roles", userId) },
  { name: "GET /app/staff", permission: "staff.view", invoke: (userId) => get(staffLoader, "/app/staff", userId) },
  {
    name: "POST /app/staff/:id/role",
    permission: "staff.manage",
    invoke: (userId) =>
      call(() =>
        changeRoleAction({
          request: adminFetchRequest(`/app/staff/${targetStaffId}/role`, {
            shop: SHOP_A,
            userId,
            method: "POST",
            headers: { "Content-Type": "application/json", "Idempotency-Key": `matrix-${randomUUID()}` },
            body: JSON.stringify({ roleKey: "support" }),
          }),
          params: { id: targetStaffId },
          context: {},
        }),
      ),
  },
  { name: "GET /app/audit", permission: "audit.view", invoke: (userId) => get(auditListLoader, "/app/audit", userId) },
  { name: "GET /app/audit/:id", permission: "audit.view", invoke: (userId) => get(auditEntryLoader, `/app/audit/${auditEntryId}`, userId, { id: auditEntryId }) },
  { name: "GET /app/audit/export", permission: "audit.export", invoke: (userId) => get(auditExportLoader, "/app/audit/export", userId) },
  { name: "GET /app/runs", permission: "runs.view", invoke: (userId) => get(runsLoader, "/app/runs", userId) },
  { name: "GET /app/runs/:id", permission: "runs.view", invoke: (userId) => get(runLoader, `/app/runs/${runId}`, userId, { id: runId }) },
  { name: "GET /app/orders", permission: "orders.view", invoke: (userId) => get(ordersLoader, "/app/orders", userId) },
  { name: "GET /app/orders/:id", permission: "orders.view", invoke: (userId) => get(orderLoader, `/app/orders/${orderId}`, userId, { id: orderId }) },
  {
    name: "POST /app/orders/:id/refresh",
    permission: "orders.refresh",
    invoke: (userId) =>
      call(() =>
        refreshOrderAction({
          request: adminFetchRequest(`/app/orders/${orderId}/refresh`, {
            shop: SHOP_A,
            userId,
            method: "POST",
            headers: { "Content-Type": "application/json", "Idempotency-Key": `matrix-${randomUUID()}` },
            body: "{}",
          }),
          params: { id: orderId },
          context: {},
        }),
      ),
  },
  { name: "GET /app/return-reasons", permission: "actions.initiate_return", invoke: (userId) => get(returnReasonsLoader, "/app/return-reasons", userId) },
  {
    name: "POST /app/return-reasons",
    permission: "actions.initiate_return",
    invoke: (userId) =>
      call(() =>
        refreshReturnReasonsAction({
          request: adminFetchRequest("/app/return-reasons", { shop: SHOP_A, userId, method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" }),
          params: {},
          context: {},
        }),
      ),
  },
  {
    name: "POST /app/settings/intake-secret/reveal",
    permission: "settings.manage",
    invoke: (userId) =>
      call(() =>
        revealIntakeSecretAction({
          request: adminFetchRequest("/app/settings/intake-secret/reveal", {
            shop: SHOP_A,
            userId,
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: "{}",
          }),
          params: {},
          context: {},
        }),
      ),
  },
  {
    name: "POST /app/settings/intake-secret/rotate",
    permission: "settings.manage",
    invoke: (userId) =>
      call(() =>
        rotateIntakeSecretAction({
          request: adminFetchRequest("/app/settings/intake-secret/rotate", {
            shop: SHOP_A,
            userId,
            method: "POST",
            headers: { "Content-Type": "application/json", "Idempotency-Key": `matrix-${randomUUID()}` },
            body: "{}",
          }),
          params: {},
          context: {},
        }),
      ),
  },
  { name: "GET /app/tickets", permission: "tickets.view", invoke: (userId) => get(ticketsLoader, "/app/tickets", userId) },
  { name: "GET /app/tickets/:id", permission: "tickets.view", invoke: async (userId) => get(ticketLoader, `/app/tickets/${await matrixTicket()}`, userId, { id: await matrixTicket() }) },
  { name: "GET /app/tickets/new", permission: "tickets.create", invoke: (userId) => get(newTicketLoader, `/app/tickets/new?orderId=${orderId}`, userId) },
  {
    // A form post answers with a redirect to the new ticket: followed, as the browser does.
    name: "POST /app/tickets/new",
    permission: "tickets.create",
    invoke: async (userId) => {
      const created = await call(() =>
        newTicketAction({
          request: adminFetchRequest("/app/tickets/new", {
            shop: SHOP_A,
            userId,
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({ subject: "Matrix", priority: "normal", orderId }).toString(),
          }),
          params: {},
          context: {},
        }),
      );
      if (created.status !== 302) return created;
      const id = created.headers.get("Location")!.split("/").pop()!;
      return get(ticketLoader, `/app/tickets/${id}`, userId, { id });
    },
  },
  {
    name: "POST /app/tickets/:id/update (status)",
    permission: "tickets.update",
    invoke: async (userId) => {
      const id = await matrixTicket();
      const ticket = await prisma.ticket.findUniqueOrThrow({ where: { id } });
      return postTicketUpdate(id, userId, { expectedUpdatedAt: ticket.updatedAt.toISOString(), status: ticket.status === "open" ? "pending" : "open" });
    },
  },
  {
    name: "POST /app/tickets/:id/update (assignee)",
    permission: "tickets.assign",
    invoke: async (userId) => {
      const id = await matrixTicket();
      const ticket = await prisma.ticket.findUniqueOrThrow({ where: { id } });
      return postTicketUpdate(id, userId, { expectedUpdatedAt: ticket.updatedAt.toISOString(), assigneeId: ticket.assigneeId ? null : "me" });
    },
  },
  {
    name: "POST /app/action-center/tickets/:id/actions/create_task",
    permission: "actions.create_task",
    invoke: async (userId) => postRunnerAction("tickets", await matrixTicket(), "create_task", { title: "Matrix task" }, userId),
  },
  {
    name: "POST /app/action-center/orders/:id/actions/create_task",
    permission: "actions.create_task",
    invoke: (userId) => postRunnerAction("orders", orderId, "create_task", { title: "Matrix order task" }, userId),
  },
  {
    name: "POST /app/action-center/tickets/:id/actions/add_internal_note",
    permission: "actions.add_internal_note",
    invoke: async (userId) => postRunnerAction("tickets", await matrixTicket(), "add_internal_note", { body: "Matrix note" }, userId),
  },
  {
    name: "POST /app/action-center/orders/:id/actions/tag_order",
    permission: "actions.tag_order",
    invoke: (userId) => postRunnerAction("orders", orderId, "tag_order", { tags: ["matrix"] }, userId),
  },
  {
    name: "POST /app/action-center/tickets/:id/actions/add_order_note",
    permission: "actions.add_order_note",
    invoke: async (userId) => postRunnerAction("tickets", await matrixTicket(), "add_order_note", { note: "Matrix order note" }, userId),
  },
  {
    name: "POST /app/action-center/orders/:id/actions/process_refund (policy on, amount within limits)",
    permission: "actions.refund",
    invoke: (userId) => postRunnerAction("orders", orderId, "process_refund", { amount: "0.01", notify: false }, userId),
  },
  {
    // Previewed: the same RBAC, policy and preconditions as a run, repeatable for every role.
    name: "POST /app/action-center/orders/:id/actions/update_address?preview=1 (policy on)",
    permission: "actions.update_address",
    invoke: (userId) => postRunnerAction("orders", unshippedOrderId, "update_address", { lastName: "Matrix", address1: "Matrixweg 1", city: "Berlin", zip: "10115", countryCode: "DE" }, userId, "?preview=1"),
  },
  {
    name: "POST /app/action-center/orders/:id/actions/initiate_return?preview=1 (policy on)",
    permission: "actions.initiate_return",
    invoke: async (userId) => {
      const snapshot = await prisma.orderSnapshot.findFirstOrThrow({ where: { orderId: shippedOrderId }, orderBy: { version: "desc" } });
      const [item] = returnableItems(snapshot.content as unknown as SnapshotContent).items;
      return postRunnerAction("orders", shippedOrderId, "initiate_return", { lineItems: [{ fulfillmentLineItemId: item!.fulfillmentLineItemId, quantity: 1 }], returnReasonDefinitionId: libraryReasonId("changed-my-mind") }, userId, "?preview=1");
    },
  },
  { name: "GET /app/approvals", permission: "approvals.decide", invoke: (userId) => get(approvalsLoader, "/app/approvals", userId) },
  { name: "GET /app/policy", permission: "policy.view", invoke: (userId) => get(policyLoader, "/app/policy", userId) },
  {
    name: "POST /app/policy/update (no change)",
    permission: "policy.manage",
    invoke: (userId) => call(() => updatePolicyAction({ request: matrixPost("/app/policy/update", userId, { policies: {} }), params: {}, context: {} })),
  },
  {
    name: "POST /app/policy/simulate",
    permission: "policy.view",
    invoke: (userId) =>
      call(() => simulatePolicyAction({ request: matrixPost("/app/policy/simulate", userId, { order: orderId, actionType: "process_refund", amount: "1.00", actor: { type: "agent", label: "Matrix" } }), params: {}, context: {} })),
  },
  {
    name: "POST /app/approvals/:id/approve",
    permission: "approvals.decide",
    invoke: async (userId) => {
      const id = await pendingApproval();
      return call(() => approveAction({ request: matrixPost(`/app/approvals/${id}/approve`, userId, {}), params: { id }, context: {} }));
    },
  },
  {
    // Only the requester may confirm, so each caller confirms a tag_order of their own; the
    // permission checked is the action's (a role that lost it cannot confirm what it asked for).
    name: "POST /app/action-center/runs/:id/confirm (own tag_order)",
    permission: "actions.tag_order",
    invoke: async (userId) => {
      const id = await heldForConfirmation(userId);
      return call(() => confirmRunAction({ request: matrixPost(`/app/action-center/runs/${id}/confirm`, userId, {}), params: { id }, context: {} }));
    },
  },
  {
    name: "POST /app/approvals/:id/deny",
    permission: "approvals.decide",
    invoke: async (userId) => {
      const id = await pendingApproval();
      return call(() => denyAction({ request: matrixPost(`/app/approvals/${id}/deny`, userId, { note: "Matrix denial" }), params: { id }, context: {} }));
    },
  },
  { name: "GET /app/exceptions", permission: "exceptions.view", invoke: (userId) => get(exceptionsLoader, "/app/exceptions", userId) },
  {
    name: "POST /app/exceptions/:id/retry",
    permission: "exceptions.manage",
    invoke: async (userId) => {
      const id = await openException();
      return call(() =>
        retryExceptionAction({
          request: adminFetchRequest(`/app/exceptions/${id}/retry`, {
            shop: SHOP_A,
            userId,
            method: "POST",
            headers: { "Content-Type": "application/json", "Idempotency-Key": `matrix-${randomUUID()}` },
            body: "{}",
          }),
          params: { id },
          context: {},
        }),
      );
    },
  },
  {
    name: "POST /app/exceptions/:id/dismiss",
    permission: "exceptions.manage",
    invoke: async (userId) => {
      const id = await openException();
      return call(() =>
        dismissExceptionAction({
          request: adminFetchRequest(`/app/exceptions/${id}/dismiss`, {
            shop: SHOP_A,
            userId,
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ reason: "Matrix dismissal" }),
          }),
          params: { id },
          context: {},
        }),
      );
    },
  },
  {
    // Reactivating an active member changes nothing: the permission check is what is tested.
    name: "POST /app/staff/:id/access",
    permission: "staff.manage",
    invoke: (userId) =>
      call(() =>
        staffAccessAction({
          request: adminFetchRequest(`/app/staff/${targetStaffId}/access`, {
            shop: SHOP_A,
            userId,
            method: "POST",
            headers: { "Content-Type": "application/json", "Idempotency-Key": `matrix-${randomUUID()}` },
            body: JSON.stringify({ active: true }),
          }),
          params: { id: targetStaffId },
          context: {},
        }),
      ),
  },
];

function postRunnerAction(kind: "tickets" | "orders", id: string, type: string, body: unknown, userId: number, query = "") {
  const route = kind === "tickets" ? ticketRunnerAction : orderRunnerAction;
  return call(() =>
    route({
      request: adminFetchRequest(`/app/action-center/${kind}/${id}/actions/${type}${query}`, {
        shop: SHOP_A,
        userId,
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": `matrix-${randomUUID()}` },
        body: JSON.stringify(body),
      }),
      params: { id, type },
      context: {},
    }),
  );
}

const matrixPost = (path: string, userId: number, body: unknown) =>
  adminFetchRequest(path, { shop: SHOP_A, userId, method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

/**
 * A pending approval for a lookup_order on the matrix order, requested by the system (so no
 * role meets the two-person rule as its own requester), as holdRun leaves one.
 */
async function pendingApproval(): Promise<string> {
  const db = scopedDb(shopId);
  const system = { type: "system" as const, id: null, label: "System" };
  const run = await createRun({ db, type: "lookup_order", input: { target: { kind: "order", id: orderId }, input: {} }, actor: system, correlationId: "matrix-approval", status: "pending_approval", orderId });
  const request = await db.approvalRequest.create({
    data: { runId: run.id, actionType: "lookup_order", reason: "Matrix", preview: "Matrix look-up", requestedByType: "system", expiresAt: new Date(Date.now() + 3_600_000), orderId } as Prisma.ApprovalRequestUncheckedCreateInput,
  });
  return request.id;
}

/** A tag_order on the matrix order held for the caller's confirmation, as holdRun leaves one. */
async function heldForConfirmation(userId: number): Promise<string> {
  const staff = await prisma.staffMember.findFirstOrThrow({ where: { shopId, shopifyUserId: String(userId) } });
  const actor = { type: "staff" as const, id: staff.id, label: "Matrix requester" };
  const run = await createRun({ db: scopedDb(shopId), type: "tag_order", input: { target: { kind: "order", id: orderId }, input: { tags: ["matrix-confirmed"] } }, actor, correlationId: "matrix-confirm", status: "pending_confirmation", orderId });
  return run.id;
}

/** A fresh open exception (a failed create_task on the matrix ticket), as the runner leaves one. */
async function openException(): Promise<string> {
  const db = scopedDb(shopId);
  const ticketId = await matrixTicket();
  const system = { type: "system" as const, id: null, label: "System" };
  const run = await createRun({ db, type: "create_task", input: { target: { kind: "ticket", id: ticketId }, input: { title: "Matrix retry" } }, actor: system, correlationId: "matrix-exception", status: "failed", ticketId });
  const exception = await db.actionException.create({
    data: { rootRunId: run.id, lastRunId: run.id, actionType: "create_task", reasonCode: "INTERNAL", message: "Matrix failure", ticketId } as Prisma.ActionExceptionUncheckedCreateInput,
  });
  return exception.id;
}

let matrixTicketId: string | undefined;

/** The ticket the ticket endpoints work on, linked to the order; made on first use. */
async function matrixTicket(): Promise<string> {
  matrixTicketId ??= (
    await createTicket({
      db: scopedDb(shopId),
      shopId,
      actor: { type: "system", id: null, label: "System" },
      correlationId: "matrix-seed-ticket",
      channel: "staff",
      input: { subject: "Matrix ticket", priority: "normal", orderId },
    })
  ).id;
  return matrixTicketId;
}

function postTicketUpdate(id: string, userId: number, body: Record<string, unknown>) {
  return call(() =>
    updateTicketAction({
      request: adminFetchRequest(`/app/tickets/${id}/update`, {
        shop: SHOP_A,
        userId,
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": `matrix-${randomUUID()}` },
        body: JSON.stringify(body),
      }),
      params: { id },
      context: {},
    }),
  );
}

async function staffId(userId: number): Promise<string> {
  const result = await get(staffLoader, "/app/staff", userId);
  expect(result.status).toBe(200);
  const row = await prisma.staffMember.findFirstOrThrow({ where: { shopId, shopifyUserId: String(userId) } });
  return row.id;
}

beforeAll(async () => {
  // The owner's first request installs the shop (token exchange -> afterAuth).
  expect((await get(staffLoader, "/app/staff", OWNER)).status).toBe(200);
  shopId = (await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_A } })).id;
  actorStaffId = await staffId(ACTOR);
  targetStaffId = await staffId(TARGET);
  const db = scopedDb(shopId);
  const system = { type: "system" as const, id: null, label: "System" };
  auditEntryId = (await recordAudit({ db, actor: system, action: "test.seeded", entityType: "Test", correlationId: "matrix-seed-0001" })).id;
  runId = (await createRun({ db, type: "lookup_order", input: { orderId: 1 }, actor: system, correlationId: "matrix-seed-0002" })).id;
  const first = sandbox.store.orders(SHOP_A).find((order) => order.cancelledAt === null && bagMinor(order.netPaymentSet) > 1000)!.id as string;
  await ingestOrder({ db, client: await offlineClient(SHOP_A), shopifyId: first });
  orderId = (await db.order.findFirstOrThrow({ where: { shopifyId: first } })).id;
  // The refund case needs the store policy to allow it without confirmation (the install
  // default turns it off), and an order with money to refund.
  await db.actionPermission.update({ where: { shopId_actionType: { shopId, actionType: "process_refund" } }, data: { enabled: true, requiresConfirmation: false } });
  // The address and return cases: the policy allows them, on an order with nothing shipped and
  // on one with shipped items nobody returned or refunded.
  await db.actionPermission.updateMany({ where: { actionType: { in: ["update_address", "initiate_return"] } }, data: { enabled: true, requiresConfirmation: false } });
  await bumpPolicyVersion(db, shopId);
  const orders = sandbox.store.orders(SHOP_A).filter((order) => order.cancelledAt === null);
  const unshipped = orders.find((order) => order.fulfillments.length === 0)!.id as string;
  const shipped = orders.find((order) => order.fulfillments.some((f) => f.status === "SUCCESS") && order.returns.length === 0 && order.refunds.length === 0)!.id as string;
  for (const shopifyId of [unshipped, shipped]) await ingestOrder({ db, client: await offlineClient(SHOP_A), shopifyId });
  unshippedOrderId = (await db.order.findFirstOrThrow({ where: { shopifyId: unshipped } })).id;
  shippedOrderId = (await db.order.findFirstOrThrow({ where: { shopifyId: shipped } })).id;
});

const deniedCount = () => prisma.auditLog.count({ where: { shopId, action: "authz.denied", actorId: actorStaffId } });

describe.each(ROLES.map((role) => [role.key, role] as const))("role %s", (roleKey, role) => {
  beforeAll(async () => {
    await prisma.staffMember.update({ where: { id: actorStaffId }, data: { roleKey } });
    // Role changes made by earlier roles must not run into the write limit.
    await prisma.rateLimitCounter.deleteMany({ where: { shopId } });
  });

  const cases = ENDPOINTS.map((endpoint) => ({ ...endpoint, allowed: role.permissions.includes(endpoint.permission) }));

  it.each(cases.filter((c) => c.allowed).map((c) => [c.name, c] as const))("may call %s", async (_name, endpoint) => {
    const before = await deniedCount();
    const result = await endpoint.invoke(ACTOR);
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(await deniedCount()).toBe(before);
  });

  it.each(cases.filter((c) => !c.allowed).map((c) => [c.name, c] as const))("is refused %s with 403 and an authz.denied audit row", async (_name, endpoint) => {
    const before = await deniedCount();
    const result = await endpoint.invoke(ACTOR);
    expect(result.status).toBe(403);
    const { error } = result.body as ErrorBody;
    expect(error.code).toBe("FORBIDDEN");
    expect(error.details).toMatchObject({ permission: endpoint.permission, role: roleKey });
    expect(error.message).toContain(endpoint.permission);
    expect(error.correlationId).toEqual(expect.any(String));
    expect(result.headers.get("X-Request-Id")).toBe(error.correlationId);

    expect(await deniedCount()).toBe(before + 1);
    const row = await prisma.auditLog.findFirstOrThrow({
      where: { shopId, action: "authz.denied", actorId: actorStaffId },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    });
    expect(row).toMatchObject({
      actorType: "staff",
      entityType: "Permission",
      entityId: endpoint.permission,
      correlationId: error.correlationId,
      metadata: expect.objectContaining({ role: roleKey }),
    });
  });
});

describe("the account owner", () => {
  it("is Owner whatever the table says: every endpoint answers 200 and nothing is denied", async () => {
    const owner = await prisma.staffMember.findFirstOrThrow({ where: { shopId, shopifyUserId: String(OWNER) } });
    await prisma.staffMember.update({ where: { id: owner.id }, data: { roleKey: "viewer" } });
    await prisma.rateLimitCounter.deleteMany({ where: { shopId } });
    try {
      for (const endpoint of ENDPOINTS) {
        const result = await endpoint.invoke(OWNER);
        expect(result.status, `${endpoint.name}: ${JSON.stringify(result.body)}`).toBe(200);
      }
      expect(await prisma.auditLog.count({ where: { shopId, action: "authz.denied", actorId: owner.id } })).toBe(0);
    } finally {
      await prisma.staffMember.update({ where: { id: owner.id }, data: { roleKey: "owner" } });
    }
  });
});

describe("GET /app/roles", () => {
  it("shows the shop's roles exactly as ROLES defines them", async () => {
    const result = await get(rolesLoader, "/app/roles", OWNER);
    const body = result.body as { roles: Array<{ key: RoleKey; rank: number; permissions: string[] }> };
    expect(body.roles.map((role) => role.key)).toEqual([...ROLES].sort((a, b) => b.rank - a.rank).map((role) => role.key));
    for (const role of body.roles) {
      const definition = ROLES.find((candidate) => candidate.key === role.key)!;
      expect(role.rank).toBe(definition.rank);
      expect([...role.permissions].sort()).toEqual([...definition.permissions].sort());
    }
  });
});
