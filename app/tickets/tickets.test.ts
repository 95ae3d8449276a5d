/**
 * Tickets through the real route handlers (session tokens, staff, roles, the database):
 * creating from the form (numbers per shop, concurrency, field errors, an order's customer),
 * the list (every filter, search, four sort orders with keyset pagination, bad filters), the
 * ticket page (thread through the sanitizer, order panel from our snapshot, tasks, one merged
 * timeline that is stable), changes of status/priority/assignee (transitions, permissions,
 * stale writes, idempotency, audit), masking for a role without customers.pii, and two-shop
 * isolation for every endpoint. Pages never call Shopify: the Admin API spy would see it.
 */
import { randomUUID } from "node:crypto";
import type { Prisma, Ticket } from "@prisma/client";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { SHOP_A, SHOP_B, startTestSandbox } from "../../tests/helpers/sandbox";
import { adminDocumentRequest, adminFetchRequest, call } from "../../tests/helpers/shopify";
import type { Actor } from "../audit/types";
import prisma from "../db.server";
import type { ErrorBody } from "../lib/app-error";
import { maskEmail, maskName } from "../lib/mask";
import { scopedDb } from "../lib/tenancy.server";
import type { SnapshotContent } from "../orders/build-snapshot";
import { ingestOrder } from "../orders/ingest-order.server";
import { loader as homeLoader } from "../routes/app._index";
import { loader as orderLoader } from "../routes/app.orders.$id";
import { loader as ticketLoader } from "../routes/app.tickets.$id";
import { action as updateAction } from "../routes/app.tickets.$id.update";
import { loader as ticketsLoader } from "../routes/app.tickets._index";
import { action as newTicketAction, loader as newTicketLoader } from "../routes/app.tickets.new";
import { offlineClient } from "../shopify/offline-client.server";
import { createTicket } from "./create-ticket.server";
import type { TicketDetail } from "./get-ticket-detail.server";
import type { ListTicketsResult } from "./list-tickets.server";
import type { NewTicketForm } from "./get-new-ticket-form.server";
import type { UpdateTicketResult } from "./update-ticket.server";

const sandbox = await startTestSandbox();

const OWNER = 9001;
const AGENT = 9002;
const SUPPORT = 9004;
const VIEWER = 9005;

type Who = { shop?: string; userId?: number };
type ListBody = ListTicketsResult & { canSeePii: boolean; canCreate: boolean; staff: Array<{ id: string; name: string }>; error: ErrorBody["error"] | null };
type DetailBody = TicketDetail & { canUpdate: boolean; canAssign: boolean; me: string } & Partial<ErrorBody>;
type UpdateBody = UpdateTicketResult & Partial<ErrorBody>;

const shopIds = new Map<string, string>();
const staff = new Map<string, string>();
const shopId = (shop = SHOP_A) => shopIds.get(shop)!;
const staffId = (userId: number, shop = SHOP_A) => staff.get(`${shop}:${userId}`)!;
let inactiveStaffId: string;

beforeAll(async () => {
  // Installing the app (token exchange) stores the offline session ingestion uses.
  for (const shop of [SHOP_A, SHOP_B]) {
    await call(() => homeLoader({ request: adminDocumentRequest("/app", { shop }), params: {}, context: {} }));
    const row = await prisma.shop.findUniqueOrThrow({ where: { domain: shop } });
    shopIds.set(shop, row.id);
    const client = await offlineClient(shop);
    for (const order of sandbox.store.orders(shop).slice(0, 4)) await ingestOrder({ db: scopedDb(row.id), client, shopifyId: order.id as string });
  }
  // Each member's first request makes them staff (Viewer); then they get their roles.
  for (const [shop, userId] of [[SHOP_A, OWNER], [SHOP_A, AGENT], [SHOP_A, SUPPORT], [SHOP_A, VIEWER], [SHOP_B, OWNER]] as const) {
    expect((await list("", { shop, userId })).status).toBe(200);
    staff.set(`${shop}:${userId}`, (await prisma.staffMember.findFirstOrThrow({ where: { shopId: shopId(shop), shopifyUserId: String(userId) } })).id);
  }
  await prisma.staffMember.update({ where: { id: staffId(AGENT) }, data: { roleKey: "agent" } });
  await prisma.staffMember.update({ where: { id: staffId(SUPPORT) }, data: { roleKey: "support" } });
  inactiveStaffId = (
    await prisma.staffMember.create({ data: { shopId: shopId(), shopifyUserId: "9099", firstName: "Gone", lastName: "Away", roleKey: "agent", active: false } })
  ).id;
}, 120_000);

afterEach(() => {
  vi.restoreAllMocks();
});

// ---------------------------------------------------------------------------------------------
// Requests

function list(query: string, { shop = SHOP_A, userId = OWNER }: Who = {}) {
  return call<ListBody>(() => ticketsLoader({ request: adminFetchRequest(`/app/tickets${query}`, { shop, userId }), params: {}, context: {} }));
}

function detail(id: string, { shop = SHOP_A, userId = OWNER }: Who = {}) {
  return call<DetailBody>(() => ticketLoader({ request: adminFetchRequest(`/app/tickets/${encodeURIComponent(id)}`, { shop, userId }), params: { id }, context: {} }));
}

function newForm(query: string, { shop = SHOP_A, userId = OWNER }: Who = {}) {
  return call<NewTicketForm & { canAssign: boolean; me: string } & Partial<ErrorBody>>(() =>
    newTicketLoader({ request: adminFetchRequest(`/app/tickets/new${query}`, { shop, userId }), params: {}, context: {} }),
  );
}

function create(fields: Record<string, string>, { shop = SHOP_A, userId = OWNER }: Who = {}) {
  return call<ErrorBody>(() =>
    newTicketAction({
      request: adminFetchRequest("/app/tickets/new", {
        shop,
        userId,
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields).toString(),
      }),
      params: {},
      context: {},
    }),
  );
}

function createdId(result: { status: number; headers: Headers; body: unknown }): string {
  expect(result.status, JSON.stringify(result.body)).toBe(302);
  const location = result.headers.get("Location") ?? "";
  expect(location).toMatch(/^\/app\/tickets\/[a-z0-9]{20,40}$/);
  return location.split("/").pop()!;
}

