import { recordAudit } from "../audit/record-audit.server";
import { AppError } from "../lib/app-error";
import type { RequestContext } from "../lib/route.server";
import { PERMISSIONS, type Permission } from "./permissions";

/**
 * Throws FORBIDDEN (403, naming the permission) unless the actor's role grants it. A denial
 * is itself audited (`authz.denied`), committed even though the request fails.
 */
export async function requirePermission(ctx: RequestContext, permission: Permission): Promise<void> {
  if (ctx.role.permissions.has(permission)) return;
  await recordAudit({
    db: ctx.db,
    actor: ctx.actor,
    action: "authz.denied",
    entityType: "Permission",
    entityId: permission,
    metadata: { role: ctx.role.key, method: ctx.request.method, path: new URL(ctx.request.url).pathname },
    correlationId: ctx.correlationId,
  });
  throw new AppError("FORBIDDEN", `Your role (${ctx.role.name}) does not have the ${permission} permission: ${PERMISSIONS[permission]}.`, {
    details: { permission, role: ctx.role.key },
  });
}
