/**
 * "Refresh from Shopify": re-fetch one order's canonical context with the staff member's own
 * Admin API access and store it like any ingestion (a new snapshot version only when something
 * changed). Every refresh leaves an `order.refreshed` audit row with the snapshot version
 * before and after and the outcome, "unchanged" included, and failed attempts too.
 */
import { recordAudit } from "../audit/record-audit.server";
import { AppError } from "../lib/app-error";
import type { RequestContext } from "../lib/route.server";
import { adminClient } from "../shopify/admin-client.server";
import { ingestOrder } from "./ingest-order.server";

export type RefreshOutcome = "created" | "updated" | "unchanged" | "stale" | "missing";

export interface RefreshResult {
  outcome: RefreshOutcome;
  /** The order's snapshot version after the refresh. */
  version: number;
}

export async function refreshOrder({ ctx, orderId }: { ctx: RequestContext; orderId: string }): Promise<RefreshResult> {
  const order = await ctx.db.order.findUnique({ where: { id: orderId }, select: { id: true, shopifyId: true, snapshotVersion: true } });
  if (!order) throw new AppError("NOT_FOUND", "No such order in this store");
  const audit = (outcome: string, version: number, metadata: Record<string, unknown> = {}) =>
    recordAudit({
      db: ctx.db,
      actor: ctx.actor,
      action: "order.refreshed",
      entityType: "Order",
      entityId: order.id,
      before: { snapshotVersion: order.snapshotVersion },
      after: { snapshotVersion: version },
      metadata: { outcome, shopifyId: order.shopifyId, ...metadata },
      correlationId: ctx.correlationId,
    });

  let result: Awaited<ReturnType<typeof ingestOrder>>;
  try {
    result = await ingestOrder({ db: ctx.db, client: adminClient({ shop: ctx.shop.domain, graphql: ctx.admin.graphql }), shopifyId: order.shopifyId });
  } catch (error) {
    // A refresh that Shopify refused or that could not reach Shopify is on the record too.
    if (error instanceof AppError) await audit("failed", order.snapshotVersion, { errorCode: error.code });
    throw error;
  }
  // The ingestion commits in its own transaction (storeOrderContext); the audit row follows it.
  const version = result.outcome === "missing" ? order.snapshotVersion : result.version;
  await audit(result.outcome, version, result.outcome === "missing" ? {} : { eventsAdded: result.eventsAdded });
  return { outcome: result.outcome, version };
}
