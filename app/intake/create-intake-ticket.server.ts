/**
 * A ticket from the signed intake API: the customer's words as its first message, the order
 * linked only when the sender's order reference and customer email both match an order we
 * hold. A name alone proves nothing (order numbers are short and sequential): linking on it
 * would let anyone attach themselves to a stranger's order and see its context in replies.
 */
import type { Prisma } from "@prisma/client";
import type { Actor } from "../audit/types";
import type { DbClient } from "../lib/tenancy.server";
import { createTicket } from "../tickets/create-ticket.server";
import type { IntakeTicketInput, IntakeTicketResponse } from "./schema";

/**
 * The intake API acts as a "webhook" actor: an outside system delivering a signed request on
 * the shop's behalf, like Shopify's webhooks. "system" is what the app does on its own (jobs,
 * seeding), and there is no staff member, workflow or agent of ours behind the request.
 */
export const INTAKE_ACTOR: Actor = { type: "webhook", id: null, label: "Intake API" };

export interface CreateIntakeTicketOptions {
  /** A transaction of the shop's scoped client: the ticket, its message, events and audit row commit together. */
  db: DbClient;
  shopId: string;
  correlationId: string;
  input: IntakeTicketInput;
}

export async function findOrderToLink(db: DbClient, input: IntakeTicketInput): Promise<string | null> {
  if (input.orderName === undefined && input.orderNumber === undefined) return null;
  const byName: Prisma.OrderWhereInput[] = [];
  if (input.orderName !== undefined) {
    const digits = /^#?(\d{1,9})$/.exec(input.orderName);
    byName.push({ name: { equals: input.orderName, mode: "insensitive" } });
    if (digits) byName.push({ orderNumber: Number(digits[1]) });
  }
  const order = await db.order.findFirst({
    where: {
      // Order.email is stored lowercased, and the input's is lowercased by the schema.
      email: input.customer.email,
      ...(byName.length ? { OR: byName } : {}),
      ...(input.orderNumber !== undefined ? { orderNumber: input.orderNumber } : {}),
    },
    orderBy: [{ shopifyCreatedAt: "desc" }, { id: "desc" }],
    select: { id: true },
  });
  return order?.id ?? null;
}

export async function createIntakeTicket({ db, shopId, correlationId, input }: CreateIntakeTicketOptions): Promise<IntakeTicketResponse> {
  const orderId = await findOrderToLink(db, input);
  const ticket = await createTicket({
    db,
    shopId,
    actor: INTAKE_ACTOR,
    correlationId,
    channel: input.channel,
    messageKind: "customer",
    input: {
      subject: input.subject,
      message: input.message,
      priority: input.priority,
      category: input.category,
      customerEmail: input.customer.email,
      customerName: input.customer.name,
      orderId: orderId ?? undefined,
    },
  });
  // How it arrived, for the ticket's history: the sender's id and the order it named (also when
  // it could not be linked, so staff can look it up themselves). No customer details here.
  await db.ticketEvent.create({
    data: {
      ticketId: ticket.id,
      type: "ticket.intake_received",
      actorType: INTAKE_ACTOR.type,
      actorId: INTAKE_ACTOR.id,
      actorLabel: INTAKE_ACTOR.label,
      detail: {
        channel: input.channel,
        externalId: input.externalId ?? null,
        orderReference: input.orderName ?? (input.orderNumber !== undefined ? String(input.orderNumber) : null),
        orderLinked: orderId !== null,
      } as Prisma.InputJsonValue,
      occurredAt: ticket.createdAt,
    } as Prisma.TicketEventUncheckedCreateInput,
  });
  return { ticket: { id: ticket.id, number: ticket.number, status: ticket.status, orderLinked: orderId !== null } };
}
