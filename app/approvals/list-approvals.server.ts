import type { Prisma } from "@prisma/client";
import { ACTION_REGISTRY } from "../actions/registry.server";
import { AppError } from "../lib/app-error";
import { afterCursor, decodeCursor, encodeCursor } from "../lib/cursor";
import type { ScopedDb } from "../lib/tenancy.server";
import { expireApprovals } from "./expire-approvals.server";
import type { ApprovalFilters } from "./schema";

export interface ApprovalRow {
  id: string;
  runId: string;
  actionType: string;
  actionLabel: string;
  status: string;
  preview: string;
  reason: string;
  amount: string | null;
  currencyCode: string | null;
  requestedBy: string;
  /** The viewer asked for it: the two-person rule keeps them from approving it. */
  mine: boolean;
  decidedBy: string | null;
  decisionNote: string | null;
  ticket: { id: string; number: number } | null;
  order: { id: string; name: string } | null;
  createdAt: string;
  expiresAt: string;
  decidedAt: string | null;
}

/** The Approvals inbox. Expired requests are closed first, so none is ever shown as pending. */
export async function listApprovals(db: ScopedDb, filters: ApprovalFilters, viewer: { type: string; id: string | null }, correlationId: string) {
  const cursor = filters.cursor ? decodeCursor(filters.cursor) : null;
  if (filters.cursor && !cursor) throw new AppError("VALIDATION", "Some filters are invalid", { fields: { cursor: ["Malformed cursor"] } });
  await expireApprovals({ db, correlationId });
  const where: Prisma.ApprovalRequestWhereInput = {
    ...(filters.status === "all" ? {} : { status: filters.status }),
    ...(filters.actionType ? { actionType: filters.actionType } : {}),
    ...afterCursor(cursor),
  };
  const rows = await db.approvalRequest.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: filters.limit + 1 });
  const page = rows.slice(0, filters.limit);
  const ticketIds = [...new Set(page.map((row) => row.ticketId).filter((id): id is string => !!id))];
  const orderIds = [...new Set(page.map((row) => row.orderId).filter((id): id is string => !!id))];
  const tickets = ticketIds.length ? await db.ticket.findMany({ where: { id: { in: ticketIds } }, select: { id: true, number: true } }) : [];
  const orders = orderIds.length ? await db.order.findMany({ where: { id: { in: orderIds } }, select: { id: true, name: true } }) : [];
  const ticketById = new Map(tickets.map((ticket) => [ticket.id, ticket]));
  const orderById = new Map(orders.map((order) => [order.id, order]));
  const last = page.at(-1);
  return {
    rows: page.map(
      (row): ApprovalRow => ({
        id: row.id,
        runId: row.runId,
        actionType: row.actionType,
        actionLabel: ACTION_REGISTRY.get(row.actionType)?.label ?? row.actionType,
        status: row.status,
        preview: row.preview,
        reason: row.reason,
        amount: row.amount,
        currencyCode: row.currencyCode,
        requestedBy: row.requestedByLabel ?? row.requestedByType,
        mine: row.requestedByType === viewer.type && row.requestedById === viewer.id,
        decidedBy: row.decidedByLabel,
        decisionNote: row.decisionNote,
        ticket: (row.ticketId && ticketById.get(row.ticketId)) || null,
        order: (row.orderId && orderById.get(row.orderId)) || null,
        createdAt: row.createdAt.toISOString(),
        expiresAt: row.expiresAt.toISOString(),
        decidedAt: row.decidedAt?.toISOString() ?? null,
      }),
    ),
    nextCursor: rows.length > filters.limit && last ? encodeCursor(last) : null,
  };
}
