import type { Prisma } from "@prisma/client";
import { closeHeldRun } from "../actions/hold-run.server";
import { ACTION_REGISTRY } from "../actions/registry.server";
import { redactedRunInput } from "../actions/types";
import { recordAudit } from "../audit/record-audit.server";
import type { DbClient, ScopedDb } from "../lib/tenancy.server";
import { contentHash, type SnapshotContent } from "../orders/build-snapshot";
import { findCustomerTickets, redactCustomerTickets } from "../tickets/redact-customer-tickets.server";
import { identifiers, mergeIdentifiers, scrubJson, scrubText, type CustomerIdentifiers } from "./customer-identifiers";
import { redactSnapshotContent, snapshotIdentifiers } from "./redact-order-data";
import { lockRedactionKeys, recordRedaction, redactionLockKeys } from "./redaction-record.server";
import { customerDeliveryIdentifiers, scrubCustomerDeliveries } from "./scrub-deliveries.server";
import { sweepShopText } from "./sweep-shop-text.server";

export interface RedactCustomerOptions {
  db: ScopedDb;
  shopId: string;
  /** The webhook inbox is keyed by domain. */
  shopDomain: string;
  customerShopifyId: string | null;
  email: string | null;
  phone?: string | null;
  /** Numeric or GID order ids Shopify lists in orders_to_redact. */
  orderIds: string[];
  correlationId: string;
}

export interface RedactCustomerResult {
  orders: number;
  snapshots: number;
  tickets: number;
}

/**
 * customers/redact (docs/decisions/0014). First the record that keeps the customer out of every
 * later ingest, then, in the same transaction, the customer's personal data (name, email,
 * phone, address) leaves what we hold: their order rows, every snapshot version and the
 * timeline; their tickets, messages and ticket events; the runs, approvals, exceptions and tasks
 * on their orders and tickets; their data-request exports; the webhook inbox; and, last, any
 * text column of the shop that still names them. The non-personal facts stay (totals,
 * statuses, fulfillment, payments, ticket numbers and statuses). Idempotent: a second run finds
 * nothing to change.
 */
