import type { DbClient } from "../lib/tenancy.server";

export interface IngestionStatus {
  backfill: { status: string; ordersDone: number; total: number; startedAt: string | null; completedAt: string | null; error: string | null };
  ordersStored: number;
  lastReconciledAt: string | null;
}

/** What the home page shows about ingestion; read from our database only. */
export async function getIngestionStatus({ db }: { db: DbClient }): Promise<IngestionStatus> {
  const [state, ordersStored] = await Promise.all([db.ingestionState.findFirst({}), db.order.count()]);
  return {
    backfill: {
      // "starting" is the step's own claim (run-backfill.server.ts); to staff it is still queued.
      status: state?.backfillStatus === "starting" ? "queued" : (state?.backfillStatus ?? "idle"),
      ordersDone: state?.backfillOrdersDone ?? 0,
      total: state?.backfillObjectCount ?? 0,
      startedAt: state?.backfillStartedAt?.toISOString() ?? null,
      completedAt: state?.backfillCompletedAt?.toISOString() ?? null,
      error: state?.backfillError ?? null,
    },
    ordersStored,
    lastReconciledAt: state?.lastReconciledAt?.toISOString() ?? null,
  };
}
