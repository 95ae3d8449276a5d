/**
 * The reasons the return form offers: the shop's stored library (pages render from our
 * database), fetched from Shopify when there is none yet, when it is a day old, or when staff
 * ask for a refresh. Shopify's library changes with its product taxonomy, a few times a year:
 * a day is fresh enough and costs one or two queries per shop per day at most.
 */
import type { DbClient } from "../lib/tenancy.server";
import { logger } from "../lib/logger.server";
import type { AdminClient } from "../shopify/admin-client.server";
import { ZStoredReturnReasons, type ReturnReasonList } from "./schema";
import { syncReturnReasons } from "./sync-return-reasons.server";

export const RETURN_REASONS_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export interface ListReturnReasonsOptions {
  db: DbClient;
  shopId: string;
  shopify: AdminClient;
  correlationId: string;
  /** Ask Shopify now, whatever the stored copy's age (and fail if Shopify cannot answer). */
  refresh?: boolean;
}

export async function listReturnReasons({ db, shopId, shopify, correlationId, refresh = false }: ListReturnReasonsOptions): Promise<ReturnReasonList> {
  const row = await db.returnReasonLibrary.findUnique({ where: { shopId } });
  const parsed = row ? ZStoredReturnReasons.safeParse(row.definitions) : null;
  let library = row && parsed?.success ? { definitions: parsed.data, fetchedAt: row.fetchedAt } : null;
  let stale = false;
  if (!library || refresh || Date.now() - library.fetchedAt.getTime() >= RETURN_REASONS_MAX_AGE_MS) {
    try {
      library = await syncReturnReasons({ db, shopId, shopify });
    } catch (error) {
      // A day-old list still names real reasons (Shopify keeps retired ones valid): better
      // than no form. Nothing stored, or a refresh someone asked for, fails visibly.
      if (!library || refresh) throw error;
      logger.warn({ correlationId, shopId, err: error instanceof Error ? error.message : String(error) }, "return reasons: refresh failed, serving the stored list");
      stale = true;
    }
  }
  return {
    reasons: library.definitions.filter((definition) => !definition.deleted).map(({ id, handle, name }) => ({ id, handle, name })),
    fetchedAt: library.fetchedAt.toISOString(),
    stale,
  };
}
