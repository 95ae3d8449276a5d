/**
 * customers/redact, the tickets' part: the customer's email and name leave their tickets, the
 * customer's own messages are replaced by a marker, and staff messages, subjects and the
 * tickets' event details are scrubbed of what identifies them (app/compliance/
 * customer-identifiers.ts) and of any email address or phone number. The facts stay: numbers,
 * statuses, priorities, timestamps, links to orders, the events. Idempotent: a second run finds
 * nothing left to change.
 */
import type { Prisma } from "@prisma/client";
import { identifiers, mergeIdentifiers, scrubJson, scrubText, type CustomerIdentifiers } from "../compliance/customer-identifiers";
import type { DbClient } from "../lib/tenancy.server";

export const REDACTED_MESSAGE = "[Removed at the customer's request (customers/redact)]";

export interface CustomerTicketsMatch {
  customerShopifyId: string | null;
  email: string | null;
  /** Our Order.ids of the customer's orders: their tickets are the customer's too. */
  orderIds: string[];
}

export interface RedactCustomerTicketsOptions extends CustomerTicketsMatch {
  /** The compliance transaction: tickets are redacted with the orders or not at all. */
  db: DbClient;
  /** What identifies the customer (from their orders, tickets and the request). */
  identifiers: CustomerIdentifiers;
}

function ticketWhere({ customerShopifyId, email, orderIds }: CustomerTicketsMatch): Prisma.TicketWhereInput[] {
  return [
    ...(customerShopifyId ? [{ customerShopifyId }] : []),
    // Any case: rows written before emails were normalised everywhere still match.
    ...(email ? [{ customerEmail: { equals: email.trim(), mode: "insensitive" as const } }] : []),
    ...(orderIds.length ? [{ orderId: { in: orderIds } }] : []),
  ];
}

/** The customer's tickets, with what they say about the customer (read before anything is redacted). */
export async function findCustomerTickets(db: DbClient, match: CustomerTicketsMatch): Promise<{ ids: string[]; identifiers: CustomerIdentifiers }> {
  const where = ticketWhere(match);
  if (where.length === 0) return { ids: [], identifiers: identifiers({}) };
  const tickets = await db.ticket.findMany({ where: { OR: where }, select: { id: true, customerName: true, customerEmail: true } });
  return { ids: tickets.map((ticket) => ticket.id), identifiers: identifiers({ names: tickets.map((ticket) => ticket.customerName), emails: tickets.map((ticket) => ticket.customerEmail) }) };
}

export async function redactCustomerTickets({ db, identifiers: known, ...match }: RedactCustomerTicketsOptions): Promise<{ tickets: number; messages: number; ticketIds: string[] }> {
  const where = ticketWhere(match);
  if (where.length === 0) return { tickets: 0, messages: 0, ticketIds: [] };
  const tickets = await db.ticket.findMany({ where: { OR: where }, select: { id: true, subject: true, customerName: true, customerEmail: true } });
  let messages = 0;
  for (const ticket of tickets) {
    const ids = mergeIdentifiers(known, identifiers({ names: [ticket.customerName], emails: [match.email, ticket.customerEmail] }));
    // Free text: any email or phone number goes too, known or not.
    const scrub = (text: string) => scrubText(text, ids, { anyContact: true });
    const subject = scrub(ticket.subject);
    if (ticket.customerEmail !== null || ticket.customerName !== null || subject !== ticket.subject) {
      await db.ticket.update({ where: { id: ticket.id }, data: { customerEmail: null, customerName: null, subject } });
    }
    const rows = await db.ticketMessage.findMany({ where: { ticketId: ticket.id }, select: { id: true, kind: true, body: true, authorLabel: true } });
    for (const message of rows) {
      // The customer's own words are theirs: removed whole. Staff text keeps its facts.
      const byCustomer = message.kind === "customer";
      const body = byCustomer ? REDACTED_MESSAGE : scrub(message.body);
      const authorLabel = byCustomer ? null : message.authorLabel;
      if (body !== message.body || authorLabel !== message.authorLabel) {
        await db.ticketMessage.update({ where: { id: message.id }, data: { body, authorLabel } });
        messages++;
      }
    }
    // Events hold ids and enums, and the summaries of actions run on the ticket ("Task “Call Paul” created").
    const events = await db.ticketEvent.findMany({ where: { ticketId: ticket.id }, select: { id: true, detail: true } });
    for (const event of events) {
      if (event.detail === null) continue;
      const detail = scrubJson(event.detail, ids);
      if (detail !== event.detail) await db.ticketEvent.update({ where: { id: event.id }, data: { detail: detail as Prisma.InputJsonValue } });
    }
  }
  return { tickets: tickets.length, messages, ticketIds: tickets.map((ticket) => ticket.id) };
}
