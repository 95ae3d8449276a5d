/**
 * Opens a ticket for any creator: staff, the intake API, a workflow or an agent. The number
 * comes from the shop's counter (one atomic UPDATE ... RETURNING, so concurrent creations
 * never share a number); the ticket, its first message, its `created` event and the audit row
 * commit together: in the caller's transaction when given one, else in a transaction of its own.
 */
import type { Prisma } from "@prisma/client";
import { recordAudit } from "../audit/record-audit.server";
import type { Actor } from "../audit/types";
import { AppError } from "../lib/app-error";
import type { DbClient } from "../lib/tenancy.server";
import { inTransaction } from "./in-transaction.server";
import type { CreateTicketInput, MessageKind, TicketChannel } from "./schema";

export interface CreateTicketOptions {
  /** The shop's scoped client or one of its transactions. */
  db: DbClient;
  shopId: string;
  actor: Actor;
  correlationId: string;
  input: CreateTicketInput;
  channel: TicketChannel;
  /** What the first message is: the customer's words (external channels) or a staff note. */
  messageKind?: MessageKind;
}

export async function nextTicketNumber(db: DbClient, shopId: string): Promise<number> {
  // Raw SQL: Prisma's upsert is not one statement here; this is, and it serializes on the row.
  const rows = await db.$queryRaw<Array<{ lastNumber: number }>>`
    INSERT INTO "TicketCounter" ("shopId", "lastNumber") VALUES (${shopId}, 1)
    ON CONFLICT ("shopId") DO UPDATE SET "lastNumber" = "TicketCounter"."lastNumber" + 1
    RETURNING "lastNumber"`;
  return rows[0].lastNumber;
}

export async function createTicket(options: CreateTicketOptions) {
  return inTransaction(options.db, (tx) => insertTicket({ ...options, db: tx }));
}

async function insertTicket({ db, shopId, actor, correlationId, input, channel, messageKind }: CreateTicketOptions) {
  // Lowercased here too (ZCreateTicket does it for parsed input): search and customers/redact
  // match emails exactly, whoever built the input.
  let customerEmail = input.customerEmail?.trim().toLowerCase() || null;
  let customerName = input.customerName ?? null;
  let customerShopifyId: string | null = null;
  if (input.orderId) {
    const order = await db.order.findUnique({
      where: { id: input.orderId },
      select: { id: true, email: true, customerName: true, customerShopifyId: true },
    });
    if (!order) throw new AppError("VALIDATION", "No such order in this store", { fields: { orderId: ["No such order in this store"] } });
    customerEmail ??= order.email;
    customerName ??= order.customerName;
    customerShopifyId = order.customerShopifyId;
  }
  if (input.assigneeId) {
    const assignee = await db.staffMember.findUnique({ where: { id: input.assigneeId }, select: { active: true } });
    if (!assignee?.active) throw new AppError("VALIDATION", "The assignee is not an active staff member", { fields: { assigneeId: ["Choose an active staff member"] } });
  }

  const number = await nextTicketNumber(db, shopId);
  const now = new Date();
  const ticket = await db.ticket.create({
    data: {
      number,
      subject: input.subject,
      priority: input.priority,
      category: input.category ?? null,
      channel,
      orderId: input.orderId ?? null,
      assigneeId: input.assigneeId ?? null,
      customerEmail,
      customerName,
      customerShopifyId,
      createdByType: actor.type,
      createdById: actor.id,
      createdByLabel: actor.label,
      lastActivityAt: now,
    } as Prisma.TicketUncheckedCreateInput,
  });
  if (input.message) {
    const kind = messageKind ?? (channel === "staff" ? "internal_note" : "customer");
    // A customer's words are authored by the customer (no staff or API id), not by the channel
    // that carried them.
    const byCustomer = kind === "customer";
    await db.ticketMessage.create({
      data: {
        ticketId: ticket.id,
        kind,
        authorType: byCustomer ? "customer" : actor.type,
        authorId: byCustomer ? null : actor.id,
        authorLabel: byCustomer ? (customerName ?? "Customer") : actor.label,
        body: input.message,
        createdAt: now,
      } as Prisma.TicketMessageUncheckedCreateInput,
    });
  }
  await db.ticketEvent.create({
    data: {
      ticketId: ticket.id,
      type: "ticket.created",
      actorType: actor.type,
      actorId: actor.id,
      actorLabel: actor.label,
      detail: { channel, priority: ticket.priority, orderId: ticket.orderId } as Prisma.InputJsonValue,
      occurredAt: now,
    } as Prisma.TicketEventUncheckedCreateInput,
  });
  // The audit row names the ticket, never the customer: ids, enums, lengths and which customer
  // fields were given. The subject and the message are free text that names people ("Refund
  // for Paul Klein"), and the log is append-only: customers/redact could not take them back.
  await recordAudit({
    db,
    actor,
    action: "ticket.created",
    entityType: "Ticket",
    entityId: ticket.id,
    after: {
      number,
      status: ticket.status,
      priority: ticket.priority,
      channel,
      orderId: ticket.orderId,
      assigneeId: ticket.assigneeId,
      subjectLength: ticket.subject.length,
      messageLength: input.message?.length ?? 0,
      customerFields: [customerEmail ? "email" : null, customerName ? "name" : null].filter(Boolean),
    },
    correlationId,
  });
  return ticket;
}
