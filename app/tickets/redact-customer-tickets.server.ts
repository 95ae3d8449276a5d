/**
 * customers/redact, the tickets' part: the customer's email and name leave their tickets, the
 * customer's own messages are replaced by a marker, and staff messages and subjects are
 * scrubbed of what we know identifies them (their emails and names) and of any email address
 * or phone number. The facts stay: numbers, statuses, priorities, timestamps, links to orders,
 * the events. Idempotent: a second run finds nothing left to change.
 */
import type { Prisma } from "@prisma/client";
import { redactText } from "../lib/redact";
import type { DbClient } from "../lib/tenancy.server";

export const REDACTED_MESSAGE = "[Removed at the customer's request (customers/redact)]";
const REDACTED = "[redacted]";

export interface RedactCustomerTicketsOptions {
  /** The compliance transaction: tickets are redacted with the orders or not at all. */
  db: DbClient;
  customerShopifyId: string | null;
  email: string | null;
  /** Our Order.ids of the customer's orders: their tickets are the customer's too. */
  orderIds: string[];
  /** What the orders knew about the customer (read before they were redacted). */
  knownNames: Array<string | null>;
  knownEmails: Array<string | null>;
}

export async function redactCustomerTickets({ db, customerShopifyId, email, orderIds, knownNames, knownEmails }: RedactCustomerTicketsOptions): Promise<{ tickets: number; messages: number }> {
  const match: Prisma.TicketWhereInput[] = [
    ...(customerShopifyId ? [{ customerShopifyId }] : []),
    // Any case: rows written before emails were normalised everywhere still match.
    ...(email ? [{ customerEmail: { equals: email.trim(), mode: "insensitive" as const } }] : []),
    ...(orderIds.length ? [{ orderId: { in: orderIds } }] : []),
  ];
  if (match.length === 0) return { tickets: 0, messages: 0 };
  const tickets = await db.ticket.findMany({ where: { OR: match }, select: { id: true, subject: true, customerName: true, customerEmail: true } });
  let messages = 0;
  for (const ticket of tickets) {
    const scrub = scrubber([...knownNames, ticket.customerName], [email, ...knownEmails, ticket.customerEmail]);
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
  }
  return { tickets: tickets.length, messages };
}

/** Replaces the known emails, full names and name parts (whole words), then any email or phone. */
function scrubber(names: Array<string | null | undefined>, emails: Array<string | null | undefined>) {
  const clean = (values: Array<string | null | undefined>) => [...new Set(values.map((value) => value?.trim() ?? "").filter((value) => value.length > 0))];
  const fullNames = clean(names);
  const parts = [...new Set(fullNames.flatMap((name) => name.split(/[\s,]+/)).filter((part) => part.length >= 2))];
  const literal = clean(emails).sort((a, b) => b.length - a.length);
  const words = [...fullNames, ...parts].sort((a, b) => b.length - a.length);
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return (text: string) => {
    let result = text;
    for (const value of literal) result = result.replace(new RegExp(escape(value), "giu"), REDACTED);
    for (const value of words) result = result.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escape(value)}(?![\\p{L}\\p{N}])`, "giu"), REDACTED);
    return redactText(result);
  };
}
