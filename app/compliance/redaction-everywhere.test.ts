/**
 * customers/redact, judged by the whole database: a customer whose orders came in through the
 * bulk backfill and through webhooks, who wrote in (intake) and was written about (staff
 * tickets, thread notes, tasks), whose address was changed through an action, and who asked
 * for their data, is redacted; then Shopify keeps sending their data (a later orders/updated,
 * a refresh, reconciliation, a new backfill). Every table of every schema of the database
 * (read from the catalog, so a table added later is searched too, pg-boss's included) is then
 * searched as text for their name, email, phone and street: nothing may be left.
 */
import { randomUUID } from "node:crypto";
import type { ActionFunctionArgs } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actionTestKit, OWNER, type Json } from "../../tests/helpers/actions";
import { SHOP_A } from "../../tests/helpers/sandbox";
import { adminFetchRequest, call, webhookRequest } from "../../tests/helpers/shopify";
import { orderPayload } from "../../sandbox/webhook-payloads";
import type { CustomerRecord, OrderRecord } from "../../sandbox/store/types";
import prisma from "../db.server";
import { createIntakeTicket } from "../intake/create-intake-ticket.server";
import { ZIntakeTicket } from "../intake/schema";
import { stopBoss } from "../jobs/boss.server";
import { enqueue } from "../jobs/enqueue.server";
import { runMaintenance } from "../jobs/maintenance.server";
import { startWorker } from "../jobs/worker.server";
import { scopedDb } from "../lib/tenancy.server";
import { action as ticketActionRoute } from "../routes/app.action-center.tickets.$id.actions.$type";
import { action as refreshRoute } from "../routes/app.orders.$id.refresh";
import { action as newTicketAction } from "../routes/app.tickets.new";
import { action as webhookAction } from "../routes/webhooks.$";
import { offlineClient } from "../shopify/offline-client.server";

const kit = await actionTestKit();
const { sandbox } = kit;

/** The customer to erase: their order, and everything that identifies them. */
let target: { order: OrderRecord; customer: CustomerRecord };
const NEW_STREET = "Löschweg 17";
const NEW_PHONE = "+4930998877661";

async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 40_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** Every full name, email, phone and street line the sandbox holds for anyone but this customer, in both shops. */
function othersInSandbox(customerId: string): string[] {
  const values: string[] = [];
  for (const shop of sandbox.store.listShops()) {
    for (const customer of sandbox.store.customers(shop.myshopifyDomain)) {
      if (customer.id !== customerId) values.push(customer.displayName, customer.email ?? "", customer.phone ?? "");
    }
    for (const order of sandbox.store.orders(shop.myshopifyDomain)) {
      if (order.customer?.__ref === customerId) continue;
      for (const address of [order.shippingAddress, order.billingAddress]) values.push(address?.name ?? "", address?.address1 ?? "", address?.phone ?? "");
    }
  }
  return values.filter(Boolean);
}

/** What identifies the customer, as the test searches for it (values of 6 characters or more). */
function searchValues(): Record<string, string> {
  const { order, customer } = target;
  const values: Record<string, string> = {
    name: customer.displayName,
    email: customer.email!,
    phone: customer.phone!,
    street: order.shippingAddress!.address1!,
    newStreet: NEW_STREET,
    newPhone: NEW_PHONE,
  };
  if (order.shippingAddress?.name && order.shippingAddress.name !== customer.displayName) values.shippingName = order.shippingAddress.name;
  if (order.email && order.email !== customer.email) values.orderEmail = order.email;
  if (customer.defaultAddress?.address1 && customer.defaultAddress.address1 !== values.street) values.defaultStreet = customer.defaultAddress.address1;
  return values;
}

/**
 * Every table of every schema (the catalog, not a list in this test), each row cast to text:
 * which tables hold which of the values.
 */
