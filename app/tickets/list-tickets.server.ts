/**
 * The Tickets list: filters, search, four sort orders and keyset pagination, from our tables.
 * Every order ends with the id, so rows with the same sort value (same instant, same priority)
 * still come in one fixed order and a cursor never skips or repeats one. Customer details are
 * masked here for staff without customers.pii, who cannot search by email either.
 */
import type { Prisma } from "@prisma/client";
import { AppError } from "../lib/app-error";
import { maskEmail, maskName, maskText } from "../lib/mask";
import type { DbClient } from "../lib/tenancy.server";
import { classifyTicketQuery, type AgeBucket, type TicketFilters, type TicketSort } from "./list-schema";
import { TICKET_PRIORITIES, type TicketPriority, type TicketStatus } from "./schema";

export interface TicketRow {
  id: string;
  number: number;
  subject: string;
  status: TicketStatus;
  priority: TicketPriority;
  channel: string;
  assignee: { id: string; name: string } | null;
  customerName: string | null;
  customerEmail: string | null;
  order: { id: string; name: string } | null;
  createdAt: string;
  lastActivityAt: string;
}

export interface ListTicketsResult {
  rows: TicketRow[];
  nextCursor: string | null;
  /** "ignored": an email search by someone without customers.pii (the page says so). */
  emailSearch: "applied" | "ignored" | null;
}

