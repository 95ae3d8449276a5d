/**
 * Changes a ticket's status, priority and/or assignee. Each change writes, in one transaction
 * with the ticket row, a TicketEvent (from/to) and an audit row (before/after). The caller
 * sends the updatedAt it saw: a ticket changed since is a 409, so two staff never silently
 * overwrite each other. Permissions are the route's job (tickets.update for status/priority,
 * tickets.assign for the assignee), checked before this runs.
 */
import type { Prisma } from "@prisma/client";
import { recordAudit } from "../audit/record-audit.server";
import type { Actor } from "../audit/types";
import { AppError } from "../lib/app-error";
import type { DbClient } from "../lib/tenancy.server";
import { inTransaction } from "./in-transaction.server";
import { STATUS_LABELS, canTransition, type TicketPriority, type TicketStatus } from "./schema";

export interface UpdateTicketOptions {
  /** The shop's scoped client or a transaction (e.g. withIdempotency's). */
  db: DbClient;
  actor: Actor;
  correlationId: string;
  ticketId: string;
  expectedUpdatedAt: Date;
  status?: TicketStatus;
  priority?: TicketPriority;
  /** A StaffMember.id, or null to unassign ("me" is resolved by the route). */
  assigneeId?: string | null;
}

export type TicketField = "status" | "priority" | "assigneeId";

export interface TicketChange {
  field: TicketField;
  from: string | null;
  to: string | null;
}

export interface UpdateTicketResult {
  ticket: {
    id: string;
    number: number;
    status: string;
    priority: string;
    assigneeId: string | null;
    updatedAt: string;
    solvedAt: string | null;
    closedAt: string | null;
    lastActivityAt: string;
  };
  /** Empty when every requested value was already the ticket's (nothing written). */
  changes: TicketChange[];
}

const EVENT_TYPES: Record<TicketField, string> = {
  status: "ticket.status_changed",
  priority: "ticket.priority_changed",
  assigneeId: "ticket.assigned",
};

export async function updateTicket(options: UpdateTicketOptions): Promise<UpdateTicketResult> {
  return inTransaction(options.db, (tx) => applyUpdate(tx, options));
}

async function applyUpdate(db: DbClient, { actor, correlationId, ticketId, expectedUpdatedAt, status, priority, assigneeId }: UpdateTicketOptions): Promise<UpdateTicketResult> {
  const ticket = await db.ticket.findUnique({ where: { id: ticketId } });
  if (!ticket) throw new AppError("NOT_FOUND", "No such ticket in this store");
  if (ticket.updatedAt.getTime() !== expectedUpdatedAt.getTime()) throw staleConflict(ticket.updatedAt);

  const changes: TicketChange[] = [];
  if (status !== undefined && status !== ticket.status) {
    const from = ticket.status as TicketStatus;
    if (!canTransition(from, status)) {
      throw new AppError(
        "CONFLICT",
        from === "closed"
          ? "A closed ticket cannot change status: open a new ticket instead."
          : `A ticket that is ${STATUS_LABELS[from].toLowerCase()} cannot become ${STATUS_LABELS[status].toLowerCase()}.`,
        { details: { from, to: status }, fields: { status: [`Not allowed from ${STATUS_LABELS[from]}`] } },
      );
    }
    changes.push({ field: "status", from, to: status });
  }
  if (priority !== undefined && priority !== ticket.priority) changes.push({ field: "priority", from: ticket.priority, to: priority });
  if (assigneeId !== undefined && assigneeId !== ticket.assigneeId) {
    if (assigneeId !== null) {
      // Scoped client: another shop's staff id is not found, like an unknown one.
      const member = await db.staffMember.findUnique({ where: { id: assigneeId }, select: { active: true } });
      if (!member?.active) throw new AppError("VALIDATION", "The assignee is not an active staff member of this store", { fields: { assigneeId: ["Choose an active staff member"] } });
    }
    changes.push({ field: "assigneeId", from: ticket.assigneeId, to: assigneeId });
  }
  if (changes.length === 0) return { ticket: present(ticket), changes };

  const now = new Date();
  const data: Prisma.TicketUpdateManyMutationInput & { assigneeId?: string | null } = {
    // Strictly later than the token the caller sent, even within the same millisecond: the
    // next stale writer is always caught.
    updatedAt: new Date(Math.max(now.getTime(), ticket.updatedAt.getTime() + 1)),
    lastActivityAt: now,
  };
  for (const change of changes) {
    if (change.field === "status") {
      data.status = change.to!;
      if (change.to === "solved") data.solvedAt = now;
      // Reopening a solved ticket: it is no longer solved (a later solve sets a new time).
      if (change.to === "open" || change.to === "pending" || change.to === "on_hold") data.solvedAt = null;
      if (change.to === "closed") data.closedAt = now;
    }
    if (change.field === "priority") data.priority = change.to!;
    if (change.field === "assigneeId") data.assigneeId = change.to;
  }
  // The guard again in the write itself: a concurrent update that committed after our read
  // changed updatedAt, so this matches nothing and the request is a conflict, not a lost update.
  const written = await db.ticket.updateMany({ where: { id: ticket.id, updatedAt: ticket.updatedAt }, data });
  if (written.count !== 1) throw staleConflict(null);
  const updated = await db.ticket.findUniqueOrThrow({ where: { id: ticket.id } });

  for (const change of changes) {
    await db.ticketEvent.create({
      data: {
        ticketId: ticket.id,
        type: EVENT_TYPES[change.field],
        actorType: actor.type,
        actorId: actor.id,
        actorLabel: actor.label,
        detail: { from: change.from, to: change.to } as Prisma.InputJsonValue,
        occurredAt: now,
      } as Prisma.TicketEventUncheckedCreateInput,
    });
    // Ids and enum values only: no customer data in the audit log.
    await recordAudit({
      db,
      actor,
      action: EVENT_TYPES[change.field],
      entityType: "Ticket",
      entityId: ticket.id,
      before: { [change.field]: change.from },
      after: { [change.field]: change.to },
      metadata: { number: ticket.number },
      correlationId,
    });
  }
  return { ticket: present(updated), changes };
}

function staleConflict(current: Date | null): AppError {
  return new AppError("CONFLICT", "Someone else changed this ticket since you loaded it. Reload the page to see their change, then try again.", {
    details: { reason: "stale", ...(current ? { currentUpdatedAt: current.toISOString() } : {}) },
  });
}

function present(ticket: {
  id: string;
  number: number;
  status: string;
  priority: string;
  assigneeId: string | null;
  updatedAt: Date;
  solvedAt: Date | null;
  closedAt: Date | null;
  lastActivityAt: Date;
}): UpdateTicketResult["ticket"] {
  return {
    id: ticket.id,
    number: ticket.number,
    status: ticket.status,
    priority: ticket.priority,
    assigneeId: ticket.assigneeId,
    updatedAt: ticket.updatedAt.toISOString(),
    solvedAt: ticket.solvedAt?.toISOString() ?? null,
    closedAt: ticket.closedAt?.toISOString() ?? null,
    lastActivityAt: ticket.lastActivityAt.toISOString(),
  };
}
