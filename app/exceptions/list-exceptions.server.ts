import type { Prisma } from "@prisma/client";
import { ACTION_REGISTRY } from "../actions/registry.server";
import { AppError } from "../lib/app-error";
import { afterCursor, decodeCursor, encodeCursor } from "../lib/cursor";
import type { DbClient } from "../lib/tenancy.server";
import type { ExceptionFilters } from "./schema";

export interface ExceptionRow {
  id: string;
  actionType: string;
  actionLabel: string;
  reasonCode: string;
  message: string;
  status: string;
  attempts: number;
  rootRunId: string;
  lastRunId: string;
  ticket: { id: string; number: number } | null;
  order: { id: string; name: string } | null;
  createdAt: string;
  updatedAt: string;
  dismissedReason: string | null;
}

export async function listExceptions(db: DbClient, filters: ExceptionFilters) {
  const cursor = filters.cursor ? decodeCursor(filters.cursor) : null;
  if (filters.cursor && !cursor) throw new AppError("VALIDATION", "Some filters are invalid", { fields: { cursor: ["Malformed cursor"] } });
  const where: Prisma.ActionExceptionWhereInput = {
    ...(filters.status === "all" ? {} : { status: filters.status }),
    ...(filters.reasonCode ? { reasonCode: filters.reasonCode } : {}),
    ...(filters.actionType ? { actionType: filters.actionType } : {}),
    ...afterCursor(cursor),
  };
  const rows = await db.actionException.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: filters.limit + 1 });
  const page = rows.slice(0, filters.limit);
  const ticketIds = [...new Set(page.map((row) => row.ticketId).filter((id): id is string => !!id))];
  const orderIds = [...new Set(page.map((row) => row.orderId).filter((id): id is string => !!id))];
  const [tickets, orders] = await Promise.all([
    ticketIds.length ? db.ticket.findMany({ where: { id: { in: ticketIds } }, select: { id: true, number: true } }) : [],
    orderIds.length ? db.order.findMany({ where: { id: { in: orderIds } }, select: { id: true, name: true } }) : [],
  ]);
  const ticketById = new Map(tickets.map((ticket) => [ticket.id, ticket]));
  const orderById = new Map(orders.map((order) => [order.id, order]));
  const last = page.at(-1);
  return {
    rows: page.map(
      (row): ExceptionRow => ({
        id: row.id,
        actionType: row.actionType,
        actionLabel: ACTION_REGISTRY.get(row.actionType)?.label ?? row.actionType,
        reasonCode: row.reasonCode,
        message: row.message,
        status: row.status,
        attempts: row.attempts,
        rootRunId: row.rootRunId,
        lastRunId: row.lastRunId,
        ticket: (row.ticketId && ticketById.get(row.ticketId)) || null,
        order: (row.orderId && orderById.get(row.orderId)) || null,
        createdAt: row.createdAt.toISOString(),
        updatedAt: row.updatedAt.toISOString(),
        dismissedReason: row.dismissedReason,
      }),
    ),
    nextCursor: rows.length > filters.limit && last ? encodeCursor(last) : null,
  };
}
