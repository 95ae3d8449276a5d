/**
 * One ticket as its page shows it, from our tables only (never Shopify): the header, the
 * thread rendered through the sanitizer, the linked order's context panel (the latest stored
 * snapshot), the tasks on the ticket or its order, and one merged timeline of the order's
 * events, the ticket's events and the runs on either. For staff without customers.pii the
 * customer is masked here, in the thread and the subject too, so the page's data never holds
 * their details.
 */
import { AppError } from "../lib/app-error";
import { humanizeEnum } from "../lib/format";
import { maskEmail, maskName, maskText, type KnownPii } from "../lib/mask";
import type { DbClient } from "../lib/tenancy.server";
import type { SnapshotContent } from "../orders/build-snapshot";
import { getOrderDetail, type OrderDetail } from "../orders/get-order-detail.server";
import { staffName } from "./list-tickets.server";
import { renderMarkdown } from "./markdown";
import { PRIORITY_LABELS, STATUS_LABELS, STATUS_TRANSITIONS, type MessageKind, type TicketPriority, type TicketStatus } from "./schema";

/** Bounds for one page load; a runaway history stays bounded. */
const MESSAGE_LIMIT = 500;
const EVENT_LIMIT = 500;
const RUN_LIMIT = 200;
const TASK_LIMIT = 200;

export type TimelineSource = "order" | "ticket" | "run";

export interface MergedTimelineItem {
  /** Unique across sources: "<source>:<row id>". */
  id: string;
  source: TimelineSource;
  type: string;
  occurredAt: string;
  title: string;
  /** Runs link to their page. */
  runId: string | null;
}

export interface TicketMessageView {
  id: string;
  kind: MessageKind;
  authorType: string;
  authorLabel: string | null;
  createdAt: string;
  /** Sanitized HTML (app/tickets/markdown.ts), safe to insert as is. */
  html: string;
}

export interface TicketTaskView {
  id: string;
  title: string;
  status: string;
  dueAt: string | null;
  completedAt: string | null;
  assignee: string | null;
  /** Whether the task is on this ticket or only on its order. */
  linkedTo: "ticket" | "order";
}

export interface TicketDetail {
  ticket: {
    id: string;
    number: number;
    subject: string;
    status: TicketStatus;
    priority: TicketPriority;
    channel: string;
    category: string | null;
    assignee: { id: string; name: string; active: boolean } | null;
    customerName: string | null;
    customerEmail: string | null;
    createdBy: { type: string; label: string | null };
    createdAt: string;
    /** The optimistic-concurrency token: updates send it back (POST /app/tickets/:id/update). */
    updatedAt: string;
    firstResponseAt: string | null;
    solvedAt: string | null;
    closedAt: string | null;
    lastActivityAt: string;
    /** Where the status may go from here (STATUS_TRANSITIONS). */
    nextStatuses: TicketStatus[];
  };
  messages: TicketMessageView[];
  /** The linked order and its latest snapshot (masked unless customers.pii); null without one. */
  order: OrderDetail["order"] | null;
  context: SnapshotContent | null;
  tasks: TicketTaskView[];
  timeline: MergedTimelineItem[];
  piiMasked: boolean;
}

export interface GetTicketDetailOptions {
  db: DbClient;
  id: string;
  canSeePii: boolean;
}

const SOURCE_RANK: Record<TimelineSource, number> = { order: 0, ticket: 1, run: 2 };