export async function redactCustomer({ db, shopId, shopDomain, customerShopifyId, email, phone = null, orderIds, correlationId }: RedactCustomerOptions): Promise<RedactCustomerResult> {
  const gids = orderIds.map((id) => (String(id).startsWith("gid://") ? String(id) : `gid://shopify/Order/${id}`));
  const subject = { customerShopifyIds: customerShopifyId ? [customerShopifyId] : [], orderShopifyIds: gids, emails: [email], phones: [phone] };

  // One transaction: the record and the erasure commit together or not at all. A large
  // customer takes longer than Prisma's 5 s default.
  return db.$transaction(
    async (tx) => {
      // Ingests of their orders wait until this commits, and see the record after it.
      await lockRedactionKeys(tx, redactionLockKeys(subject), "exclusive");
      const orders = await tx.order.findMany({
        where: {
          OR: [
            ...(customerShopifyId ? [{ customerShopifyId }] : []),
            ...(email ? [{ email: email.toLowerCase() }] : []),
            ...(gids.length ? [{ shopifyId: { in: gids } }] : []),
          ],
        },
        select: { id: true, shopifyId: true, email: true, customerName: true },
      });
      await lockRedactionKeys(tx, redactionLockKeys({ customerShopifyIds: [], orderShopifyIds: orders.map((order) => order.shopifyId), emails: orders.map((order) => order.email), phones: [] }), "exclusive");
      const record = await recordRedaction(tx, { ...subject, orderShopifyIds: [...new Set([...gids, ...orders.map((order) => order.shopifyId)])], requestedAt: new Date() });
      const orderIdsInDb = orders.map((order) => order.id);

      // Everything that identifies them, read before anything is removed.
      const snapshots = await tx.orderSnapshot.findMany({ where: { orderId: { in: orderIdsInDb } }, select: { id: true, content: true } });
      const tickets = await findCustomerTickets(tx, { customerShopifyId, email, orderIds: orderIdsInDb });
      const runs = await tx.run.findMany({
        where: { OR: [{ orderId: { in: orderIdsInDb } }, { ticketId: { in: tickets.ids } }] },
        select: { id: true, type: true, status: true, input: true, result: true, error: true, orderId: true, ticketId: true },
      });
      const known = mergeIdentifiers(
        identifiers({ names: orders.map((order) => order.customerName), emails: [email, ...orders.map((order) => order.email)], phones: [phone] }),
        ...snapshots.map((snapshot) => snapshotIdentifiers(snapshot.content as unknown as SnapshotContent)),
        tickets.identifiers,
        ...runs.map((run) => enteredIdentifiers(run.input)),
      );
      const ids = mergeIdentifiers(known, ...(await customerDeliveryIdentifiers(tx, shopDomain, record, known)));

      const ticketResult = await redactCustomerTickets({ db: tx, customerShopifyId, email, orderIds: orderIdsInDb, identifiers: ids });
      await tx.order.updateMany({ where: { id: { in: orderIdsInDb } }, data: { email: null, customerName: null } });
      for (const snapshot of snapshots) {
        const content = redactSnapshotContent(snapshot.content as unknown as SnapshotContent, ids);
        // The hash of what is stored now: re-ingesting the same (redacted) order writes nothing.
        await tx.orderSnapshot.update({ where: { id: snapshot.id }, data: { content: content as unknown as Prisma.InputJsonValue, contentHash: contentHash(content) } });
      }
      // Shopify's event messages can name the customer ("Order confirmation email was sent to ...").
      const events = await tx.orderTimelineEvent.findMany({ where: { orderId: { in: orderIdsInDb } }, select: { id: true, title: true, detail: true } });
      for (const event of events) {
        const title = scrubText(event.title, ids);
        const detail = event.detail === null ? null : scrubJson(event.detail, ids);
        if (title !== event.title || detail !== event.detail) {
          await tx.orderTimelineEvent.update({ where: { id: event.id }, data: { title, ...(detail !== event.detail ? { detail: detail as Prisma.InputJsonValue } : {}) } });
        }
      }
      await redactRuns(tx, runs, ids, correlationId);
      const tasks = await tx.task.findMany({ where: { OR: [{ orderId: { in: orderIdsInDb } }, { ticketId: { in: ticketResult.ticketIds } }] }, select: { id: true, title: true, body: true } });
      for (const task of tasks) {
        const title = scrubText(task.title, ids, { anyContact: true });
        const body = task.body === null ? null : scrubText(task.body, ids, { anyContact: true });
        if (title !== task.title || body !== task.body) await tx.task.update({ where: { id: task.id }, data: { title, body } });
      }
      const exceptions = await tx.actionException.findMany({ where: { OR: [{ orderId: { in: orderIdsInDb } }, { ticketId: { in: ticketResult.ticketIds } }] }, select: { id: true, message: true, dismissedReason: true } });
      for (const exception of exceptions) {
        const message = scrubText(exception.message, ids);
        const dismissedReason = exception.dismissedReason === null ? null : scrubText(exception.dismissedReason, ids);
        if (message !== exception.message || dismissedReason !== exception.dismissedReason) await tx.actionException.update({ where: { id: exception.id }, data: { message, dismissedReason } });
      }
      // An export for a data request holds everything: it was handed over, it is not kept.
      const requestMatch: Prisma.DataRequestWhereInput[] = [...(customerShopifyId ? [{ customerShopifyId }] : []), ...(email ? [{ export: { path: ["customer", "email"], equals: email } }] : [])];
      const requests = requestMatch.length ? await tx.dataRequest.findMany({ where: { OR: requestMatch }, select: { id: true, export: true } }) : [];
      for (const request of requests) {
        if ((request.export as { redacted?: boolean } | null)?.redacted) continue;
        await tx.dataRequest.update({ where: { id: request.id }, data: { export: { redacted: true, note: "Removed at the customer's request (customers/redact)" } } });
      }
      const deliveries = await scrubCustomerDeliveries(tx, shopDomain, record, ids);
      const swept = await sweepShopText(tx, shopId, ids);

      await recordAudit({
        db: tx,
        actor: { type: "webhook", id: null, label: "customers/redact" },
        action: "customer.redacted",
        entityType: "Customer",
        entityId: customerShopifyId,
        metadata: {
          orders: orders.length,
          snapshots: snapshots.length,
          tickets: ticketResult.tickets,
          messages: ticketResult.messages,
          runs: runs.length,
          tasks: tasks.length,
          dataRequests: requests.length,
          deliveries,
          swept,
        },
        correlationId,
      });
      return { orders: orders.length, snapshots: snapshots.length, tickets: ticketResult.tickets };
    },
    { timeout: 120_000, maxWait: 20_000 },
  );
}

