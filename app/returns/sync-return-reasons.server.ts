/**
 * Fetches the shop's return reasons from Shopify (returnReasonDefinitions, every page, in name
 * order) and stores them as the shop's library, replacing the previous copy in one write.
 * Deleted reasons are stored too: they are not offered, but a return may still name one.
 */
import { AppError } from "../lib/app-error";
import type { DbClient } from "../lib/tenancy.server";
import type { AdminClient } from "../shopify/admin-client.server";
import type { ReturnReasonDefinitionsQuery } from "../shopify/admin.generated";
import { RETURN_REASON_DEFINITIONS_QUERY, RETURN_REASON_DEFINITIONS_REQUESTED_COST } from "../shopify/documents";
import { ZStoredReturnReasons, type ReturnReasonDefinition } from "./schema";

/** Shopify's largest page. */
const PAGE_SIZE = 250;
/**
 * The library holds about 360 reasons; 20 pages (5,000) is far beyond it and stops a cursor
 * that never ends from looping for ever.
 */
const MAX_PAGES = 20;

export interface SyncReturnReasonsOptions {
  db: DbClient;
  shopId: string;
  shopify: AdminClient;
}

export async function syncReturnReasons({ db, shopId, shopify }: SyncReturnReasonsOptions): Promise<{ definitions: ReturnReasonDefinition[]; fetchedAt: Date }> {
  const definitions: ReturnReasonDefinition[] = [];
  let after: string | null = null;
  for (let page = 1; ; page++) {
    const data: ReturnReasonDefinitionsQuery = await shopify.request<ReturnReasonDefinitionsQuery>(
      "ReturnReasonDefinitions",
      RETURN_REASON_DEFINITIONS_QUERY,
      { first: PAGE_SIZE, after },
      RETURN_REASON_DEFINITIONS_REQUESTED_COST,
    );
    const { nodes, pageInfo } = data.returnReasonDefinitions;
    definitions.push(...nodes.map(({ id, handle, name, deleted }) => ({ id, handle, name, deleted })));
    if (!pageInfo.hasNextPage) break;
    if (!pageInfo.endCursor || pageInfo.endCursor === after || page >= MAX_PAGES) {
      throw new AppError("UPSTREAM", "Shopify's list of return reasons did not end: try again later");
    }
    after = pageInfo.endCursor;
  }
  // Shopify's answer is checked like any input before it is stored.
  const parsed = ZStoredReturnReasons.safeParse(definitions);
  if (!parsed.success) throw new AppError("UPSTREAM", "Shopify answered return reasons in a shape the app does not know");
  const fetchedAt = new Date();
  await db.returnReasonLibrary.upsert({
    where: { shopId },
    create: { shopId, definitions: parsed.data, fetchedAt },
    update: { definitions: parsed.data, fetchedAt },
  });
  return { definitions: parsed.data, fetchedAt };
}
