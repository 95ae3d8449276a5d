import type { Prisma } from "@prisma/client";
import type { DbClient } from "../lib/tenancy.server";
import type { Actor } from "./types";

export interface RecordAuditOptions {
  /** The caller's (scoped) client or transaction: the audit row commits with the change. */
  db: DbClient;
  actor: Actor;
  action: string;
  entityType: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
  metadata?: Record<string, unknown>;
  correlationId: string;
}

const asJson = (value: unknown) => (value === undefined || value === null ? undefined : (JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue));

/**
 * Appends one audit row. Pass the transaction client of the change it describes so both
 * commit together or not at all. The table is append-only (database trigger).
 */
export async function recordAudit(options: RecordAuditOptions): Promise<{ id: string }> {
  return options.db.auditLog.create({
    data: {
      actorType: options.actor.type,
      actorId: options.actor.id,
      actorLabel: options.actor.label,
      action: options.action,
      entityType: options.entityType,
      entityId: options.entityId ?? null,
      before: asJson(options.before),
      after: asJson(options.after),
      metadata: asJson(options.metadata),
      correlationId: options.correlationId,
    } as Prisma.AuditLogUncheckedCreateInput,
    select: { id: true },
  });
}