export async function getTicketDetail({ db, id, canSeePii }: GetTicketDetailOptions): Promise<TicketDetail> {
  const ticket = await db.ticket.findUnique({ where: { id } });
  if (!ticket) throw new AppError("NOT_FOUND", "No such ticket in this store");

  const orderId = ticket.orderId;
  const [orderDetail, orderPii, messages, events, runs, tasks, actionOrderEvents] = await Promise.all([
    orderId ? getOrderDetail({ db, id: orderId, canSeePii }).catch(notFoundToNull) : null,
    orderId ? orderCustomer(db, orderId) : null,
    db.ticketMessage.findMany({ where: { ticketId: ticket.id }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: MESSAGE_LIMIT }),
    db.ticketEvent.findMany({ where: { ticketId: ticket.id }, orderBy: [{ occurredAt: "asc" }, { id: "asc" }], take: EVENT_LIMIT }),
    db.run.findMany({
      where: { OR: [{ ticketId: ticket.id }, ...(orderId ? [{ orderId }] : [])] },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: RUN_LIMIT,
      select: { id: true, type: true, status: true, actorLabel: true, createdAt: true },
    }),
    db.task.findMany({
      where: { OR: [{ ticketId: ticket.id }, ...(orderId ? [{ orderId }] : [])] },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: TASK_LIMIT,
    }),
    // The action runner also writes a run's outcome on the order's timeline; the run's own
    // item stands for it here (found by the run id in the event's detail).
    orderId ? db.orderTimelineEvent.findMany({ where: { orderId, source: "action_center" }, select: { id: true, detail: true } }) : [],
  ]);

  const staffIds = [...new Set([ticket.assigneeId, ...tasks.map((task) => task.assigneeId), ...events.filter((event) => event.type === "ticket.assigned").flatMap((event) => assigneeIdsOf(event.detail))].filter((value): value is string => !!value))];
  const staff = staffIds.length
    ? await db.staffMember.findMany({ where: { id: { in: staffIds } }, select: { id: true, firstName: true, lastName: true, shopifyUserId: true, active: true } })
    : [];
  const staffById = new Map(staff.map((member) => [member.id, { name: staffName(member), active: member.active }]));
  const nameOf = (staffId: string | null) => (staffId ? (staffById.get(staffId)?.name ?? "a former staff member") : null);

  const known: KnownPii = {
    names: [ticket.customerName, orderPii?.name, orderPii?.shippingName],
    emails: [ticket.customerEmail, orderPii?.email],
    phones: orderPii?.phones ?? [],
    addressParts: orderPii?.addressParts ?? [],
  };
  const text = (value: string) => (canSeePii ? value : (maskText(value, known) ?? ""));

  const runIds = new Set(runs.map((run) => run.id));
  const runSummaries = new Map<string, string>();
  for (const event of events) {
    const summary = (event.detail as { summary?: unknown } | null)?.summary;
    if (event.runId && typeof summary === "string") runSummaries.set(event.runId, summary);
  }
  const foldedOrderEvents = new Set(actionOrderEvents.filter((event) => runIds.has(String((event.detail as { runId?: unknown } | null)?.runId))).map((event) => event.id));

  const items: Array<MergedTimelineItem & { rank: number; seq: number }> = [
    ...(orderDetail?.timeline ?? [])
      .filter((event) => !foldedOrderEvents.has(event.id))
      .map((event, seq) => ({ id: `order:${event.id}`, source: "order" as const, type: event.type, occurredAt: event.occurredAt, title: event.title, runId: null, rank: SOURCE_RANK.order, seq })),
    ...events
      // An action's outcome is shown once, as its run.
      .filter((event) => !(event.runId && runIds.has(event.runId) && event.type.startsWith("action.")))
      .map((event, seq) => ({
        id: `ticket:${event.id}`,
        source: "ticket" as const,
        type: event.type,
        occurredAt: event.occurredAt.toISOString(),
        title: text(ticketEventTitle(event, nameOf)),
        runId: event.runId,
        rank: SOURCE_RANK.ticket,
        seq,
      })),
    ...runs.map((run, seq) => ({
      id: `run:${run.id}`,
      source: "run" as const,
      type: `run.${run.status}`,
      occurredAt: run.createdAt.toISOString(),
      title: text(`${humanizeEnum(run.type)}: ${humanizeEnum(run.status).toLowerCase()}${runSummaries.has(run.id) ? ` (${runSummaries.get(run.id)})` : ""}${run.actorLabel ? `, by ${run.actorLabel}` : ""}`),
      runId: run.id,
      rank: SOURCE_RANK.run,
      seq,
    })),
  ];
  // Chronological; at the same instant, order events before ticket events before runs, and
  // within a source the source's own order (already deterministic): the same on every load.
  items.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.rank - b.rank || a.seq - b.seq);

  const status = ticket.status as TicketStatus;
  return {
    ticket: {
      id: ticket.id,
      number: ticket.number,
      subject: text(ticket.subject),
      status,
      priority: ticket.priority as TicketPriority,
      channel: ticket.channel,
      category: ticket.category,
      assignee: ticket.assigneeId ? { id: ticket.assigneeId, name: nameOf(ticket.assigneeId)!, active: staffById.get(ticket.assigneeId)?.active ?? false } : null,
      customerName: canSeePii ? ticket.customerName : maskName(ticket.customerName),
      customerEmail: canSeePii ? ticket.customerEmail : maskEmail(ticket.customerEmail),
      createdBy: { type: ticket.createdByType, label: ticket.createdByLabel },
      createdAt: ticket.createdAt.toISOString(),
      updatedAt: ticket.updatedAt.toISOString(),
      firstResponseAt: ticket.firstResponseAt?.toISOString() ?? null,
      solvedAt: ticket.solvedAt?.toISOString() ?? null,
      closedAt: ticket.closedAt?.toISOString() ?? null,
      lastActivityAt: ticket.lastActivityAt.toISOString(),
      nextStatuses: [...(STATUS_TRANSITIONS[status] ?? [])],
    },
    messages: messages.map((message) => ({
      id: message.id,
      kind: message.kind as MessageKind,
      authorType: message.authorType,
      authorLabel: message.authorType === "customer" && !canSeePii ? maskCustomerLabel(message.authorLabel, known) : message.authorLabel,
      createdAt: message.createdAt.toISOString(),
      // Masked as markdown source, then rendered: the masks are plain text and stay so.
      html: renderMarkdown(text(message.body)),
    })),
    order: orderDetail?.order ?? null,
    context: orderDetail?.context ?? null,
    tasks: tasks.map((task) => ({
      id: task.id,
      title: text(task.title),
      status: task.status,
      dueAt: task.dueAt?.toISOString() ?? null,
      completedAt: task.completedAt?.toISOString() ?? null,
      assignee: nameOf(task.assigneeId),
      linkedTo: task.ticketId === ticket.id ? ("ticket" as const) : ("order" as const),
    })),
    timeline: items.map(({ rank: _rank, seq: _seq, ...item }) => item),
    piiMasked: !canSeePii,
  };
}