function update(id: string, body: unknown, { shop = SHOP_A, userId = OWNER, key = `test-${randomUUID()}` }: Who & { key?: string | null } = {}) {
  return call<UpdateBody>(() =>
    updateAction({
      request: adminFetchRequest(`/app/tickets/${encodeURIComponent(id)}/update`, {
        shop,
        userId,
        method: "POST",
        headers: { "Content-Type": "application/json", ...(key ? { "Idempotency-Key": key } : {}) },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
      params: { id },
      context: {},
    }),
  );
}

/** The token a page would send: the ticket's updatedAt as stored now. */
async function token(id: string): Promise<string> {
  return (await prisma.ticket.findUniqueOrThrow({ where: { id } })).updatedAt.toISOString();
}

const ticketsOf = (shop = SHOP_A) => prisma.ticket.findMany({ where: { shopId: shopId(shop) } });
const orderOf = async (shop = SHOP_A, index = 0) => (await prisma.order.findMany({ where: { shopId: shopId(shop) }, orderBy: [{ shopifyCreatedAt: "asc" }, { id: "asc" }] }))[index];
const staffActor = (userId: number, shop = SHOP_A): Actor => ({ type: "staff", id: staffId(userId, shop), label: `Staff ${userId}` });

/** Everything a write could have touched in a shop, to prove a refused request wrote nothing. */
async function writeCounts(shop = SHOP_A) {
  const where = { shopId: shopId(shop) };
  const [tickets, messages, events, audits, counter] = await Promise.all([
    prisma.ticket.findMany({ where, orderBy: { id: "asc" } }),
    prisma.ticketMessage.count({ where }),
    prisma.ticketEvent.count({ where }),
    prisma.auditLog.count({ where: { ...where, action: { not: "authz.denied" } } }),
    prisma.ticketCounter.findUnique({ where: { shopId: shopId(shop) } }),
  ]);
  return { tickets, messages, events, audits, counter: counter?.lastNumber ?? 0 };
}

function spyOnAdminApi() {
  return vi.spyOn(sandbox.adminApi, "execute").mock.calls;
}

// ---------------------------------------------------------------------------------------------

describe("Creating tickets (GET/POST /app/tickets/new)", () => {
  it("creates a ticket with its first internal note, a created event and an audit row, then redirects to it", async () => {
    const before = (await prisma.ticketCounter.findUnique({ where: { shopId: shopId() } }))?.lastNumber ?? 0;
    const result = await create({ subject: "  Parcel never arrived  ", message: "Called the carrier, **no scan** since Monday.", priority: "high", category: "Shipping", customerEmail: " Jane.Doe@Example.com ", customerName: "Jane Doe" });
    const id = createdId(result);
    const ticket = await prisma.ticket.findUniqueOrThrow({ where: { id } });
    expect(ticket).toMatchObject({
      shopId: shopId(),
      number: before + 1,
      subject: "Parcel never arrived",
      status: "open",
      priority: "high",
      category: "Shipping",
      channel: "staff",
      customerEmail: "jane.doe@example.com",
      customerName: "Jane Doe",
      createdByType: "staff",
      createdById: staffId(OWNER),
      assigneeId: null,
      orderId: null,
    });
    const messages = await prisma.ticketMessage.findMany({ where: { ticketId: id } });
    expect(messages).toEqual([expect.objectContaining({ kind: "internal_note", authorType: "staff", authorId: staffId(OWNER), body: "Called the carrier, **no scan** since Monday." })]);
    const events = await prisma.ticketEvent.findMany({ where: { ticketId: id } });
    expect(events).toEqual([expect.objectContaining({ type: "ticket.created", actorId: staffId(OWNER), detail: { channel: "staff", priority: "high", orderId: null } })]);
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { shopId: shopId(), action: "ticket.created", entityId: id } });
    expect(audit).toMatchObject({ actorType: "staff", actorId: staffId(OWNER), entityType: "Ticket", correlationId: expect.any(String) });
    expect(audit.after).toMatchObject({ number: before + 1, status: "open", priority: "high" });
    // No customer data in the audit log.
    expect(JSON.stringify(audit)).not.toMatch(/jane|doe/i);
    expect(result.headers.get("X-Request-Id")).toBe(audit.correlationId);
  });

  it("opened from an order: the form shows the order, and the ticket takes the order's customer", async () => {
    const order = await orderOf();
    const form = await newForm(`?orderId=${order.id}`);
    expect(form.status).toBe(200);
    expect(form.body.order).toEqual({ id: order.id, name: order.name, customerName: order.customerName, customerEmail: order.email });
    expect(form.body.staff.map((member) => member.id)).toEqual(expect.arrayContaining([staffId(OWNER), staffId(AGENT)]));
    expect(form.body.staff.map((member) => member.id)).not.toContain(inactiveStaffId);
    expect(form.body.canAssign).toBe(true);

    const id = createdId(await create({ subject: "Question about this order", orderId: order.id, priority: "normal", assigneeId: staffId(AGENT), customerEmail: "", customerName: "" }));
    expect(await prisma.ticket.findUniqueOrThrow({ where: { id } })).toMatchObject({
      orderId: order.id,
      customerEmail: order.email,
      customerName: order.customerName,
      customerShopifyId: order.customerShopifyId,
      assigneeId: staffId(AGENT),
    });
    // No note given: no message.
    expect(await prisma.ticketMessage.count({ where: { ticketId: id } })).toBe(0);
  });

  it("masks the order's customer in the form for a role without customers.pii", async () => {
    const order = await orderOf();
    const form = await newForm(`?orderId=${order.id}`, { userId: SUPPORT });
    expect(form.status).toBe(200);
    expect(form.body.order).toEqual({ id: order.id, name: order.name, customerName: maskName(order.customerName), customerEmail: maskEmail(order.email) });
    expect(JSON.stringify(form.body)).not.toContain(order.email!);
    expect(form.body.canAssign).toBe(false);
  });

  it("numbers tickets per shop, and concurrent creations get distinct, consecutive numbers", async () => {
    const beforeA = (await prisma.ticketCounter.findUnique({ where: { shopId: shopId() } }))!.lastNumber;
    const beforeB = (await prisma.ticketCounter.findUnique({ where: { shopId: shopId(SHOP_B) } }))?.lastNumber ?? 0;
    const results = await Promise.all(Array.from({ length: 8 }, (_, index) => create({ subject: `Concurrent ${index}` })));
    const ids = results.map(createdId);
    const numbers = (await prisma.ticket.findMany({ where: { id: { in: ids } } })).map((ticket) => ticket.number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 8 }, (_, index) => beforeA + 1 + index));

    // Shop B counts on its own: its next ticket is its own next number.
    const inB = createdId(await create({ subject: "First in B" }, { shop: SHOP_B }));
    expect((await prisma.ticket.findUniqueOrThrow({ where: { id: inB } })).number).toBe(beforeB + 1);
    expect((await prisma.ticketCounter.findUnique({ where: { shopId: shopId() } }))!.lastNumber).toBe(beforeA + 8);
  });

  it("answers invalid fields with 400 and field errors, writing nothing", async () => {
    const before = await writeCounts();
    const result = await create({ subject: "   ", customerEmail: "not-an-email", priority: "whenever", message: "x".repeat(20_001) });
    expect(result.status).toBe(400);
    expect(result.body.error).toMatchObject({ code: "VALIDATION", correlationId: expect.any(String) });
    expect(Object.keys(result.body.error.fields!).sort()).toEqual(["customerEmail", "message", "priority", "subject"]);
    expect(result.body.error.fields!.subject).toEqual(["Subject is required"]);
    expect(result.headers.get("X-Request-Id")).toBe(result.body.error.correlationId);
    expect(await writeCounts()).toEqual(before);
  });

  it("refuses another shop's order or staff member as a field error (tenancy), writing nothing", async () => {
    const before = await writeCounts();
    const foreignOrder = await orderOf(SHOP_B);
    const byOrder = await create({ subject: "Guessing", orderId: foreignOrder.id });
    expect(byOrder.status).toBe(400);
    expect(byOrder.body.error.fields).toEqual({ orderId: ["No such order in this store"] });
    const byStaff = await create({ subject: "Guessing", assigneeId: staffId(OWNER, SHOP_B) });
    expect(byStaff.status).toBe(400);
    expect(byStaff.body.error.fields).toEqual({ assigneeId: ["Choose an active staff member"] });
    const inactive = await create({ subject: "Inactive", assigneeId: inactiveStaffId });
    expect(inactive.body.error.fields).toEqual({ assigneeId: ["Choose an active staff member"] });
    expect(await writeCounts()).toEqual(before);
    // The form of shop A cannot even show shop B's order.
    expect((await newForm(`?orderId=${foreignOrder.id}`)).status).toBe(404);
    expect((await newForm("?orderId=gid://shopify/Order/1")).status).toBe(400);
  });

  it("the order page offers Create ticket to roles with tickets.create only", async () => {
    const order = await orderOf();
    const canCreate = async (userId: number) =>
      (await call<{ canCreateTicket: boolean }>(() => orderLoader({ request: adminFetchRequest(`/app/orders/${order.id}`, { shop: SHOP_A, userId }), params: { id: order.id }, context: {} }))).body.canCreateTicket;
    expect(await canCreate(OWNER)).toBe(true);
    expect(await canCreate(SUPPORT)).toBe(true);
    expect(await canCreate(VIEWER)).toBe(false);
  });

  it("needs tickets.create; assigning at creation also needs tickets.assign", async () => {
    const denied = () => prisma.auditLog.count({ where: { shopId: shopId(), action: "authz.denied", actorId: staffId(SUPPORT) } });
    const before = await writeCounts();
    const deniedBefore = await denied();
    const assigned = await create({ subject: "Support assigns", assigneeId: staffId(AGENT) }, { userId: SUPPORT });
    expect(assigned.status).toBe(403);
    expect(assigned.body.error).toMatchObject({ code: "FORBIDDEN", details: { permission: "tickets.assign", role: "support" } });
    expect(await denied()).toBe(deniedBefore + 1);
    expect(await writeCounts()).toEqual(before);
    // Unassigned, Support may open it.
    createdId(await create({ subject: "Support opens" }, { userId: SUPPORT }));

    const viewer = await create({ subject: "Viewer tries" }, { userId: VIEWER });
    expect(viewer.status).toBe(403);
    expect(viewer.body.error.details).toMatchObject({ permission: "tickets.create" });
    expect((await newForm("", { userId: VIEWER })).status).toBe(403);
  });
});

