import type { Prisma } from "@prisma/client";
import { closeHeldRun } from "../actions/hold-run.server";
import { ACTION_REGISTRY } from "../actions/registry.server";
import { redactedRunInput } from "../actions/types";
import { recordAudit } from "../audit/record-audit.server";
import { redactText } from "../lib/redact";
import type { DbClient, ScopedDb } from "../lib/tenancy.server";
import { redactCustomerTickets } from "../tickets/redact-customer-tickets.server";

export interface RedactCustomerOptions {
  db: ScopedDb;
  customerShopifyId: string | null;
  email: string | null;
  /** Numeric or GID order ids Shopify lists in orders_to_redact. */
  orderIds: string[];
  correlationId: string;
}

const REDACTED_CUSTOMER = { name: null, email: null, phone: null };

/**
 * customers/redact: removes the customer's personal data (name, email, phone, address) from
 * every order row, every snapshot version and the timeline, and from their tickets and
 * messages (app/tickets/redact-customer-tickets.server.ts), and from the inputs of the runs on
 * their orders that carry some (a new address); keeps the non-personal facts
 * (totals, statuses, fulfillment, payments, ticket numbers and statuses). Idempotent: a second
 * run finds nothing to change.
 */
export async function redactCustomer({ db, customerShopifyId, email, orderIds, correlationId }: RedactCustomerOptions): Promise<{ orders: number; snapshots: number; tickets: number }> {
  const gids = orderIds.map((id) => (String(id).startsWith("gid://") ? String(id) : `gid://shopify/Order/${id}`));
  const orders = await db.order.findMany({
    where: {
      OR: [
        ...(customerShopifyId ? [{ customerShopifyId }] : []),
        ...(email ? [{ email: email.toLowerCase() }] : []),
        ...(gids.length ? [{ shopifyId: { in: gids } }] : []),
      ],
    },
    select: { id: true, email: true, customerName: true },
  });
  const orderIdsInDb = orders.map((order) => order.id);
  // A customer may have written in without ordering: their tickets are found on their own.
  const byCustomer = [...(customerShopifyId ? [{ customerShopifyId }] : []), ...(email ? [{ customerEmail: { equals: email.trim(), mode: "insensitive" as const } }] : [])];
  const hasTickets = byCustomer.length > 0 && (await db.ticket.count({ where: { OR: byCustomer } })) > 0;
  if (orders.length === 0 && !hasTickets) return { orders: 0, snapshots: 0, tickets: 0 };

  return db.$transaction(async (tx) => {
    // Tickets first: they are matched by the orders' customer, read before it is removed below.
    const tickets = await redactCustomerTickets({
      db: tx,
      customerShopifyId,
      email,
      orderIds: orderIdsInDb,
      knownNames: orders.map((order) => order.customerName),
      knownEmails: orders.map((order) => order.email),
    });
    await tx.order.updateMany({ where: { id: { in: orderIdsInDb } }, data: { email: null, customerName: null } });
    const snapshots = await tx.orderSnapshot.findMany({ where: { orderId: { in: orderIdsInDb } }, select: { id: true, content: true } });
    for (const snapshot of snapshots) {
      const content = snapshot.content as { customer?: { id?: string | null } };
      const redacted = {
        ...(snapshot.content as object),
        customer: { id: content.customer?.id ?? null, ...REDACTED_CUSTOMER },
        shippingAddress: null,
        redactedAt: new Date().toISOString(),
      };
      await tx.orderSnapshot.update({ where: { id: snapshot.id }, data: { content: redacted as Prisma.InputJsonValue } });
    }
    const runs = await redactRunInputs(tx, orderIdsInDb, correlationId);
    // Shopify's event messages can name the customer ("Order confirmation email was sent to ...").
    const events = await tx.orderTimelineEvent.findMany({ where: { orderId: { in: orderIdsInDb } }, select: { id: true, title: true } });
    for (const event of events) {
      const title = redactText(event.title);
      if (title !== event.title) await tx.orderTimelineEvent.update({ where: { id: event.id }, data: { title } });
    }
    await recordAudit({
      db: tx,
      actor: { type: "webhook", id: null, label: "customers/redact" },
      action: "customer.redacted",
      entityType: "Customer",
      entityId: customerShopifyId,
      metadata: { orders: orders.length, snapshots: snapshots.length, tickets: tickets.tickets, messages: tickets.messages, runs },
      correlationId,
    });
    return { orders: orders.length, snapshots: snapshots.length, tickets: tickets.tickets };
  });
}

const REDACT_ACTOR = { type: "webhook" as const, id: null, label: "customers/redact" };

/**
 * Runs keep what was entered so that they can execute again (a confirmation, an approval, a
 * retry); once the customer is erased they never will. Their input becomes what the audit log
 * keeps of it (an address: its city and country), and a run still waiting is closed.
 */
async function redactRunInputs(tx: DbClient, orderIds: string[], correlationId: string): Promise<number> {
  const types = [...ACTION_REGISTRY.values()].filter((action) => action.auditInput).map((action) => action.type);
  const runs = await tx.run.findMany({ where: { orderId: { in: orderIds }, type: { in: types } }, select: { id: true, type: true, status: true, input: true, orderId: true } });
  for (const run of runs) {
    const action = ACTION_REGISTRY.get(run.type)!; // the query asked for these types only
    const input = redactedRunInput(action, run.input);
    if (input === run.input) continue; // reduced by an earlier delivery
    await tx.run.update({ where: { id: run.id }, data: { input: input as Prisma.InputJsonValue } });
    if (run.status === "pending_confirmation" || run.status === "pending_approval") {
      await tx.approvalRequest.updateMany({ where: { runId: run.id, status: "pending" }, data: { status: "cancelled", decisionNote: "The customer's data was erased", decidedAt: new Date() } });
      await closeHeldRun(tx, {
        runId: run.id,
        from: ["pending_confirmation", "pending_approval"],
        reason: "cancelled",
        message: "The customer's data was erased (customers/redact): it can no longer run",
        actor: REDACT_ACTOR,
        correlationId,
        action,
        target: { ticket: null, order: run.orderId ? { id: run.orderId } : null },
      });
    }
  }
  return runs.length;
}
