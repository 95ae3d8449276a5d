/**
 * customers/data_request, the tickets' part: every ticket of the customer (by Shopify customer
 * id, email, or one of their orders) with its whole thread, oldest first, as plain data.
 */
import type { Prisma } from "@prisma/client";
import type { DbClient } from "../lib/tenancy.server";

export interface ExportedTicket {
  number: number;
  subject: string;
  status: string;
  priority: string;
  channel: string;
  category: string | null;
  customerEmail: string | null;
  customerName: string | null;
  order: string | null;
  createdAt: string;
  solvedAt: string | null;
  closedAt: string | null;
  messages: Array<{ kind: string; author: string | null; createdAt: string; body: string }>;
}

export interface ExportCustomerTicketsOptions {
  db: DbClient;
  customerShopifyId: string | null;
  email: string | null;
  /** Our Order.ids of the customer's orders. */
  orderIds: string[];
}

/** Bounds one export; a customer with more tickets than this is beyond any help desk's history. */
const TICKET_LIMIT = 1000;

export async function exportCustomerTickets({ db, customerShopifyId, email, orderIds }: ExportCustomerTicketsOptions): Promise<ExportedTicket[]> {
  const match: Prisma.TicketWhereInput[] = [
    ...(customerShopifyId ? [{ customerShopifyId }] : []),
    // Any case: rows written before emails were normalised everywhere still match.
    ...(email ? [{ customerEmail: { equals: email.trim(), mode: "insensitive" as const } }] : []),
    ...(orderIds.length ? [{ orderId: { in: orderIds } }] : []),
  ];
  if (match.length === 0) return [];
  const tickets = await db.ticket.findMany({ where: { OR: match }, orderBy: [{ number: "asc" }], take: TICKET_LIMIT });
  const linkedOrders = [...new Set(tickets.map((ticket) => ticket.orderId).filter((id): id is string => !!id))];
  const [orders, messages] = await Promise.all([
    linkedOrders.length ? db.order.findMany({ where: { id: { in: linkedOrders } }, select: { id: true, name: true } }) : [],
    tickets.length ? db.ticketMessage.findMany({ where: { ticketId: { in: tickets.map((ticket) => ticket.id) } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] }) : [],
  ]);
  const orderNames = new Map(orders.map((order) => [order.id, order.name]));
  return tickets.map((ticket) => ({
    number: ticket.number,
    subject: ticket.subject,
    status: ticket.status,
    priority: ticket.priority,
    channel: ticket.channel,
    category: ticket.category,
    customerEmail: ticket.customerEmail,
    customerName: ticket.customerName,
    order: ticket.orderId ? (orderNames.get(ticket.orderId) ?? null) : null,
    createdAt: ticket.createdAt.toISOString(),
    solvedAt: ticket.solvedAt?.toISOString() ?? null,
    closedAt: ticket.closedAt?.toISOString() ?? null,
    messages: messages
      .filter((message) => message.ticketId === ticket.id)
      .map((message) => ({
        kind: message.kind,
        // The customer's own label; for others only what wrote it (staff, workflow, agent):
        // staff members' names are not the customer's data.
        author: message.authorType === "customer" ? message.authorLabel : message.authorType,
        createdAt: message.createdAt.toISOString(),
        body: message.body,
      })),
  }));
}
