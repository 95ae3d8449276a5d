/**
 * The one way a route reaches the domain: authenticate the Shopify session token, resolve the
 * staff member and their role, check the permission, rate-limit writes, then run the handler;
 * every error leaves as the standard error body with the correlation id.
 */
import type { AdminApiContext } from "@shopify/shopify-app-remix/server";
import type { Session } from "@shopify/shopify-api";
import { consumeRateLimit, type RateLimitRule } from "../ratelimit/consume-rate-limit.server";
import type { Permission } from "../rbac/permissions";
import { requirePermission } from "../rbac/require-permission.server";
import { resolveStaff, type StaffIdentity } from "../staff/resolve-staff.server";
import { AppError } from "./app-error";
import { authenticateAdmin } from "./authenticate-admin.server";
import { correlationIdFrom } from "./correlation.server";
import { guard } from "./http.server";

export interface RequestContext extends StaffIdentity {
  request: Request;
  correlationId: string;
  admin: AdminApiContext;
  session: Session;
}

export interface WithStaffOptions {
  /** The permission the handler needs; null for pages every staff member may open. */
  permission: Permission | null;
  /**
   * Write limits per staff member and per shop (per minute). `false` when the handler applies
   * them itself: idempotent endpoints count executions, not replays (withIdempotency).
   */
  rateLimit?: WriteLimit | false;
}

export interface WriteLimit {
  perStaff: number;
  perShop: number;
}

export const DEFAULT_WRITE_LIMIT: WriteLimit = { perStaff: 60, perShop: 600 };

export function writeLimitRules(ctx: Pick<RequestContext, "staff">, limit: WriteLimit = DEFAULT_WRITE_LIMIT): RateLimitRule[] {
  return [
    { bucket: `staff:${ctx.staff.id}`, limit: limit.perStaff, windowSeconds: 60 },
    { bucket: "shop", limit: limit.perShop, windowSeconds: 60 },
  ];
}
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export async function withStaff<T>(request: Request, options: WithStaffOptions, handler: (ctx: RequestContext) => Promise<T>): Promise<T> {
  const correlationId = correlationIdFrom(request);
  return guard(correlationId, async () => {
    const { admin, session, sessionToken } = await authenticateAdmin(request, correlationId);
    const userId = sessionToken?.sub ?? session.onlineAccessInfo?.associated_user.id;
    if (!userId) throw new AppError("UNAUTHENTICATED", "The session token names no staff member");
    const identity = await resolveStaff({ shopDomain: session.shop, userId: String(userId), session, correlationId });
    const ctx: RequestContext = { ...identity, request, correlationId, admin, session };
    if (options.permission) await requirePermission(ctx, options.permission);
    if (!SAFE_METHODS.has(request.method.toUpperCase()) && options.rateLimit !== false) {
      await consumeRateLimit({ shopId: ctx.shop.id, rules: writeLimitRules(ctx, options.rateLimit) });
    }
    return handler(ctx);
  }, { path: new URL(request.url).pathname });
}
