/**
 * The mandatory compliance topics, delivered signed to the real webhook route and processed:
 * shop/redact erases a shop (audit log included), customers/redact removes one customer's
 * personal data and keeps the facts, customers/data_request exports what we hold.
 * Two shops each time: the other one is untouched.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { SHOP_A, SHOP_B, startTestSandbox } from "../../tests/helpers/sandbox";
import { adminDocumentRequest, call, webhookRequest } from "../../tests/helpers/shopify";
import prisma from "../db.server";
import { logger } from "../lib/logger.server";
import { TENANT_MODELS, scopedDb } from "../lib/tenancy.server";
import { ingestOrder } from "../orders/ingest-order.server";
import { ZOrderContext } from "../orders/schema";
import { storeOrderContext } from "../orders/store-order-context.server";
import { loader as homeLoader } from "../routes/app._index";
import { action as webhookAction } from "../routes/webhooks.$";
import { action as uninstalledAction } from "../routes/webhooks.app.uninstalled";
import type { OrderContextQuery } from "../shopify/admin.generated";
import { ORDER_CONTEXT_QUERY, ORDER_CONTEXT_REQUESTED_COST } from "../shopify/documents";
import { offlineClient } from "../shopify/offline-client.server";
import { createTicket } from "../tickets/create-ticket.server";
import { REDACTED_MESSAGE } from "../tickets/redact-customer-tickets.server";
import { lockRedactionKeys, recordRedaction, redactionLockKeys } from "./redaction-record.server";
import { processDelivery } from "../webhooks/process-delivery.server";

const sandbox = await startTestSandbox();

beforeAll(async () => {
  for (const shop of [SHOP_A, SHOP_B]) {
    await call(() => homeLoader({ request: adminDocumentRequest("/app", { shop }), params: {}, context: {} }));
    const record = await prisma.shop.findUniqueOrThrow({ where: { domain: shop } });
    const client = await offlineClient(shop);
    for (const order of sandbox.store.orders(shop).slice(0, 6)) await ingestOrder({ db: scopedDb(record.id), client, shopifyId: order.id as string });
  }
}, 60_000);

async function deliverAndProcess(topic: string, shop: string, payload: unknown, webhookId: string) {
  const response = await call(() => webhookAction({ request: webhookRequest("/webhooks/compliance", { topic, shop, payload, webhookId }), params: {}, context: {} }));
  expect(response.status).toBe(200);
  const delivery = await prisma.webhookDelivery.findFirstOrThrow({ where: { shopDomain: shop, webhookId } });
  return processDelivery({ deliveryId: delivery.id, correlationId: `test-${webhookId}` });
}

async function countsFor(shopId: string) {
  const counts: Record<string, number> = {};
  for (const model of TENANT_MODELS) {
    const rows = await prisma.$queryRawUnsafe<Array<{ n: bigint }>>(`SELECT count(*) AS n FROM "${model}" WHERE "shopId" = $1`, shopId);
    counts[model] = Number(rows[0].n);
  }
  return counts;
}

describe("customers/redact", () => {
  it("removes the customer's name, email, phone and address everywhere and keeps the facts", async () => {
    const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_A } });
    const target = await prisma.order.findFirstOrThrow({ where: { shopId: shop.id, email: { not: null } } });
    const email = target.email!;
    const otherShopOrdersBefore = await prisma.order.findMany({ where: { shopId: { not: shop.id } }, select: { email: true } });

    for (let i = 0; i < 2; i++) {
      expect(await deliverAndProcess("customers/redact", SHOP_A, { shop_domain: SHOP_A, customer: { id: Number(target.customerShopifyId!.split("/").pop()), email }, orders_to_redact: [] }, "redact-1")).toMatch(/processed/);
    }
    const orders = await prisma.order.findMany({ where: { shopId: shop.id, customerShopifyId: target.customerShopifyId } });
    expect(orders.length).toBeGreaterThan(0);
    for (const order of orders) {
      expect(order.email).toBeNull();
      expect(order.customerName).toBeNull();
      expect(order.totalAmount).toMatch(/^\d+\.\d{2}$/); // the facts stay
      const snapshots = await prisma.orderSnapshot.findMany({ where: { orderId: order.id } });
      for (const snapshot of snapshots) {
        const text = JSON.stringify(snapshot.content);
        expect(text).not.toContain(email);
        expect((snapshot.content as { shippingAddress: unknown }).shippingAddress).toBeNull();
        expect((snapshot.content as { totals: { total: unknown } }).totals.total).not.toBeNull();
      }
    }
    expect(await prisma.auditLog.count({ where: { shopId: shop.id, action: "customer.redacted" } })).toBe(1);
    // Shop B is untouched.
    expect(await prisma.order.findMany({ where: { shopId: { not: shop.id } }, select: { email: true } })).toEqual(otherShopOrdersBefore);
  });
});

describe("customers/data_request", () => {
  it("exports what we hold for the customer, once per request", async () => {
    const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_B } });
    const target = await prisma.order.findFirstOrThrow({ where: { shopId: shop.id, email: { not: null } } });
    const payload = { shop_domain: SHOP_B, customer: { id: Number(target.customerShopifyId!.split("/").pop()), email: target.email }, orders_requested: [], data_request: { id: 777 } };
    await deliverAndProcess("customers/data_request", SHOP_B, payload, "dr-1");
    await deliverAndProcess("customers/data_request", SHOP_B, payload, "dr-2");
    const requests = await prisma.dataRequest.findMany({ where: { shopId: shop.id } });
    expect(requests).toHaveLength(1);
    const exported = requests[0].export as { orders: Array<{ order: string; timeline: unknown[] }> };
    expect(exported.orders.map((order) => order.order)).toContain(target.name);
    expect(exported.orders[0].timeline.length).toBeGreaterThan(0);
    expect(await prisma.auditLog.count({ where: { shopId: shop.id, action: "customer.data_requested" } })).toBe(1);
  });
});

/** A ticket as a customer's email would open it, plus a staff note about them. */
async function ticketFor(shop: string, input: { subject: string; message: string; orderId?: string; customerEmail?: string; customerName?: string }, note?: string) {
  const record = await prisma.shop.findUniqueOrThrow({ where: { domain: shop } });
  const ticket = await createTicket({
    db: scopedDb(record.id),
    shopId: record.id,
    actor: { type: "system", id: null, label: "Email parser" },
    correlationId: `compliance-${input.subject}`,
    channel: "email",
    input: { priority: "high", ...input },
  });
  if (note) {
    await prisma.ticketMessage.create({ data: { shopId: record.id, ticketId: ticket.id, kind: "internal_note", authorType: "staff", authorLabel: "Olivia Owner", body: note } });
  }
  return ticket;
}