/** What an action's input entered about the customer (a new address: recipient, street, phone). */
function enteredIdentifiers(stored: unknown): CustomerIdentifiers {
  const input = ((stored as { input?: unknown } | null)?.input ?? {}) as Record<string, unknown>;
  const textOf = (value: unknown) => (typeof value === "string" ? value : null);
  return identifiers({
    names: [[textOf(input.firstName), textOf(input.lastName)].filter(Boolean).join(" ")],
    phones: [textOf(input.phone)],
    streets: [textOf(input.address1), textOf(input.address2)],
  });
}

const REDACT_ACTOR = { type: "webhook" as const, id: null, label: "customers/redact" };

type RunRow = { id: string; type: string; status: string; input: unknown; result: unknown; error: unknown; orderId: string | null; ticketId: string | null };

/**
 * Runs keep what was entered so that they can execute again (a confirmation, an approval, a
 * retry); once the customer is erased they never will. Their input becomes what the audit log
 * keeps of it (an address: its city and country; a note: its length), what is left of it and of
 * their result is scrubbed, and a run still waiting is closed, its approval request with it.
 */
async function redactRuns(tx: DbClient, runs: RunRow[], ids: CustomerIdentifiers, correlationId: string): Promise<void> {
  for (const run of runs) {
    const action = ACTION_REGISTRY.get(run.type);
    const input = scrubJson(redactedRunInput(action, run.input), ids);
    const result = run.result === null ? null : scrubJson(run.result, ids);
    const error = run.error === null ? null : scrubJson(run.error, ids);
    if (input !== run.input || result !== run.result || error !== run.error) {
      await tx.run.update({
        where: { id: run.id },
        data: {
          input: input as Prisma.InputJsonValue,
          ...(result !== run.result ? { result: result as Prisma.InputJsonValue } : {}),
          ...(error !== run.error ? { error: error as Prisma.InputJsonValue } : {}),
        },
      });
    }
    const approvals = await tx.approvalRequest.findMany({ where: { runId: run.id }, select: { id: true, preview: true, decisionNote: true } });
    for (const approval of approvals) {
      const preview = scrubText(approval.preview, ids);
      const decisionNote = approval.decisionNote === null ? null : scrubText(approval.decisionNote, ids);
      if (preview !== approval.preview || decisionNote !== approval.decisionNote) await tx.approvalRequest.update({ where: { id: approval.id }, data: { preview, decisionNote } });
    }
    // A held run whose input was reduced can no longer execute what was asked.
    if (action && input !== run.input && (run.status === "pending_confirmation" || run.status === "pending_approval")) {
      await tx.approvalRequest.updateMany({ where: { runId: run.id, status: "pending" }, data: { status: "cancelled", decisionNote: "The customer's data was erased", decidedAt: new Date() } });
      await closeHeldRun(tx, {
        runId: run.id,
        from: ["pending_confirmation", "pending_approval"],
        reason: "cancelled",
        message: "The customer's data was erased (customers/redact): it can no longer run",
        actor: REDACT_ACTOR,
        correlationId,
        action,
        target: { ticket: run.ticketId ? await tx.ticket.findUnique({ where: { id: run.ticketId }, select: { id: true, number: true } }) : null, order: run.orderId ? { id: run.orderId } : null },
      });
    }
  }
}