function notFoundToNull(error: unknown): null {
  // The order row can be gone (a shop-level purge runs per table); the ticket still shows.
  if (error instanceof AppError && error.code === "NOT_FOUND") return null;
  throw error;
}

/** What the linked order knows about the customer, to mask it in the thread too. */
async function orderCustomer(db: DbClient, orderId: string) {
  const [order, snapshot] = await Promise.all([
    db.order.findUnique({ where: { id: orderId }, select: { email: true, customerName: true } }),
    db.orderSnapshot.findFirst({ where: { orderId }, orderBy: { version: "desc" }, select: { content: true } }),
  ]);
  const content = (snapshot?.content ?? null) as SnapshotContent | null;
  return {
    name: order?.customerName ?? content?.customer.name ?? null,
    shippingName: content?.shippingAddress?.name ?? null,
    email: order?.email ?? content?.customer.email ?? null,
    phones: [content?.customer.phone, content?.shippingAddress?.phone],
    addressParts: [content?.shippingAddress?.address1, content?.shippingAddress?.address2, content?.shippingAddress?.zip],
  };
}

function maskCustomerLabel(label: string | null, known: KnownPii): string | null {
  if (!label || label === "Customer") return label;
  const masked = maskText(label, known);
  // A name we did not know about (the intake API's own field): mask it as a name.
  return masked === label ? maskName(label) : masked;
}

function assigneeIdsOf(detail: unknown): string[] {
  const value = detail as { from?: unknown; to?: unknown } | null;
  return [value?.from, value?.to].filter((id): id is string => typeof id === "string");
}

type EventRow = { type: string; actorLabel: string | null; detail: unknown };

function ticketEventTitle(event: EventRow, nameOf: (id: string | null) => string | null): string {
  const detail = (event.detail ?? {}) as Record<string, unknown>;
  const by = event.actorLabel ? ` by ${event.actorLabel}` : "";
  const from = typeof detail.from === "string" ? detail.from : null;
  const to = typeof detail.to === "string" ? detail.to : null;
  switch (event.type) {
    case "ticket.created":
      return `Ticket created${by}${typeof detail.channel === "string" ? ` (${detail.channel})` : ""}`;
    case "ticket.status_changed":
      return `Status changed from ${label(STATUS_LABELS, from)} to ${label(STATUS_LABELS, to)}${by}`;
    case "ticket.priority_changed":
      return `Priority changed from ${label(PRIORITY_LABELS, from)} to ${label(PRIORITY_LABELS, to)}${by}`;
    case "ticket.assigned":
      return to ? `Assigned to ${nameOf(to)}${by}` : `Unassigned (was ${nameOf(from) ?? "nobody"})${by}`;
    case "message.added":
      return `${detail.kind === "internal_note" ? "Internal note" : detail.kind === "reply" ? "Reply" : "Message"} added${by}`;
    default:
      return `${typeof detail.summary === "string" ? detail.summary : humanizeEnum(event.type.replace(/\./g, "_"))}${by}`;
  }
}

function label(labels: Record<string, string>, value: string | null): string {
  return value ? (labels[value] ?? value) : "none";
}