describe("customers/redact: tickets", () => {
  it("removes the customer from their tickets and threads, keeps the facts; other customers and the other shop untouched", async () => {
    const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_A } });
    const target = await prisma.order.findFirstOrThrow({ where: { shopId: shop.id, email: { not: null }, customerName: { not: null } } });
    const email = target.email!;
    const name = target.customerName!;
    const other = await prisma.order.findFirstOrThrow({ where: { shopId: shop.id, email: { notIn: [email] }, customerShopifyId: { not: target.customerShopifyId } } });

    const linked = await ticketFor(
      SHOP_A,
      { subject: `Refund for ${name}`, message: `Hi, ${name} here (${email}, call +49 30 1234567). Order ${target.name} arrived broken.`, orderId: target.id },
      `Spoke to ${name.split(" ")[0]} at ${email}; carrier claim 4711 filed.`,
    );
    // The same customer, writing in without naming an order.
    const byEmail = await ticketFor(SHOP_A, { subject: "Another question", message: "Do you ship to Norway?", customerEmail: email.toUpperCase(), customerName: name });
    const untouched = await ticketFor(SHOP_A, { subject: "Someone else", message: `I am ${other.customerName}`, orderId: other.id });
    const inShopB = await ticketFor(SHOP_B, { subject: `Refund for ${name}`, message: `Hi, ${name} here (${email})`, customerEmail: email, customerName: name });
    const before = await prisma.ticket.findMany({ where: { id: { in: [linked.id, byEmail.id] } }, orderBy: { number: "asc" } });
    const snapshotOf = async (ids: string[]) => ({
      tickets: await prisma.ticket.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" } }),
      messages: await prisma.ticketMessage.findMany({ where: { ticketId: { in: ids } }, orderBy: { id: "asc" } }),
    });
    const othersBefore = await snapshotOf([untouched.id, inShopB.id]);
    const shopBBefore = await snapshotOf((await prisma.ticket.findMany({ where: { shopId: { not: shop.id } }, select: { id: true } })).map((row) => row.id));

    for (const webhookId of ["redact-tickets-1", "redact-tickets-2"]) {
      await deliverAndProcess("customers/redact", SHOP_A, { shop_domain: SHOP_A, customer: { id: Number(target.customerShopifyId!.split("/").pop()), email }, orders_to_redact: [] }, webhookId);
    }

    const after = await prisma.ticket.findMany({ where: { id: { in: [linked.id, byEmail.id] } }, orderBy: { number: "asc" } });
    for (const [index, ticket] of after.entries()) {
      expect(ticket.customerEmail).toBeNull();
      expect(ticket.customerName).toBeNull();
      // The facts stay.
      expect(ticket).toMatchObject({ number: before[index].number, status: before[index].status, priority: "high", channel: "email", orderId: before[index].orderId, createdAt: before[index].createdAt });
    }
    expect(after[0].subject).toBe("Refund for [redacted]");
    const messages = await prisma.ticketMessage.findMany({ where: { ticketId: { in: [linked.id, byEmail.id] } } });
    expect(messages).toHaveLength(3);
    for (const message of messages) {
      const text = JSON.stringify(message);
      expect(text).not.toContain(email);
      for (const part of name.split(" ")) expect(text).not.toContain(part);
      expect(text).not.toContain("1234567");
      if (message.kind === "customer") expect(message).toMatchObject({ body: REDACTED_MESSAGE, authorLabel: null });
    }
    expect(messages.find((message) => message.kind === "internal_note")!.body).toBe("Spoke to [redacted] at [redacted]; carrier claim 4711 filed.");
    // Events stay (they hold no personal data); the audit row counts, naming nobody.
    expect(await prisma.ticketEvent.count({ where: { ticketId: linked.id, type: "ticket.created" } })).toBe(1);
    const audits = await prisma.auditLog.findMany({ where: { shopId: shop.id, action: "customer.redacted", entityId: target.customerShopifyId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    // The second delivery finds the linked ticket again (by the order) but nothing left to change.
    expect(audits.map((audit) => audit.metadata)).toEqual([expect.objectContaining({ tickets: 2, messages: 3 }), expect.objectContaining({ tickets: 1, messages: 0 })]);
    expect(JSON.stringify(audits)).not.toContain(email);

    expect(await snapshotOf([untouched.id, inShopB.id])).toEqual(othersBefore);
    expect(await snapshotOf(shopBBefore.tickets.map((ticket) => ticket.id))).toEqual(shopBBefore);
  });

  it("finds a customer who never ordered by their email", async () => {
    const walkIn = await ticketFor(SHOP_A, { subject: "Before I buy", message: "Hello, Wanda Walker here", customerEmail: "wanda.walker@example.com", customerName: "Wanda Walker" });
    await deliverAndProcess("customers/redact", SHOP_A, { shop_domain: SHOP_A, customer: { id: 987654321, email: "Wanda.Walker@example.com" }, orders_to_redact: [] }, "redact-walk-in");
    expect(await prisma.ticket.findUniqueOrThrow({ where: { id: walkIn.id } })).toMatchObject({ customerEmail: null, customerName: null, subject: "Before I buy" });
    expect((await prisma.ticketMessage.findFirstOrThrow({ where: { ticketId: walkIn.id } })).body).toBe(REDACTED_MESSAGE);
  });
});

