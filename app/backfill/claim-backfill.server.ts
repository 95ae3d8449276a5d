import type { DbClient } from "../lib/tenancy.server";

export interface ClaimBackfillOptions {
  /** The shop's scoped client, or one of its transactions (the install's). */
  db: DbClient;
  shopId: string;
}

/**
 * Claims a shop's first order import: true for exactly one caller, however many installs,
 * first loads or sweeps race for it (docs/decisions/0016). The row is created if missing
 * (INSERT ... ON CONFLICT DO NOTHING), then `backfillRequestedAt IS NULL` is the claim: under
 * READ COMMITTED a second UPDATE waits for the first to commit and then matches nothing. The
 * caller enqueues the backfill only when it won, after its transaction committed.
 */
export async function claimBackfill({ db, shopId }: ClaimBackfillOptions): Promise<boolean> {
  await db.ingestionState.createMany({ data: [{ shopId }], skipDuplicates: true });
  const claimed = await db.ingestionState.updateMany({
    where: { shopId, backfillRequestedAt: null },
    data: { backfillRequestedAt: new Date(), backfillStatus: "queued" },
  });
  return claimed.count === 1;
}