export interface ListTicketsOptions {
  db: DbClient;
  filters: TicketFilters;
  /** The viewer's StaffMember.id: what assignee=me means. */
  staffId: string;
  /** customers.pii: unmasked customer details and search by email. */
  canSeePii: boolean;
  /** The clock for the age buckets (tests pin it). */
  now?: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Urgent first. */
const PRIORITY_ORDER: readonly TicketPriority[] = [...TICKET_PRIORITIES].reverse();

/** createdAt bounds of an age bucket: a ticket exactly 1 day old is in 1_3d, not lt_1d. */
export function ageRange(age: AgeBucket, now: Date): Prisma.DateTimeFilter {
  const ago = (days: number) => new Date(now.getTime() - days * DAY_MS);
  switch (age) {
    case "lt_1d":
      return { gt: ago(1) };
    case "1_3d":
      return { gt: ago(3), lte: ago(1) };
    case "3_7d":
      return { gt: ago(7), lte: ago(3) };
    case "gt_7d":
      return { lte: ago(7) };
  }
}

/**
 * The cursor names the sort it belongs to, the last row's sort value and its id, as
 * base64url("<sort>|<value>|<id>"); a cursor from another sort order is refused.
 */
interface TicketCursor {
  sort: TicketSort;
  value: string;
  id: string;
}

function encodeTicketCursor(cursor: TicketCursor): string {
  return Buffer.from(`${cursor.sort}|${cursor.value}|${cursor.id}`).toString("base64url");
}

function decodeTicketCursor(text: string, sort: TicketSort): TicketCursor {
  const [cursorSort, value, id, ...rest] = Buffer.from(text, "base64url").toString("utf8").split("|");
  const valid =
    rest.length === 0 &&
    cursorSort === sort &&
    !!id &&
    /^[a-z0-9]{20,40}$/.test(id) &&
    (sort === "priority" ? (TICKET_PRIORITIES as readonly string[]).includes(value ?? "") : !Number.isNaN(new Date(value ?? "").getTime()) && /^\d{4}-/.test(value ?? ""));
  if (!valid) throw new AppError("VALIDATION", "Some filters are invalid", { fields: { cursor: ["Malformed cursor"] } });
  return { sort, value: value!, id };
}

const SELECT = {
  id: true,
  number: true,
  subject: true,
  status: true,
  priority: true,
  channel: true,
  assigneeId: true,
  customerName: true,
  customerEmail: true,
  orderId: true,
  createdAt: true,
  lastActivityAt: true,
} satisfies Prisma.TicketSelect;

type Selected = Prisma.TicketGetPayload<{ select: typeof SELECT }>;

export async function listTickets({ db, filters, staffId, canSeePii, now = new Date() }: ListTicketsOptions): Promise<ListTicketsResult> {
  const cursor = filters.cursor ? decodeTicketCursor(filters.cursor, filters.sort) : null;

  let search: Prisma.TicketWhereInput = {};
  let emailSearch: ListTicketsResult["emailSearch"] = null;
  if (filters.q) {
    const query = classifyTicketQuery(filters.q);
    if (query.kind === "number") {
      search = query.exact ? { number: query.number } : { OR: [{ number: query.number }, { subject: { contains: query.text, mode: "insensitive" } }] };
    } else if (query.kind === "email") {
      if (canSeePii) {
        // Ticket.customerEmail is stored lowercased (ZCreateTicket, orders): exact match.
        search = { customerEmail: query.email };
        emailSearch = "applied";
      } else {
        emailSearch = "ignored";
      }
    } else {
      search = { subject: { contains: query.text, mode: "insensitive" } };
    }
  }

  const assignee = filters.assignee === "me" ? staffId : filters.assignee === "unassigned" ? null : filters.assignee;
  const where: Prisma.TicketWhereInput = {
    ...search,
    ...(filters.status ? { status: { in: filters.status } } : {}),
    ...(filters.priority ? { priority: { in: filters.priority } } : {}),
    ...(filters.assignee ? { assigneeId: assignee } : {}),
    ...(filters.age ? { createdAt: ageRange(filters.age, now) } : {}),
  };

  const take = filters.limit + 1;
  const rows = filters.sort === "priority" ? await byPriority(db, where, cursor, take, filters.priority) : await byTime(db, where, filters.sort, cursor, take);

  const page = rows.slice(0, filters.limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > filters.limit && last
      ? encodeTicketCursor({ sort: filters.sort, id: last.id, value: filters.sort === "priority" ? last.priority : sortTime(last, filters.sort).toISOString() })
      : null;
  return { rows: await present(db, page, canSeePii), nextCursor, emailSearch };
}

function sortTime(row: Selected, sort: TicketSort): Date {
  return sort === "last_activity" ? row.lastActivityAt : row.createdAt;
}

/** newest / oldest / last_activity: one query ordered by (the time column, id). */
async function byTime(db: DbClient, where: Prisma.TicketWhereInput, sort: Exclude<TicketSort, "priority">, cursor: TicketCursor | null, take: number) {
  const column = sort === "last_activity" ? "lastActivityAt" : "createdAt";
  const direction = sort === "oldest" ? "asc" : "desc";
  const beyond = direction === "asc" ? "gt" : "lt";
  const after: Prisma.TicketWhereInput = cursor
    ? { OR: [{ [column]: { [beyond]: new Date(cursor.value) } }, { [column]: new Date(cursor.value), id: { [beyond]: cursor.id } }] }
    : {};
  return db.ticket.findMany({
    where: { AND: [where, after] },
    orderBy: [{ [column]: direction }, { id: direction }],
    take,
    select: SELECT,
  });
}

/**
 * Priority (urgent first, then id descending, i.e. newest first within a priority). The column
 * is text, and "high" < "low" < "normal" < "urgent" alphabetically, so the rank order is walked
 * one priority at a time: at most four queries, each on an index-friendly equality.
 */
async function byPriority(db: DbClient, where: Prisma.TicketWhereInput, cursor: TicketCursor | null, take: number, only: TicketPriority[] | undefined) {
  const start = cursor ? PRIORITY_ORDER.indexOf(cursor.value as TicketPriority) : 0;
  const rows: Selected[] = [];
  for (const priority of PRIORITY_ORDER.slice(start)) {
    if (rows.length >= take) break;
    if (only && !only.includes(priority)) continue;
    const sameGroup = cursor && cursor.value === priority;
    rows.push(
      ...(await db.ticket.findMany({
        where: { AND: [where, { priority }, sameGroup ? { id: { lt: cursor.id } } : {}] },
        orderBy: { id: "desc" },
        take: take - rows.length,
        select: SELECT,
      })),
    );
  }
  return rows;
}

/** Resolves assignee names and order names; masks the customer for staff without customers.pii. */
async function present(db: DbClient, rows: Selected[], canSeePii: boolean): Promise<TicketRow[]> {
  const staffIds = [...new Set(rows.map((row) => row.assigneeId).filter((id): id is string => !!id))];
  const orderIds = [...new Set(rows.map((row) => row.orderId).filter((id): id is string => !!id))];
  const [staff, orders] = await Promise.all([
    staffIds.length ? db.staffMember.findMany({ where: { id: { in: staffIds } }, select: { id: true, firstName: true, lastName: true, shopifyUserId: true } }) : [],
    orderIds.length ? db.order.findMany({ where: { id: { in: orderIds } }, select: { id: true, name: true } }) : [],
  ]);
  const staffNames = new Map(staff.map((member) => [member.id, staffName(member)]));
  const orderNames = new Map(orders.map((order) => [order.id, order.name]));
  return rows.map((row) => ({
    id: row.id,
    number: row.number,
    subject: canSeePii ? row.subject : (maskText(row.subject, { names: [row.customerName], emails: [row.customerEmail] }) ?? ""),
    status: row.status as TicketStatus,
    priority: row.priority as TicketPriority,
    channel: row.channel,
    assignee: row.assigneeId ? { id: row.assigneeId, name: staffNames.get(row.assigneeId) ?? "Former staff member" } : null,
    customerName: canSeePii ? row.customerName : maskName(row.customerName),
    customerEmail: canSeePii ? row.customerEmail : maskEmail(row.customerEmail),
    order: row.orderId && orderNames.has(row.orderId) ? { id: row.orderId, name: orderNames.get(row.orderId)! } : null,
    createdAt: row.createdAt.toISOString(),
    lastActivityAt: row.lastActivityAt.toISOString(),
  }));
}

/** How a staff member is named in tickets (as on the Staff page). */
export function staffName(member: { firstName: string | null; lastName: string | null; shopifyUserId: string }): string {
  return [member.firstName, member.lastName].filter(Boolean).join(" ") || `Staff ${member.shopifyUserId}`;
}