// ---------------------------------------------------------------------------------------------

const PRIORITY_RANK: Record<string, number> = { low: 0, normal: 1, high: 2, urgent: 3 };
const HOUR = 60 * 60 * 1000;
const AGES_H = [2, 30, 50, 96, 144, 240];
const STATUSES = ["open", "pending", "on_hold", "solved", "closed"] as const;
const PRIORITIES = ["low", "normal", "high", "urgent"] as const;
const FIRST_NAMES = ["Alice Archer", "Bruno Berg", "Chloe Chen", "Dmitri Dorn"];

const byId = (a: Ticket, b: Ticket) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const ORACLE: Record<string, (a: Ticket, b: Ticket) => number> = {
  newest: (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || byId(b, a),
  oldest: (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || byId(a, b),
  last_activity: (a, b) => b.lastActivityAt.getTime() - a.lastActivityAt.getTime() || byId(b, a),
  priority: (a, b) => PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority] || byId(b, a),
};

async function expected(filter: (ticket: Ticket) => boolean, sort = "newest", shop = SHOP_A) {
  return (await ticketsOf(shop)).filter(filter).sort(ORACLE[sort]).map((ticket) => ticket.id);
}

/** Every page of a query, following nextCursor. */
async function allPages(query: string, who: Who = {}) {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const separator = query ? "&" : "?";
    const result: Awaited<ReturnType<typeof list>> = await list(`${query}${cursor ? `${separator}cursor=${cursor}` : ""}`, who);
    expect(result.status, JSON.stringify(result.body.error)).toBe(200);
    ids.push(...result.body.rows.map((row) => row.id));
    cursor = result.body.nextCursor;
    pages++;
  } while (cursor && pages < 100);
  return { ids, pages };
}

