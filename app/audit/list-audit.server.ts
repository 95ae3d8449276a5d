import type { Prisma } from "@prisma/client";
import { AppError } from "../lib/app-error";
import { afterCursor, decodeCursor, encodeCursor } from "../lib/cursor";
import type { DbClient } from "../lib/tenancy.server";
import type { AuditFilters } from "./schema";

export interface AuditRow {
  id: string;
  createdAt: string;
  actorType: string;
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  correlationId: string;
}

export function auditWhere(filters: Omit<AuditFilters, "cursor" | "limit">): Prisma.AuditLogWhereInput {
  return {
    ...(filters.actorType ? { actorType: filters.actorType } : {}),
    ...(filters.actorId ? { actorId: filters.actorId } : {}),
    ...(filters.action ? { action: filters.action } : {}),
    ...(filters.entityType ? { entityType: filters.entityType } : {}),
    ...(filters.from || filters.to ? { createdAt: { ...(filters.from ? { gte: filters.from } : {}), ...(filters.to ? { lte: filters.to } : {}) } } : {}),
  };
}

/** One page of the audit log, newest first, with keyset pagination. */
export async function listAudit({ db, filters }: { db: DbClient; filters: AuditFilters }): Promise<{ rows: AuditRow[]; nextCursor: string | null }> {
  const cursor = filters.cursor ? decodeCursor(filters.cursor) : null;
  if (filters.cursor && !cursor) throw new AppError("VALIDATION", "Malformed cursor", { fields: { cursor: ["Malformed cursor"] } });
  const rows = await db.auditLog.findMany({
    where: { AND: [auditWhere(filters), afterCursor(cursor)] },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: filters.limit + 1,
    select: { id: true, createdAt: true, actorType: true, actorId: true, actorLabel: true, action: true, entityType: true, entityId: true, correlationId: true },
  });
  const page = rows.slice(0, filters.limit);
  const last = page.at(-1);
  return {
    rows: page.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() })),
    nextCursor: rows.length > filters.limit && last ? encodeCursor(last) : null,
  };
}
