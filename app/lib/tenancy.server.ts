/**
 * Tenancy by construction (docs/decisions/0006): domain code never touches the base Prisma
 * client for tenant tables. It gets `scopedDb(shopId)`, a client extension that adds
 * `shopId` to every where clause and every created row of the tenant models, so a query
 * that forgets the shop cannot be written: it is scoped anyway.
 */
import prisma from "../db.server";

/** Models that belong to a shop. A new domain model is added here when it is created. */
export const TENANT_MODELS = new Set<string>([
  "StaffMember",
  "ActionPermission",
  "ActionLimit",
  "ApprovalRequest",
  "Role",
  "AuditLog",
  "IdempotencyKey",
  "Run",
  "RateLimitCounter",
  "Order",
  "OrderSnapshot",
  "OrderTimelineEvent",
  "IngestionState",
  "DataRequest",
  "CustomerRedaction",
  "TicketCounter",
  "Ticket",
  "TicketMessage",
  "TicketEvent",
  "Task",
  "ActionException",
  "IntakeSecret",
  "IntakeSignature",
  "ReturnReasonLibrary",
]);

const WHERE_OPERATIONS = new Set([
  "findUnique",
  "findUniqueOrThrow",
  "findFirst",
  "findFirstOrThrow",
  "findMany",
  "count",
  "aggregate",
  "groupBy",
  "update",
  "updateMany",
  "updateManyAndReturn",
  "delete",
  "deleteMany",
  "upsert",
]);

type Args = Record<string, unknown> & { where?: Record<string, unknown>; data?: unknown; create?: Record<string, unknown> };

function withShop(data: unknown, shopId: string): unknown {
  if (Array.isArray(data)) return data.map((row) => withShop(row, shopId));
  const row = data as Record<string, unknown>;
  if (row.shopId !== undefined && row.shopId !== shopId) {
    throw new Error(`tenancy: refusing to write a row for shop ${String(row.shopId)} through the client of shop ${shopId}`);
  }
  return { ...row, shopId };
}

/** A row never moves to another shop through an update. */
function refuseShopChange(data: Record<string, unknown> | undefined, shopId: string) {
  if (data && data.shopId !== undefined && data.shopId !== shopId) {
    throw new Error(`tenancy: refusing to move a row to shop ${String(data.shopId)} through the client of shop ${shopId}`);
  }
}

export function scopedDb(shopId: string) {
  if (!shopId) throw new Error("tenancy: scopedDb needs a shop id");
  return prisma.$extends({
    name: "tenancy",
    query: {
      $allModels: {
        async $allOperations({ model, operation, args, query }) {
          if (!TENANT_MODELS.has(model)) return query(args);
          const scoped = { ...(args as Args) };
          if (WHERE_OPERATIONS.has(operation)) {
            const where = scoped.where ?? {};
            if (where.shopId !== undefined && where.shopId !== shopId) {
              throw new Error(`tenancy: a ${model}.${operation} for another shop was refused`);
            }
            scoped.where = { ...where, shopId };
          }
          if (operation === "create" || operation === "createMany" || operation === "createManyAndReturn") {
            scoped.data = withShop(scoped.data, shopId);
          }
          if (operation === "upsert") {
            scoped.create = withShop(scoped.create, shopId) as Record<string, unknown>;
            refuseShopChange((scoped as { update?: Record<string, unknown> }).update, shopId);
          }
          if (operation === "update" || operation === "updateMany" || operation === "updateManyAndReturn") {
            refuseShopChange(scoped.data as Record<string, unknown> | undefined, shopId);
          }
          return query(scoped as typeof args);
        },
      },
    },
  });
}

export type ScopedDb = ReturnType<typeof scopedDb>;
/** What domain functions take: a scoped client or one of its interactive transactions. */
export type DbClient = Omit<ScopedDb, "$connect" | "$disconnect" | "$on" | "$transaction" | "$use" | "$extends">;