describe("customers/data_request: tickets", () => {
  it("exports the customer's tickets with their threads, and no one else's", async () => {
    const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_B } });
    const target = await prisma.order.findFirstOrThrow({ where: { shopId: shop.id, email: { not: null } } });
    const other = await prisma.order.findFirstOrThrow({ where: { shopId: shop.id, email: { notIn: [target.email!] }, customerShopifyId: { not: target.customerShopifyId } } });
    const linked = await ticketFor(SHOP_B, { subject: "Where is my order?", message: "It has been two weeks.", orderId: target.id }, "Carrier says delivered.");
    const byEmail = await ticketFor(SHOP_B, { subject: "Sizes", message: "Is M or L better?", customerEmail: target.email! });
    await ticketFor(SHOP_B, { subject: "Not theirs", message: "Other customer", orderId: other.id });
    await ticketFor(SHOP_A, { subject: "Same email, other shop", message: "Shop A", customerEmail: target.email! });

    const payload = { shop_domain: SHOP_B, customer: { id: Number(target.customerShopifyId!.split("/").pop()), email: target.email }, orders_requested: [], data_request: { id: 778 } };
    await deliverAndProcess("customers/data_request", SHOP_B, payload, "dr-tickets-1");
    const request = await prisma.dataRequest.findFirstOrThrow({ where: { shopId: shop.id, shopifyRequestId: "778" } });
    const exported = request.export as { tickets: Array<{ number: number; subject: string; order: string | null; customerEmail: string | null; messages: Array<{ kind: string; author: string | null; body: string }> }> };
    expect(exported.tickets.map((ticket) => ticket.number)).toEqual([linked.number, byEmail.number]);
    expect(exported.tickets.map((ticket) => ticket.subject)).toEqual(["Where is my order?", "Sizes"]);
    expect(exported.tickets[0]).toMatchObject({ order: target.name, customerEmail: target.email });
    expect(exported.tickets[0].messages).toEqual([
      { kind: "customer", author: target.customerName ?? "Customer", createdAt: expect.any(String), body: "It has been two weeks." },
      { kind: "internal_note", author: "staff", createdAt: expect.any(String), body: "Carrier says delivered." },
    ]);
    expect(exported.tickets[1].messages.map((message) => message.body)).toEqual(["Is M or L better?"]);
    expect(JSON.stringify(exported)).not.toMatch(/Not theirs|Same email, other shop/);
    const audit = await prisma.auditLog.findFirstOrThrow({ where: { shopId: shop.id, action: "customer.data_requested", entityId: request.id } });
    expect(audit.metadata).toMatchObject({ tickets: 2 });
  });
});

