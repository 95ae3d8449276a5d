import type { Prisma } from "@prisma/client";
import { applyRedactionRecord } from "../compliance/apply-redaction-record.server";
import type { DbClient, ScopedDb } from "../lib/tenancy.server";
import { buildSnapshot } from "./build-snapshot";
import type { OrderContext } from "./schema";

export type StoreOutcome = "created" | "updated" | "unchanged" | "stale";

export interface StoreOrderContextResult {
  outcome: StoreOutcome;
  orderId: string | null;
  version: number;
  eventsAdded: number;
}

/**
 * Writes one order's context: the Order row, a new snapshot version when the content changed,
 * and any timeline events not yet recorded. Data older than what we hold (by Shopify's
 * updatedAt) changes nothing; identical data writes nothing.
 */
export async function storeOrderContext({ db, order }: { db: ScopedDb; order: OrderContext }): Promise<StoreOrderContextResult> {
  const built = buildSnapshot(order);
  // A customer who asked to be erased stays erased, whatever Shopify sends (docs/decisions/0014).
  const withRedaction = (tx: DbClient) => applyRedactionRecord(tx, order, built);
  return db.$transaction(async (tx) => {
    const { content, hash, row, events } = await withRedaction(tx);
    const existing = await tx.order.findFirst({ where: { shopifyId: row.shopifyId } });
    if (existing && existing.shopifyUpdatedAt > row.shopifyUpdatedAt) {
      return { outcome: "stale", orderId: existing.id, version: existing.snapshotVersion, eventsAdded: 0 };
    }
    const latest = existing ? await tx.orderSnapshot.findFirst({ where: { orderId: existing.id }, orderBy: { version: "desc" }, select: { contentHash: true, version: true } }) : null;
    if (existing && latest?.contentHash === hash) {
      return { outcome: "unchanged", orderId: existing.id, version: latest.version, eventsAdded: 0 };
    }

    const version = (latest?.version ?? 0) + 1;
    const order = existing
      ? await tx.order.update({ where: { id: existing.id }, data: { ...row, snapshotVersion: version, lastIngestedAt: new Date() } })
      : await tx.order.create({ data: { ...row, snapshotVersion: version } as Prisma.OrderUncheckedCreateInput });
    await tx.orderSnapshot.create({
      data: { orderId: order.id, version, contentHash: hash, content: content as unknown as Prisma.InputJsonValue, sourceUpdatedAt: row.shopifyUpdatedAt } as Prisma.OrderSnapshotUncheckedCreateInput,
    });
    const added = await tx.orderTimelineEvent.createMany({
      data: events.map((event) => ({
        orderId: order.id,
        dedupeKey: event.dedupeKey,
        type: event.type,
        occurredAt: new Date(event.occurredAt),
        source: "shopify",
        title: event.title,
        detail: (event.detail ?? undefined) as Prisma.InputJsonValue | undefined,
      })) as Prisma.OrderTimelineEventCreateManyInput[],
      skipDuplicates: true,
    });
    return { outcome: existing ? "updated" : "created", orderId: order.id, version, eventsAdded: added.count };
  });
}
