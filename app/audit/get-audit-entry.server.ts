import { AppError } from "../lib/app-error";
import type { DbClient } from "../lib/tenancy.server";

export interface AuditChange {
  path: string;
  before: unknown;
  after: unknown;
}

/** Field-level differences between two JSON values (nested objects by dotted path). */
export function diffJson(before: unknown, after: unknown, path = ""): AuditChange[] {
  const isObject = (value: unknown): value is Record<string, unknown> => !!value && typeof value === "object" && !Array.isArray(value);
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => diffJson(before[key], after[key], path ? `${path}.${key}` : key));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path: path || "(value)", before: before ?? null, after: after ?? null }];
}

export async function getAuditEntry({ db, id }: { db: DbClient; id: string }) {
  const row = await db.auditLog.findUnique({ where: { id } });
  if (!row) throw new AppError("NOT_FOUND", "No such audit entry in this store");
  return {
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    actorType: row.actorType,
    actorId: row.actorId,
    actorLabel: row.actorLabel,
    action: row.action,
    entityType: row.entityType,
    entityId: row.entityId,
    correlationId: row.correlationId,
    before: row.before,
    after: row.after,
    metadata: row.metadata,
    changes: diffJson(row.before ?? undefined, row.after ?? undefined),
  };
}