describe("customers/redact: what Shopify sends later", () => {
  it("stores an order of the customer we never saw without them, but an order placed after the request with its data", async () => {
    const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_A } });
    const db = scopedDb(shop.id);
    const target = await prisma.order.findFirstOrThrow({ where: { shopId: shop.id, email: { not: null }, customerName: { not: null } }, orderBy: { shopifyCreatedAt: "asc" } });
    const [email, name] = [target.email!, target.customerName!];
    await deliverAndProcess("customers/redact", SHOP_A, { shop_domain: SHOP_A, customer: { id: Number(target.customerShopifyId!.split("/").pop()), email }, orders_to_redact: [] }, "redact-later");
    expect(await prisma.customerRedaction.findMany({ where: { shopId: shop.id, customerShopifyId: target.customerShopifyId } })).toEqual([
      expect.objectContaining({ orderShopifyIds: expect.arrayContaining([target.shopifyId]), emailHash: expect.stringMatching(/^[0-9a-f]{64}$/) }),
    ]);
    expect(JSON.stringify(await prisma.customerRedaction.findMany({ where: { shopId: shop.id } }))).not.toContain(email);

    // Shopify still returns the customer on their orders.
    const client = await offlineClient(SHOP_A);
    const data = await client.request<OrderContextQuery>("OrderContext", ORDER_CONTEXT_QUERY, { id: target.shopifyId }, ORDER_CONTEXT_REQUESTED_COST);
    const context = ZOrderContext.parse(data.order);
    expect(context.customer?.displayName).toBe(name);
    // An order of theirs we had never imported (matched by their customer id)...
    const unseen = { ...context, id: "gid://shopify/Order/990000000001", name: "#9901" };
    // ...and one they place after the request: a new relationship, not covered.
    const later = { ...context, id: "gid://shopify/Order/990000000002", name: "#9902", createdAt: new Date(Date.now() + 3_600_000).toISOString() };
    for (const order of [context, unseen, later]) await storeOrderContext({ db, order });

    for (const shopifyId of [target.shopifyId, unseen.id]) {
      const row = await prisma.order.findFirstOrThrow({ where: { shopId: shop.id, shopifyId } });
      expect(row).toMatchObject({ email: null, customerName: null, customerShopifyId: target.customerShopifyId });
      const stored = await prisma.orderSnapshot.findMany({ where: { orderId: row.id } });
      const events = await prisma.orderTimelineEvent.findMany({ where: { orderId: row.id } });
      expect(JSON.stringify([stored, events])).not.toContain(email);
      expect(JSON.stringify([stored, events])).not.toContain(name);
    }
    // The re-fetch of the redacted order was identical to what the redaction left: nothing new written.
    expect(await prisma.orderSnapshot.count({ where: { orderId: target.id } })).toBe(target.snapshotVersion);
    expect(await prisma.order.findFirstOrThrow({ where: { shopId: shop.id, shopifyId: later.id } })).toMatchObject({ email, customerName: name });
  });
});