async function findEverywhere(values: Record<string, string>): Promise<{ hits: Record<string, string[]>; tables: string[] }> {
  const tables = await prisma.$queryRawUnsafe<Array<{ schema: string; name: string }>>(
    `SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
     ORDER BY 1, 2`,
  );
  const hits: Record<string, string[]> = {};
  for (const table of tables) {
    for (const [label, value] of Object.entries(values)) {
      const pattern = `%${value.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
      const rows = await prisma.$queryRawUnsafe<Array<{ n: number }>>(`SELECT count(*)::int AS n FROM "${table.schema}"."${table.name}" t WHERE t::text ILIKE $1`, pattern);
      if (rows[0].n > 0) (hits[`${table.schema}.${table.name}`] ??= []).push(label);
    }
  }
  return { hits, tables: tables.map((table) => `${table.schema}.${table.name}`) };
}

async function deliver(topic: string, payload: unknown): Promise<string> {
  const webhookId = `redact-${randomUUID()}`;
  const response = await call(() => webhookAction({ request: webhookRequest("/webhooks/shopify", { topic, shop: SHOP_A, payload, webhookId }), params: { "*": "shopify" }, context: {} }));
  expect(response.status).toBe(200);
  const delivery = await prisma.webhookDelivery.findFirstOrThrow({ where: { shopDomain: SHOP_A, webhookId } });
  await waitFor(async () => (await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).status !== "received", `${topic} to be processed`);
  expect((await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).status).toBe("processed");
  return delivery.id;
}

const ourOrder = () => prisma.order.findFirstOrThrow({ where: { shopId: kit.shopId, shopifyId: target.order.id } });

/** Changes the order in Shopify, lets `ingest` bring it in, and waits for the new snapshot. */
async function changeAndIngest(tag: string, ingest: (webhooks: Awaited<ReturnType<typeof sandbox.changeOrder>>["webhooks"]) => Promise<unknown>) {
  const before = (await ourOrder()).snapshotVersion;
  const { webhooks } = await sandbox.changeOrder(SHOP_A, target.order.id, { type: "addTag", tag });
  await ingest(webhooks);
  await waitFor(async () => (await ourOrder()).snapshotVersion > before, `the ${tag} change to be ingested`);
}

function ticketAction(ticketId: string, type: string, input: unknown) {
  const request = adminFetchRequest(`/app/action-center/tickets/${ticketId}/actions/${type}`, {
    shop: SHOP_A,
    userId: OWNER,
    method: "POST",
    headers: { "Content-Type": "application/json", "Idempotency-Key": `test-${randomUUID()}` },
    body: JSON.stringify(input),
  });
  return call<Json>(() => ticketActionRoute({ request, params: { id: ticketId, type }, context: {} } as ActionFunctionArgs));
}

beforeAll(async () => {
  // A fresh paid customer whose name, email, phone and street nobody else in either shop has
  // (the generator draws names from lists): a hit in the search below can only be theirs.
  for (let attempt = 0; attempt < 30 && !target; attempt++) {
    const { order } = await sandbox.createOrder(SHOP_A, { archetype: "paid_unfulfilled" });
    const customer = order.customer ? sandbox.store.getCustomer(SHOP_A, order.customer.__ref) : undefined;
    if (!customer?.email || !customer.phone || !order.shippingAddress?.address1) continue;
    const others = othersInSandbox(customer.id);
    if ([customer.displayName, customer.email, customer.phone, order.shippingAddress.address1].some((value) => others.includes(value))) continue;
    target = { order, customer };
  }
  expect(target, "the sandbox placed no order with a unique, fully known customer").toBeDefined();
  for (const type of ["add_internal_note", "create_task", "update_address"]) await kit.setPolicy(type, { enabled: true });
  // The real worker: the backfill, webhooks and re-fetches run as in production. The kit
  // installed before any worker ran, so the import starts as Home's "Import orders" starts it.
  await startWorker({ clientFor: offlineClient });
  await enqueue("backfill", { shopDomain: SHOP_A }, { singletonKey: SHOP_A });
  await waitFor(async () => (await prisma.ingestionState.findUnique({ where: { shopId: kit.shopId } }))?.backfillStatus === "completed", "the backfill");
}, 120_000);

afterAll(() => stopBoss());

describe("customers/redact leaves nothing behind", () => {
  it("finds the customer's name, email, phone and address in no table of the database, even after Shopify sends them again", async () => {
    const values = searchValues();
    const { order, customer } = target;
    const shopDb = scopedDb(kit.shopId);
    const imported = await ourOrder();
    expect(imported.snapshotVersion).toBe(1); // from the bulk backfill

    // Webhooks: the order (full REST payload, customer inside) and the customer.
    await deliver("orders/updated", orderPayload(sandbox.store, SHOP_A, order));
    await waitFor(async () => (await prisma.orderTimelineEvent.count({ where: { orderId: imported.id, dedupeKey: { startsWith: "event:" } } })) > 0, "the single ingest's events");
    const restOrder = orderPayload(sandbox.store, SHOP_A, order) as { customer: Record<string, unknown> };
    await deliver("customers/update", restOrder.customer);

    // Tickets: the customer writes in (intake), staff open one about the order.
    const intake = await createIntakeTicket({
      db: shopDb,
      shopId: kit.shopId,
      correlationId: "redact-intake",
      input: ZIntakeTicket.parse({
        subject: `Refund for ${customer.displayName}`,
        message: `Hi, ${customer.displayName} here (${customer.email}, ${customer.phone}). My order ${order.name} arrived broken.`,
        customer: { email: customer.email, name: customer.displayName },
        orderName: order.name,
        channel: "email",
      }),
    });
    const staffTicket = await call(() =>
      newTicketAction({
        request: adminFetchRequest("/app/tickets/new", {
          shop: SHOP_A,
          userId: OWNER,
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ subject: `Call back ${customer.displayName}`, message: `${customer.displayName} called from ${customer.phone}`, priority: "high", orderId: imported.id }).toString(),
        }),
        params: {},
        context: {},
      }),
    );
    expect(staffTicket.status).toBe(302);
    const staffTicketId = staffTicket.headers.get("Location")!.split("/").pop()!;

    // Actions that carry the customer: a note, a task, a new address (street, recipient, phone).
    expect((await ticketAction(staffTicketId, "add_internal_note", { body: `Spoke to ${customer.displayName} (${customer.email}); sending a label.` })).status).toBe(200);
    expect((await ticketAction(intake.ticket.id, "create_task", { title: `Call ${customer.displayName} at ${customer.phone}` })).status).toBe(200);
    const moved = await kit.runAction(imported.id, "update_address", {
      firstName: customer.firstName,
      lastName: customer.lastName,
      address1: NEW_STREET,
      city: "Berlin",
      zip: "10115",
      countryCode: "DE",
      phone: NEW_PHONE,
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    await waitFor(async () => JSON.stringify((await kit.latestSnapshot(imported.id)).shippingAddress).includes(NEW_STREET), "the new address to be ingested");

    // The customer asks what we hold.
    const numericCustomerId = Number(customer.legacyResourceId);
    await deliver("customers/data_request", { shop_id: 1, shop_domain: SHOP_A, customer: { id: numericCustomerId, email: customer.email, phone: customer.phone }, orders_requested: [Number(order.legacyResourceId)], data_request: { id: 4242 } });

    // Not vacuous: before the redaction the search finds them across the tables that hold them.
    const before = await findEverywhere(values);
    for (const table of ["Order", "OrderSnapshot", "OrderTimelineEvent", "WebhookDelivery", "Ticket", "TicketMessage", "Task", "Run", "DataRequest"]) {
      expect(Object.keys(before.hits), `the customer should be in ${table} before the redaction`).toContain(`public.${table}`);
    }
    // Jobs carry ids: the search covers pg-boss's tables too.
    expect(before.tables.some((table) => table.startsWith("pgboss."))).toBe(true);

    await deliver("customers/redact", { shop_id: 1, shop_domain: SHOP_A, customer: { id: numericCustomerId, email: customer.email, phone: customer.phone }, orders_to_redact: [Number(order.legacyResourceId)] });

    // Shopify still has them, and keeps sending them: every ingest path runs once more.
    await changeAndIngest("after-redaction-webhook", async (webhooks) => {
      const updated = webhooks.find((webhook) => webhook.topic === "orders/updated");
      expect(updated).toBeDefined();
      await deliver("orders/updated", updated!.payload);
    });
    await changeAndIngest("after-redaction-refresh", async () => {
      const request = adminFetchRequest(`/app/orders/${imported.id}/refresh`, { shop: SHOP_A, userId: OWNER, method: "POST", headers: { "Idempotency-Key": `test-${randomUUID()}` } });
      expect((await call(() => refreshRoute({ request, params: { id: imported.id }, context: {} }))).status).toBe(200);
    });
    await changeAndIngest("after-redaction-reconcile", () => runMaintenance({ clientFor: offlineClient, shopDomain: SHOP_A }));
    await changeAndIngest("after-redaction-backfill", async () => {
      // A new bulk import of the whole shop (as after a re-install).
      await prisma.ingestionState.update({ where: { shopId: kit.shopId }, data: { backfillStatus: "idle" } });
      await enqueue("backfill", { shopDomain: SHOP_A }, { singletonKey: SHOP_A });
    });
    await waitFor(async () => (await prisma.ingestionState.findUnique({ where: { shopId: kit.shopId } }))?.backfillStatus === "completed", "the second backfill");

    const after = await findEverywhere(values);
    expect(after.hits).toEqual({});

    // The facts stay: the order, its money and history, the tickets and their numbers.
    const kept = await ourOrder();
    expect(kept).toMatchObject({ email: null, customerName: null, totalAmount: imported.totalAmount, customerShopifyId: customer.id });
    expect((await kit.latestSnapshot(kept.id)).order.tags).toContain("after-redaction-backfill");
    expect(await prisma.orderTimelineEvent.count({ where: { orderId: kept.id } })).toBeGreaterThan(3);
    expect(await prisma.ticket.count({ where: { id: { in: [intake.ticket.id, staffTicketId] } } })).toBe(2);
  }, 240_000);
});