describe("Ticket list (GET /app/tickets)", () => {
  beforeAll(async () => {
    // Twenty tickets across statuses, priorities, assignees and ages; several share createdAt
    // and lastActivityAt exactly, so the id tie-break is exercised by every sort order.
    const base = Date.now();
    const db = scopedDb(shopId());
    for (let index = 0; index < 20; index++) {
      const email = index % 4 === 0 ? `customer${index % 8}@example.com` : undefined;
      const ticket = await createTicket({
        db,
        shopId: shopId(),
        actor: staffActor(OWNER),
        correlationId: `seed-${index}`,
        channel: "email",
        input: {
          subject: index === 7 ? "Refund for order 1200" : `${["Where is my parcel", "Damaged item", "Wrong size", "Invoice copy"][index % 4]} (${index})`,
          message: "Hello",
          priority: PRIORITIES[index % 4],
          customerEmail: email,
          customerName: email ? FIRST_NAMES[index % 4] : undefined,
          assigneeId: [staffId(OWNER), staffId(AGENT), undefined][index % 3],
        },
      });
      const createdAt = new Date(base - AGES_H[index % AGES_H.length] * HOUR);
      await prisma.ticket.update({
        where: { id: ticket.id },
        data: { status: STATUSES[index % 5], createdAt, lastActivityAt: new Date(createdAt.getTime() + (index % 2) * HOUR) },
      });
    }
  });

  it("lists the shop's tickets newest first, with names resolved, without calling Shopify", async () => {
    const calls = spyOnAdminApi();
    const result = await list("");
    expect(result.status).toBe(200);
    const all = await expected(() => true);
    expect(all.length).toBeGreaterThanOrEqual(30);
    expect(result.body.rows.map((row) => row.id)).toEqual(all.slice(0, 50));
    const withOrder = result.body.rows.find((row) => row.order);
    expect(withOrder?.order?.name).toMatch(/^#\d+/);
    const assigned = result.body.rows.find((row) => row.assignee?.id === staffId(AGENT));
    expect(assigned?.assignee?.name).toBe("Adam Admin");
    expect(result.body.canCreate).toBe(true);
    expect(calls).toEqual([]);
  });

  it.each(["newest", "oldest", "priority", "last_activity"])("sort %s: keyset pages give every ticket exactly once, in order (ties by id)", async (sort) => {
    const want = await expected(() => true, sort);
    const { ids, pages } = await allPages(`?sort=${sort}&limit=4`);
    expect(ids).toEqual(want);
    expect(pages).toBe(Math.ceil(want.length / 4));
    // The fixture really has ties for this sort.
    const tickets = await ticketsOf();
    const value = (ticket: Ticket) => (sort === "priority" ? ticket.priority : sort === "last_activity" ? ticket.lastActivityAt.getTime() : ticket.createdAt.getTime());
    expect(new Set(tickets.map(value)).size).toBeLessThan(tickets.length);
  });

  it("filters by one or several statuses (repeated or comma-separated)", async () => {
    for (const status of STATUSES) {
      const result = await list(`?status=${status}`);
      expect(result.body.rows.map((row) => row.id)).toEqual(await expected((ticket) => ticket.status === status));
      expect(result.body.rows.every((row) => row.status === status)).toBe(true);
    }
    const unsolved = await expected((ticket) => ["open", "pending", "on_hold"].includes(ticket.status));
    expect((await list("?status=open&status=pending&status=on_hold")).body.rows.map((row) => row.id)).toEqual(unsolved);
    expect((await list("?status=open,pending,on_hold")).body.rows.map((row) => row.id)).toEqual(unsolved);
  });

  it("filters by priority", async () => {
    for (const priority of PRIORITIES) {
      expect((await list(`?priority=${priority}`)).body.rows.map((row) => row.id)).toEqual(await expected((ticket) => ticket.priority === priority));
    }
    expect((await list("?priority=high,urgent&sort=priority")).body.rows.map((row) => row.id)).toEqual(await expected((ticket) => ["high", "urgent"].includes(ticket.priority), "priority"));
  });

  it("filters by assignee: me, unassigned or a staff member", async () => {
    const mine = await list("?assignee=me", { userId: AGENT });
    expect(mine.body.rows.map((row) => row.id)).toEqual(await expected((ticket) => ticket.assigneeId === staffId(AGENT)));
    expect(mine.body.rows.length).toBeGreaterThan(0);
    expect((await list("?assignee=me")).body.rows.map((row) => row.id)).toEqual(await expected((ticket) => ticket.assigneeId === staffId(OWNER)));
    expect((await list("?assignee=unassigned")).body.rows.map((row) => row.id)).toEqual(await expected((ticket) => ticket.assigneeId === null));
    expect((await list(`?assignee=${staffId(AGENT)}`)).body.rows.map((row) => row.id)).toEqual(await expected((ticket) => ticket.assigneeId === staffId(AGENT)));
  });

  it("filters by age bucket on createdAt", async () => {
    const now = Date.now();
    const ageH = (ticket: Ticket) => (now - ticket.createdAt.getTime()) / HOUR;
    const buckets: Record<string, (hours: number) => boolean> = {
      lt_1d: (hours) => hours < 24,
      "1_3d": (hours) => hours >= 24 && hours < 72,
      "3_7d": (hours) => hours >= 72 && hours < 168,
      gt_7d: (hours) => hours >= 168,
    };
    for (const [age, test] of Object.entries(buckets)) {
      const want = await expected((ticket) => test(ageH(ticket)));
      expect(want.length, age).toBeGreaterThan(0);
      expect((await list(`?age=${age}`)).body.rows.map((row) => row.id), age).toEqual(want);
    }
  });

  it("combines filters and paginates within them", async () => {
    const now = Date.now();
    const want = await expected((ticket) => {
      const hours = (now - ticket.createdAt.getTime()) / HOUR;
      return ["open", "pending", "on_hold", "solved"].includes(ticket.status) && ticket.assigneeId === staffId(AGENT) && hours >= 24 && hours < 168;
    }, "oldest");
    expect(want.length).toBeGreaterThan(1);
    const { ids, pages } = await allPages(`?status=open,pending,on_hold,solved&assignee=${staffId(AGENT)}&age=1_3d&sort=oldest&limit=1`);
    const { ids: older } = await allPages(`?status=open&status=pending&status=on_hold&status=solved&assignee=${staffId(AGENT)}&age=3_7d&sort=oldest&limit=1`);
    // The two buckets together, oldest first: 3-7 days before 1-3 days.
    expect([...older, ...ids]).toEqual(want);
    expect(pages).toBe(ids.length);
  });

  it("searches by number (#12 exactly; 12 also in subjects), subject and customer email", async () => {
    const tickets = await ticketsOf();
    const twelve = tickets.find((ticket) => ticket.number === 12)!;
    expect(twelve).toBeDefined();
    expect((await list("?q=%2312")).body.rows.map((row) => row.id)).toEqual([twelve.id]);
    const loose = (await list("?q=12")).body.rows.map((row) => row.id);
    expect(loose).toEqual(await expected((ticket) => ticket.number === 12 || ticket.subject.includes("12")));
    expect(loose.length).toBeGreaterThan(1); // #12 and "Refund for order 1200"
    expect((await list("?q=%23999999")).body.rows).toEqual([]);

    expect((await list("?q=DAMAGED%20item")).body.rows.map((row) => row.id)).toEqual(await expected((ticket) => ticket.subject.toLowerCase().includes("damaged item")));

    const email = await list(`?q=${encodeURIComponent("  CUSTOMER0@example.COM ")}`);
    expect(email.body.emailSearch).toBe("applied");
    expect(email.body.rows.map((row) => row.id)).toEqual(await expected((ticket) => ticket.customerEmail === "customer0@example.com"));
    expect(email.body.rows.length).toBeGreaterThan(0);
    expect((await list(`?q=${encodeURIComponent("customer0@example.co")}`)).body.rows).toEqual([]);
  });

  it("answers invalid filters with 400 and the field errors, never 500", async () => {
    const result = await list("?status=open,bogus&priority=soon&assignee=bob!&age=2d&sort=random&limit=0");
    expect(result.status).toBe(400);
    expect(result.body.rows).toEqual([]);
    expect(result.body.error).toMatchObject({ code: "VALIDATION", correlationId: expect.any(String) });
    expect(Object.keys(result.body.error!.fields!).sort()).toEqual(["age", "assignee", "limit", "priority", "sort", "status"]);
    // Beside the field, naming what was wrong.
    expect(result.body.error!.fields!.status).toEqual(["Choose statuses from the list (not bogus)"]);
    expect(result.body.error!.fields!.age).toEqual(["Choose an age from the list"]);
    expect(result.headers.get("X-Request-Id")).toBe(result.body.error!.correlationId);

    // Cursors: garbage, a valid base64 of nonsense, and one from another sort order.
    const { nextCursor } = (await list("?sort=priority&limit=2")).body;
    expect(nextCursor).toBeTruthy();
    for (const cursor of ["not*base64", Buffer.from("newest|yesterday|abc").toString("base64url"), nextCursor!]) {
      const bad = await list(`?sort=newest&cursor=${encodeURIComponent(cursor)}`);
      expect(bad.status, cursor).toBe(400);
      expect(Object.keys(bad.body.error!.fields!)).toEqual(["cursor"]);
    }
    expect((await list(`?q=${"x".repeat(255)}`)).body.error!.fields!.q).toBeDefined();
    expect((await list("?limit=abc")).status).toBe(400);
  });

  it("masks customers for a role without customers.pii and ignores their email search", async () => {
    const tickets = await ticketsOf();
    const masked = await list("?limit=100", { userId: SUPPORT });
    expect(masked.status).toBe(200);
    expect(masked.body.canSeePii).toBe(false);
    const json = JSON.stringify(masked.body);
    let checked = 0;
    for (const ticket of tickets) {
      if (ticket.customerEmail) {
        expect(json).not.toContain(ticket.customerEmail);
        checked++;
      }
      if (ticket.customerName) expect(json).not.toContain(ticket.customerName);
    }
    expect(checked).toBeGreaterThan(3);
    for (const row of masked.body.rows) {
      const ticket = tickets.find((candidate) => candidate.id === row.id)!;
      expect(row.customerEmail).toBe(maskEmail(ticket.customerEmail));
      expect(row.customerName).toBe(maskName(ticket.customerName));
    }
    const ignored = await list("?q=customer0%40example.com", { userId: SUPPORT });
    expect(ignored.body.emailSearch).toBe("ignored");
    expect(ignored.body.rows.length).toBe(Math.min(50, tickets.length));
    // The owner sees them (the assertion above is not vacuous).
    expect(JSON.stringify((await list("?limit=100")).body)).toContain("customer0@example.com");
  });

  it("is the shop's own list: shop B sees none of shop A's tickets, whatever the filters", async () => {
    const inA = new Set((await ticketsOf()).map((ticket) => ticket.id));
    const inB = await list("?limit=100", { shop: SHOP_B });
    expect(inB.status).toBe(200);
    expect(inB.body.rows.length).toBe((await ticketsOf(SHOP_B)).length);
    expect(inB.body.rows.some((row) => inA.has(row.id))).toBe(false);
    expect((await list(`?assignee=${staffId(AGENT)}`, { shop: SHOP_B })).body.rows).toEqual([]);
    expect((await list("?q=customer0%40example.com", { shop: SHOP_B })).body.rows).toEqual([]);
    // A cursor made in shop A pages nothing of A's in shop B.
    const { nextCursor } = (await list("?limit=2")).body;
    const paged = await list(`?limit=100&cursor=${nextCursor}`, { shop: SHOP_B });
    expect(paged.body.rows.some((row) => inA.has(row.id))).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------

describe("Ticket page (GET /app/tickets/:id)", () => {
  let ticketId: string;
  let orderId: string;
  let runOnTicket: string;
  let runOnOrder: string;
  let foldedOrderEvent: string;
  const TIE = new Date("2026-11-20T10:00:00.000Z");

  beforeAll(async () => {
    const order = await orderOf(SHOP_A, 1);
    orderId = order.id;
    const db = scopedDb(shopId());
    // A customer writes in about the order (as the intake API would), hostile markdown included.
    const ticket = await createTicket({
      db,
      shopId: shopId(),
      actor: { type: "system", id: null, label: "Email parser" },
      correlationId: "detail-seed",
      channel: "email",
      input: {
        subject: `Problem with ${order.name} for ${order.customerName}`,
        message: `Hi, this is ${order.customerName} (${order.email}).\n\n**Help!** <script>alert(1)</script> [click](javascript:alert(1)) <img src=x onerror=alert(1)>`,
        priority: "high",
        orderId,
      },
    });
    ticketId = ticket.id;
    await prisma.ticketMessage.create({
      data: { shopId: shopId(), ticketId, kind: "internal_note", authorType: "staff", authorId: staffId(OWNER), authorLabel: "Olivia Owner", body: "Checked the _carrier_ page: [tracking](https://track.example/1)" },
    });
    const other = await createTicket({ db, shopId: shopId(), actor: staffActor(OWNER), correlationId: "detail-other", channel: "staff", input: { subject: "Unrelated", priority: "normal" } });

    // Runs: on this ticket, on its order only, and on another ticket (not shown).
    const run = (data: Partial<Prisma.RunUncheckedCreateInput>) =>
      prisma.run.create({ data: { shopId: shopId(), type: "create_task", status: "succeeded", input: {}, actorType: "staff", actorId: staffId(OWNER), actorLabel: "Olivia Owner", correlationId: "c", ...data } as Prisma.RunUncheckedCreateInput });
    runOnTicket = (await run({ ticketId, orderId, createdAt: TIE })).id;
    runOnOrder = (await run({ orderId, type: "tag_order", createdAt: new Date(TIE.getTime() + 60_000) })).id;
    await run({ ticketId: other.id, type: "lookup_order" });

    // At the same instant as the run: an order event and a ticket event (the tie-break order).
    await prisma.orderTimelineEvent.create({ data: { shopId: shopId(), orderId, dedupeKey: "test:tie", type: "note.added", occurredAt: TIE, source: "test", title: "A note at the tie" } });
    await prisma.ticketEvent.create({ data: { shopId: shopId(), ticketId, type: "ticket.priority_changed", actorType: "staff", actorId: staffId(OWNER), actorLabel: "Olivia Owner", detail: { from: "normal", to: "high" }, occurredAt: TIE } });
    // The runner's own echoes of a run (on the ticket and the order) fold into the run's item.
    await prisma.ticketEvent.create({ data: { shopId: shopId(), ticketId, type: "action.succeeded", actorType: "staff", actorLabel: "Olivia Owner", runId: runOnTicket, detail: { actionType: "create_task", summary: "Task created" }, occurredAt: TIE } });
    foldedOrderEvent = (
      await prisma.orderTimelineEvent.create({
        data: { shopId: shopId(), orderId, dedupeKey: `run:${runOnOrder}:succeeded`, type: "action.succeeded", occurredAt: new Date(TIE.getTime() + 60_000), source: "action_center", title: "Tagged", detail: { runId: runOnOrder } },
      })
    ).id;

    // Tasks: on the ticket, on its order, and elsewhere (not shown).
    const task = (data: Partial<Prisma.TaskUncheckedCreateInput>) => prisma.task.create({ data: { shopId: shopId(), title: "Task", createdByType: "staff", ...data } as Prisma.TaskUncheckedCreateInput });
    await task({ title: "Call the carrier", ticketId, assigneeId: staffId(AGENT), dueAt: new Date("2026-12-01T09:00:00Z") });
    await task({ title: "Check the order's stock", orderId });
    await task({ title: "Someone else's", ticketId: other.id });
  });

  it("shows the header, the sanitized thread, the order panel from our snapshot and the tasks, without calling Shopify", async () => {
    const calls = spyOnAdminApi();
    const result = await detail(ticketId);
    expect(result.status).toBe(200);
    const ticket = await prisma.ticket.findUniqueOrThrow({ where: { id: ticketId } });
    const order = await prisma.order.findUniqueOrThrow({ where: { id: orderId } });
    expect(result.body.ticket).toMatchObject({
      id: ticketId,
      number: ticket.number,
      subject: ticket.subject,
      status: "open",
      priority: "high",
      channel: "email",
      customerEmail: order.email,
      customerName: order.customerName,
      updatedAt: ticket.updatedAt.toISOString(),
      nextStatuses: ["pending", "on_hold", "solved", "closed"],
      firstResponseAt: null,
      solvedAt: null,
    });
    expect(result.body.piiMasked).toBe(false);
    expect(result.body.canUpdate).toBe(true);
    expect(result.body.canAssign).toBe(true);

    // The thread: oldest first; the customer's words rendered, their markup inert.
    expect(result.body.messages.map((message) => [message.kind, message.authorType])).toEqual([
      ["customer", "customer"],
      ["internal_note", "staff"],
    ]);
    const [customer, note] = result.body.messages;
    expect(customer.authorLabel).toBe(order.customerName);
    expect(customer.html).toContain("<strong>Help!</strong>");
    expect(customer.html).toContain("&lt;script&gt;");
    expect(customer.html).not.toMatch(/<script|<img|href="javascript/i);
    expect(note.html).toContain('<a href="https://track.example/1" rel="noopener noreferrer nofollow" target="_blank">tracking</a>');

    // The order panel is the latest stored snapshot, as the order page shows it.
    const snapshot = await prisma.orderSnapshot.findFirstOrThrow({ where: { orderId }, orderBy: { version: "desc" } });
    expect(result.body.context).toEqual(snapshot.content);
    expect(result.body.order).toMatchObject({ id: orderId, name: order.name, snapshotVersion: order.snapshotVersion });

    expect(result.body.tasks.map((task) => [task.title, task.linkedTo, task.assignee])).toEqual([
      ["Call the carrier", "ticket", "Adam Admin"],
      ["Check the order's stock", "order", null],
    ]);
    expect(calls).toEqual([]);
  });

  it("merges order events, ticket events and runs into one chronological timeline, each labelled with its source", async () => {
    const { body } = await detail(ticketId);
    const timeline = body.timeline;
    const sources = new Set(timeline.map((item) => item.source));
    expect([...sources].sort()).toEqual(["order", "run", "ticket"]);

    // Exactly: the order's events (minus the runner's echo), the ticket's events (minus the
    // run's echo), and the runs on the ticket or the order; none from elsewhere.
    const orderEvents = await prisma.orderTimelineEvent.findMany({ where: { orderId }, orderBy: [{ occurredAt: "asc" }, { dedupeKey: "asc" }] });
    const ticketEvents = await prisma.ticketEvent.findMany({ where: { ticketId }, orderBy: [{ occurredAt: "asc" }, { id: "asc" }] });
    const rank = { order: 0, ticket: 1, run: 2 } as const;
    const want = [
      ...orderEvents.filter((event) => event.id !== foldedOrderEvent).map((event, seq) => ({ id: `order:${event.id}`, at: event.occurredAt.toISOString(), rank: rank.order, seq })),
      ...ticketEvents.filter((event) => event.type !== "action.succeeded").map((event, seq) => ({ id: `ticket:${event.id}`, at: event.occurredAt.toISOString(), rank: rank.ticket, seq })),
      ...[runOnTicket, runOnOrder].map((id, seq) => ({ id: `run:${id}`, at: "", rank: rank.run, seq })),
    ];
    for (const item of want.filter((entry) => entry.rank === rank.run)) item.at = timeline.find((entry) => entry.id === item.id)!.occurredAt;
    want.sort((a, b) => a.at.localeCompare(b.at) || a.rank - b.rank || a.seq - b.seq);
    expect(timeline.map((item) => item.id)).toEqual(want.map((item) => item.id));

    // Chronological, and at the tie: order, then ticket, then run.
    const times = timeline.map((item) => item.occurredAt);
    expect([...times].sort()).toEqual(times);
    const atTie = timeline.filter((item) => item.occurredAt === TIE.toISOString());
    expect(atTie.map((item) => item.source)).toEqual(["order", "ticket", "run"]);
    expect(atTie[1].title).toBe("Priority changed from Normal to High by Olivia Owner");
    // The run carries its echo's summary; the order-only run is there, linked to its page.
    expect(timeline.find((item) => item.id === `run:${runOnTicket}`)).toMatchObject({ title: "Create task: succeeded (Task created), by Olivia Owner", runId: runOnTicket, type: "run.succeeded" });
    expect(timeline.find((item) => item.id === `run:${runOnOrder}`)).toMatchObject({ source: "run", runId: runOnOrder });
    expect(timeline.find((item) => item.source === "ticket" && item.type === "ticket.created")?.title).toBe("Ticket created by Email parser (email)");

    // Stable across loads.
    for (let i = 0; i < 3; i++) expect((await detail(ticketId)).body.timeline).toEqual(timeline);
  });

  it("masks the customer everywhere for a role without customers.pii: header, subject, thread, order panel, timeline", async () => {
    const order = await prisma.order.findUniqueOrThrow({ where: { id: orderId } });
    const snapshot = await prisma.orderSnapshot.findFirstOrThrow({ where: { orderId }, orderBy: { version: "desc" } });
    const content = snapshot.content as unknown as SnapshotContent;
    const personal = [order.email, order.customerName, content.customer.email, content.customer.phone, content.shippingAddress?.address1, ...(order.customerName ?? "").split(" ").filter((part) => part.length > 2)].filter(
      (value): value is string => !!value,
    );
    expect(personal.length).toBeGreaterThan(2);
    const owner = JSON.stringify((await detail(ticketId)).body);
    for (const value of personal) expect(owner).toContain(value);

    const result = await detail(ticketId, { userId: SUPPORT });
    expect(result.status).toBe(200);
    expect(result.body.piiMasked).toBe(true);
    expect(result.body.canAssign).toBe(false);
    const json = JSON.stringify(result.body);
    for (const value of personal) expect(json, `leaks "${value}"`).not.toContain(value);
    expect(result.body.ticket.customerEmail).toBe(maskEmail(order.email));
    expect(result.body.ticket.customerName).toBe(maskName(order.customerName));
    expect(result.body.ticket.subject).toContain(maskName(order.customerName)!);
    expect(result.body.messages[0].html).toContain(maskEmail(order.email)!);
    expect(result.body.context?.customer.email).toBe(maskEmail(content.customer.email));
    // Same items, same order; only texts masked.
    const ownerTimeline = (await detail(ticketId)).body.timeline;
    expect(result.body.timeline.map((item) => [item.id, item.occurredAt])).toEqual(ownerTimeline.map((item) => [item.id, item.occurredAt]));
  });

  it("answers 404 for another shop's ticket and unknown ids, 400 for malformed ids", async () => {
    const foreign = await detail(ticketId, { shop: SHOP_B });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error).toMatchObject({ code: "NOT_FOUND", message: "No such ticket in this store" });
    expect(JSON.stringify(foreign.body)).not.toContain("Problem with");
    expect((await detail("c000000000000000000000000")).status).toBe(404);
    for (const id of ["not-an-id!", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "12", "#12"]) {
      const result = await detail(id);
      expect(result.status, id).toBe(400);
      expect(result.body.error).toMatchObject({ code: "VALIDATION", message: "Malformed ticket id" });
    }
  });

  it("shows a ticket without an order: no panel, its own events only", async () => {
    const id = createdId(await create({ subject: "No order here", message: "Just a note" }));
    const result = await detail(id, { userId: VIEWER });
    expect(result.status).toBe(200);
    expect(result.body.order).toBeNull();
    expect(result.body.context).toBeNull();
    expect(result.body.timeline.map((item) => [item.source, item.type])).toEqual([["ticket", "ticket.created"]]);
    expect(result.body.canUpdate).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------

describe("Changing status, priority and assignee (POST /app/tickets/:id/update)", () => {
  async function freshTicket(shop = SHOP_A) {
    return createdId(await create({ subject: `Update me ${randomUUID()}`, customerEmail: "update.me@example.com", customerName: "Upton Date" }, { shop }));
  }

  it("walks the allowed transitions, keeping solvedAt, closedAt and lastActivityAt, each change evented and audited", async () => {
    const id = await freshTicket();
    const steps: Array<[string, string]> = [
      ["open", "pending"],
      ["pending", "on_hold"],
      ["on_hold", "open"],
      ["open", "solved"],
      ["solved", "open"],
      ["open", "solved"],
      ["solved", "closed"],
    ];
    for (const [from, to] of steps) {
      const before = await prisma.ticket.findUniqueOrThrow({ where: { id } });
      expect(before.status).toBe(from);
      const result = await update(id, { expectedUpdatedAt: before.updatedAt.toISOString(), status: to });
      expect(result.status, JSON.stringify(result.body)).toBe(200);
      expect(result.body.changes).toEqual([{ field: "status", from, to }]);
      const after = await prisma.ticket.findUniqueOrThrow({ where: { id } });
      expect(after.status).toBe(to);
      expect(result.body.ticket.updatedAt).toBe(after.updatedAt.toISOString());
      expect(after.updatedAt.getTime()).toBeGreaterThan(before.updatedAt.getTime());
      expect(after.lastActivityAt.getTime()).toBeGreaterThan(before.lastActivityAt.getTime() - 1);
      if (to === "solved") expect(after.solvedAt).not.toBeNull();
      if (to === "open") expect(after.solvedAt).toBeNull();
      if (to === "closed") {
        expect(after.closedAt).not.toBeNull();
        expect(after.solvedAt).toEqual(before.solvedAt);
      }
    }
    const events = await prisma.ticketEvent.findMany({ where: { ticketId: id, type: "ticket.status_changed" }, orderBy: [{ occurredAt: "asc" }, { id: "asc" }] });
    expect(events.map((event) => event.detail)).toEqual(steps.map(([from, to]) => ({ from, to })));
    expect(events.every((event) => event.actorId === staffId(OWNER))).toBe(true);
    const audits = await prisma.auditLog.findMany({ where: { shopId: shopId(), entityId: id, action: "ticket.status_changed" }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    expect(audits.map((audit) => [audit.before, audit.after])).toEqual(steps.map(([from, to]) => [{ status: from }, { status: to }]));
    expect(JSON.stringify(audits)).not.toMatch(/update\.me|Upton/);
  });

  it("refuses transitions STATUS_TRANSITIONS does not allow with 409, writing nothing", async () => {
    const id = await freshTicket();
    await update(id, { expectedUpdatedAt: await token(id), status: "solved" });
    const before = await writeCounts();
    const refused = await update(id, { expectedUpdatedAt: await token(id), status: "pending" });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: "CONFLICT", message: "A ticket that is solved cannot become pending.", details: { from: "solved", to: "pending" } });
    await update(id, { expectedUpdatedAt: await token(id), status: "closed" });
    for (const status of ["open", "pending", "solved"]) {
      const closed = await update(id, { expectedUpdatedAt: await token(id), status });
      expect(closed.status).toBe(409);
      expect(closed.body.error!.message).toBe("A closed ticket cannot change status: open a new ticket instead.");
    }
    const after = await writeCounts();
    // Only the close went through since `before`.
    expect(after.events).toBe(before.events + 1);
    expect(after.audits).toBe(before.audits + 1);
    expect((await prisma.ticket.findUniqueOrThrow({ where: { id } })).status).toBe("closed");
  });

  it("changes priority and assignee (a staff member, me, nobody), evented and audited with before/after", async () => {
    const id = await freshTicket();
    const priority = await update(id, { expectedUpdatedAt: await token(id), priority: "urgent" });
    expect(priority.body.changes).toEqual([{ field: "priority", from: "normal", to: "urgent" }]);
    const agent = await update(id, { expectedUpdatedAt: await token(id), assigneeId: staffId(AGENT) }, { userId: AGENT });
    expect(agent.body.changes).toEqual([{ field: "assigneeId", from: null, to: staffId(AGENT) }]);
    const me = await update(id, { expectedUpdatedAt: await token(id), assigneeId: "me" });
    expect(me.body.changes).toEqual([{ field: "assigneeId", from: staffId(AGENT), to: staffId(OWNER) }]);
    const nobody = await update(id, { expectedUpdatedAt: await token(id), assigneeId: null });
    expect(nobody.body.ticket.assigneeId).toBeNull();
    // Several at once: each its own event and audit row, one transaction.
    const both = await update(id, { expectedUpdatedAt: await token(id), priority: "low", status: "pending", assigneeId: "me" });
    expect(both.status).toBe(200);
    expect(both.body.changes.map((change) => change.field)).toEqual(["status", "priority", "assigneeId"]);
    // Asking for what already is: nothing written.
    const same = await update(id, { expectedUpdatedAt: await token(id), priority: "low" });
    expect(same.body.changes).toEqual([]);

    const events = await prisma.ticketEvent.findMany({ where: { ticketId: id, type: { not: "ticket.created" } }, orderBy: [{ occurredAt: "asc" }, { id: "asc" }] });
    expect(events.map((event) => [event.type, event.detail])).toEqual([
      ["ticket.priority_changed", { from: "normal", to: "urgent" }],
      ["ticket.assigned", { from: null, to: staffId(AGENT) }],
      ["ticket.assigned", { from: staffId(AGENT), to: staffId(OWNER) }],
      ["ticket.assigned", { from: staffId(OWNER), to: null }],
      ["ticket.status_changed", { from: "open", to: "pending" }],
      ["ticket.priority_changed", { from: "urgent", to: "low" }],
      ["ticket.assigned", { from: null, to: staffId(OWNER) }],
    ]);
    const audits = await prisma.auditLog.findMany({ where: { shopId: shopId(), entityId: id, action: { not: "ticket.created" } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    expect(audits.map((audit) => [audit.action, audit.before, audit.after])).toEqual(
      events.map((event) => {
        const detail = event.detail as { from: unknown; to: unknown };
        const field = event.type === "ticket.assigned" ? "assigneeId" : event.type === "ticket.priority_changed" ? "priority" : "status";
        return [event.type, { [field]: detail.from }, { [field]: detail.to }];
      }),
    );
    // The page names them.
    const page = await detail(id);
    expect(page.body.timeline.filter((item) => item.type === "ticket.assigned").map((item) => item.title)).toEqual([
      "Assigned to Adam Admin by Adam Admin",
      "Assigned to Olivia Owner by Olivia Owner",
      "Unassigned (was Olivia Owner) by Olivia Owner",
      "Assigned to Olivia Owner by Olivia Owner",
    ]);
  });

  it("accepts only active staff of this shop as assignee (a field error otherwise), writing nothing", async () => {
    const id = await freshTicket();
    const before = await writeCounts();
    for (const assigneeId of [inactiveStaffId, staffId(OWNER, SHOP_B), "c000000000000000000000000"]) {
      const result = await update(id, { expectedUpdatedAt: await token(id), assigneeId });
      expect(result.status).toBe(400);
      expect(result.body.error).toMatchObject({ code: "VALIDATION", fields: { assigneeId: ["Choose an active staff member"] } });
    }
    expect(await writeCounts()).toEqual(before);
  });

  it("needs tickets.update for status/priority and tickets.assign for the assignee: 403 and an authz.denied row, nothing changed", async () => {
    const id = await freshTicket();
    const denied = (userId: number) => prisma.auditLog.findMany({ where: { shopId: shopId(), action: "authz.denied", actorId: staffId(userId) }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });

    // Support may change status and priority...
    expect((await update(id, { expectedUpdatedAt: await token(id), status: "pending" }, { userId: SUPPORT })).status).toBe(200);
    expect((await update(id, { expectedUpdatedAt: await token(id), priority: "high" }, { userId: SUPPORT })).status).toBe(200);
    // ...but not assign, not even to themselves, nor as part of a status change.
    const before = await writeCounts();
    const supportDenied = (await denied(SUPPORT)).length;
    for (const body of [{ assigneeId: "me" }, { assigneeId: staffId(AGENT) }, { assigneeId: null }, { status: "open", assigneeId: "me" }]) {
      const result = await update(id, { expectedUpdatedAt: await token(id), ...body }, { userId: SUPPORT });
      expect(result.status, JSON.stringify(body)).toBe(403);
      expect(result.body.error).toMatchObject({ code: "FORBIDDEN", details: { permission: "tickets.assign", role: "support" } });
    }
    const rows = await denied(SUPPORT);
    expect(rows.length).toBe(supportDenied + 4);
    expect(rows.at(-1)).toMatchObject({ entityType: "Permission", entityId: "tickets.assign", metadata: expect.objectContaining({ path: `/app/tickets/${id}/update` }) });
    // A Viewer may do neither.
    for (const [body, permission] of [
      [{ status: "open" }, "tickets.update"],
      [{ priority: "low" }, "tickets.update"],
      [{ assigneeId: "me" }, "tickets.assign"],
    ] as const) {
      const result = await update(id, { expectedUpdatedAt: await token(id), ...body }, { userId: VIEWER });
      expect(result.status).toBe(403);
      expect(result.body.error!.details).toMatchObject({ permission, role: "viewer" });
    }
    expect((await denied(VIEWER)).at(-1)).toMatchObject({ entityId: "tickets.assign" });
    expect(await writeCounts()).toEqual(before);
  });

  it("refuses a stale change with 409 (optimistic concurrency), also when two arrive at once", async () => {
    const id = await freshTicket();
    const seen = await token(id);
    expect((await update(id, { expectedUpdatedAt: seen, priority: "high" })).status).toBe(200);
    const before = await writeCounts();
    const stale = await update(id, { expectedUpdatedAt: seen, status: "pending" }, { userId: AGENT });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: "CONFLICT", details: { reason: "stale", currentUpdatedAt: await token(id) } });
    expect(stale.body.error!.message).toMatch(/Someone else changed this ticket/);
    expect(await writeCounts()).toEqual(before);

    // Two staff, the same version, at the same moment: exactly one wins.
    const current = await token(id);
    const results = await Promise.all([
      update(id, { expectedUpdatedAt: current, status: "pending" }, { userId: OWNER }),
      update(id, { expectedUpdatedAt: current, status: "on_hold" }, { userId: AGENT }),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual([200, 409]);
    const winner = results.find((result) => result.status === 200)!;
    expect((await prisma.ticket.findUniqueOrThrow({ where: { id } })).status).toBe(winner.body.ticket.status);
    expect(await prisma.ticketEvent.count({ where: { ticketId: id, type: "ticket.status_changed" } })).toBe(1);
  });

  it("is idempotent per Idempotency-Key: a retry replays the answer and changes nothing more", async () => {
    const id = await freshTicket();
    const body = { expectedUpdatedAt: await token(id), status: "pending" };
    const first = await update(id, body, { key: "ticket-update-retry-1" });
    const retry = await update(id, body, { key: "ticket-update-retry-1" });
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(retry.body).toEqual(first.body);
    expect(await prisma.ticketEvent.count({ where: { ticketId: id, type: "ticket.status_changed" } })).toBe(1);
    const other = await update(id, { ...body, status: "on_hold" }, { key: "ticket-update-retry-1" });
    expect(other.status).toBe(409);
    expect(other.body.error!.code).toBe("IDEMPOTENCY_MISMATCH");
    const missing = await update(id, { expectedUpdatedAt: await token(id), status: "open" }, { key: null });
    expect(missing.status).toBe(400);
    expect(missing.body.error!.fields).toHaveProperty("Idempotency-Key");
  });

  it("validates the body: 400 with field errors", async () => {
    const id = await freshTicket();
    const cases: Array<[unknown, string[]]> = [
      [{ status: "pending" }, ["expectedUpdatedAt"]],
      [{ expectedUpdatedAt: "yesterday", status: "pending" }, ["expectedUpdatedAt"]],
      [{ expectedUpdatedAt: await token(id) }, ["_"]],
      [{ expectedUpdatedAt: await token(id), status: "archived", priority: "asap" }, ["priority", "status"]],
      [{ expectedUpdatedAt: await token(id), assigneeId: "Robert'); DROP TABLE" }, ["assigneeId"]],
      [{ expectedUpdatedAt: await token(id), status: "pending", subject: "sneaky" }, ["_"]],
    ];
    for (const [body, fields] of cases) {
      const result = await update(id, body);
      expect(result.status, JSON.stringify(body)).toBe(400);
      expect(Object.keys(result.body.error!.fields!).sort(), JSON.stringify(body)).toEqual(fields);
    }
    expect((await update(id, "{not json")).status).toBe(400);
    expect((await update("not-a-ticket!", { expectedUpdatedAt: await token(id), status: "pending" })).status).toBe(400);
  });

  it("cannot touch another shop's ticket: 404, nothing written anywhere", async () => {
    const id = await freshTicket(SHOP_A);
    const beforeA = await writeCounts(SHOP_A);
    const beforeB = await writeCounts(SHOP_B);
    for (const body of [{ status: "pending" }, { priority: "urgent" }, { assigneeId: "me" }]) {
      const result = await update(id, { expectedUpdatedAt: await token(id), ...body }, { shop: SHOP_B });
      expect(result.status).toBe(404);
      expect(result.body.error).toMatchObject({ code: "NOT_FOUND" });
    }
    expect(await writeCounts(SHOP_A)).toEqual(beforeA);
    expect(await writeCounts(SHOP_B)).toEqual(beforeB);
  });
});