describe("customers/redact while an ingest of their order runs", () => {
  it("the ingest waits for the redaction in progress and then stores the order without the customer", async () => {
    const shop = await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_B } });
    const db = scopedDb(shop.id);
    const target = await prisma.order.findFirstOrThrow({ where: { shopId: shop.id, email: { not: null }, customerName: { not: null } } });
    const client = await offlineClient(SHOP_B);
    const data = await client.request<OrderContextQuery>("OrderContext", ORDER_CONTEXT_QUERY, { id: target.shopifyId }, ORDER_CONTEXT_REQUESTED_COST);
    const context = ZOrderContext.parse(data.order);
    const changed = { ...context, note: "Changed in Shopify meanwhile", updatedAt: new Date(Date.now() + 1000).toISOString() };
    const subject = { customerShopifyIds: [target.customerShopifyId!], orderShopifyIds: [], emails: [target.email], phones: [] };

    // A redaction that has taken its locks and not yet written its record.
    const finished: string[] = [];
    let release!: () => void;
    let isLocked!: () => void;
    const locked = new Promise<void>((resolve) => (isLocked = resolve));
    const redaction = db
      .$transaction(async (tx) => {
        await lockRedactionKeys(tx, redactionLockKeys(subject), "exclusive");
        isLocked();
        await new Promise<void>((done) => (release = done));
        await recordRedaction(tx, { ...subject, requestedAt: new Date() });
      })
      .then(() => finished.push("redaction"));
    await locked;
    const ingest = storeOrderContext({ db, order: changed }).then((result) => {
      finished.push("ingest");
      return result;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await redaction;
    expect((await ingest).outcome).toBe("updated");
    expect(finished).toEqual(["redaction", "ingest"]);
    expect(await prisma.order.findUniqueOrThrow({ where: { id: target.id } })).toMatchObject({ email: null, customerName: null });
    const latest = await prisma.orderSnapshot.findFirstOrThrow({ where: { orderId: target.id }, orderBy: { version: "desc" } });
    expect(JSON.stringify(latest.content)).not.toContain(target.email!);
    expect((latest.content as { order: { note: string } }).order.note).toBe("Changed in Shopify meanwhile");
  });
});

describe("shop/redact", () => {
  it("is ignored while the shop is still installed (Shopify sends it 48 hours after an uninstall): nothing is deleted, a warning names no one", async () => {
    const a = await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_A } });
    expect(a.uninstalledAt).toBeNull();
    const before = await countsFor(a.id);
    const sessions = await prisma.session.count({ where: { shop: SHOP_A } });
    const warn = vi.spyOn(logger, "warn");

    expect(await deliverAndProcess("shop/redact", SHOP_A, { shop_id: 1, shop_domain: SHOP_A }, "purge-live")).toBe("skipped");

    expect(await countsFor(a.id)).toEqual(before);
    expect(await prisma.session.count({ where: { shop: SHOP_A } })).toBe(sessions);
    expect(await prisma.webhookDelivery.count({ where: { shopDomain: SHOP_A, topic: { not: "shop/redact" } } })).toBeGreaterThan(0);
    expect(await prisma.webhookDelivery.findFirstOrThrow({ where: { shopDomain: SHOP_A, webhookId: "purge-live" } })).toMatchObject({ status: "skipped" });
    const warnings = warn.mock.calls.filter(([, message]) => typeof message === "string" && message.includes("shop/redact"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0][0]).toEqual({ shop: SHOP_A, deliveryId: expect.any(String), installedAt: a.installedAt.toISOString() });
    warn.mockRestore();
  });

  it("deletes every row of the shop, audit log included, idempotently; the other shop keeps everything", async () => {
    const a = await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_A } });
    const b = await prisma.shop.findUniqueOrThrow({ where: { domain: SHOP_B } });
    const before = await countsFor(a.id);
    expect(before.AuditLog).toBeGreaterThan(0);
    expect(before.Order).toBeGreaterThan(0);
    const bBefore = await countsFor(b.id);

    // Uninstalled first, as Shopify does it (shop/redact follows 48 hours later).
    const uninstall = webhookRequest("/webhooks/app/uninstalled", { topic: "app/uninstalled", shop: SHOP_A, payload: { id: 1, domain: SHOP_A }, webhookId: "uninstall-a" });
    expect((await call(() => uninstalledAction({ request: uninstall, params: {}, context: {} }))).status).toBe(200);
    for (const id of ["purge-1", "purge-2"]) await deliverAndProcess("shop/redact", SHOP_A, { shop_id: 1, shop_domain: SHOP_A }, id);

    expect(Object.values(await countsFor(a.id)).every((count) => count === 0)).toBe(true);
    expect(await prisma.shop.count({ where: { domain: SHOP_A } })).toBe(0);
    expect(await prisma.session.count({ where: { shop: SHOP_A } })).toBe(0);
    expect(await prisma.webhookDelivery.count({ where: { shopDomain: SHOP_A, topic: { not: "shop/redact" } } })).toBe(0);
    expect(await countsFor(b.id)).toEqual(bBefore);
    // The append-only rule is back in force after the purge.
    await expect(prisma.$executeRawUnsafe(`DELETE FROM "AuditLog" WHERE "shopId" = $1`, b.id)).rejects.toThrow(/permission denied/);
  });
});
