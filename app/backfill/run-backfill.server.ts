/**
 * Backfill on install through a Bulk Operation (the backfill.process job, re-entered until done):
 *   idle/queued/failed -> claim "starting" -> start bulkOperationRunQuery -> running
 *   running     -> poll bulkOperation(id) (the bulk_operations/finish webhook also wakes us)
 *   completed   -> stream the JSONL, store each order, checkpoint progress -> done
 * Progress (orders stored, lines read) is checkpointed, so a crash resumes where it stopped;
 * re-storing an order is harmless (unchanged data writes nothing). An import runs in slices
 * of at most `sliceMs`, so no job runs longer than its queue's expiry (docs/decisions/0016).
 */
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import prisma from "../db.server";
import { AppError, fieldErrors } from "../lib/app-error";
import { logger } from "../lib/logger.server";
import { scopedDb } from "../lib/tenancy.server";
import { ZOrderContext } from "../orders/schema";
import { storeOrderContext } from "../orders/store-order-context.server";
import { assertNoUserErrors, type AdminClient } from "../shopify/admin-client.server";
import type { BulkOperationRunQueryMutation, BulkOperationStatusQuery } from "../shopify/admin.generated";
import { BULK_OPERATION_RUN_QUERY, BULK_OPERATION_STATUS_QUERY, BULK_ORDERS_QUERY } from "../shopify/documents";
import { assembleOrders } from "./jsonl-orders";

/** `importing`: a slice ended before the file did; run the next step at once. */
export type BackfillStep = "started" | "waiting" | "importing" | "imported" | "failed" | "done";

const CHECKPOINT_EVERY = 100;
/** An import slice stops after this long (the backfill queue expires jobs after 90 s). */
export const BACKFILL_SLICE_MS = 15_000;
/**
 * A start claimed this long ago and never recorded died with its process (between the claim
 * and the bulk operation's answer): it may be claimed again. Far above one mutation's time.
 */
const START_CLAIM_STALE_MS = 2 * 60_000;

export interface RunBackfillOptions {
  shopDomain: string;
  client: AdminClient;
  fetchFile?: typeof fetch;
  /** Longest import slice (default BACKFILL_SLICE_MS). */
  sliceMs?: number;
  /** True when the process is shutting down: checkpoint and hand the rest to the next step. */
  shouldStop?: () => boolean;
}

export async function runBackfill({ shopDomain, client, fetchFile = fetch, sliceMs = BACKFILL_SLICE_MS, shouldStop = () => false }: RunBackfillOptions): Promise<BackfillStep> {
  const shop = await prisma.shop.findUnique({ where: { domain: shopDomain } });
  if (!shop || shop.uninstalledAt) return "done";
  const db = scopedDb(shop.id);
  const state = await db.ingestionState.upsert({ where: { shopId: shop.id }, create: { shopId: shop.id }, update: {} });

  if (state.backfillStatus === "completed") return "done";

  if (["idle", "queued", "failed", "starting"].includes(state.backfillStatus)) {
    // Only one step starts the bulk operation, even if two run at once (two processes, or a
    // step retried while the first one still runs): the conditional update is the claim.
    const claimed = await db.ingestionState.updateMany({
      where: {
        shopId: shop.id,
        OR: [{ backfillStatus: { in: ["idle", "queued", "failed"] } }, { backfillStatus: "starting", updatedAt: { lt: new Date(Date.now() - START_CLAIM_STALE_MS) } }],
      },
      data: { backfillStatus: "starting", backfillRequestedAt: state.backfillRequestedAt ?? new Date() },
    });
    if (claimed.count === 0) return "waiting";
    const data = await client.request<BulkOperationRunQueryMutation>(
      "BulkOperationRunQuery",
      BULK_OPERATION_RUN_QUERY,
      { query: BULK_ORDERS_QUERY.replace("#graphql", "") },
      10,
    );
    assertNoUserErrors("bulkOperationRunQuery", data.bulkOperationRunQuery);
    if (!data.bulkOperationRunQuery?.bulkOperation) throw new AppError("UPSTREAM", "Shopify started no bulk operation");
    await db.ingestionState.update({
      where: { shopId: shop.id },
      data: {
        backfillStatus: "running",
        bulkOperationId: data.bulkOperationRunQuery.bulkOperation.id,
        backfillStartedAt: new Date(),
        backfillCompletedAt: null,
        backfillOrdersDone: 0,
        backfillLinesDone: 0,
        backfillObjectCount: 0,
        backfillError: null,
      },
    });
    return "started";
  }

  const status = await client.request<BulkOperationStatusQuery>("BulkOperationStatus", BULK_OPERATION_STATUS_QUERY, { id: state.bulkOperationId }, 1);
  const operation = status.bulkOperation;
  if (!operation) return fail(shop.id, "The bulk operation is gone");
  if (operation.status === "CREATED" || operation.status === "RUNNING") {
    await db.ingestionState.update({ where: { shopId: shop.id }, data: { backfillObjectCount: Number(operation.rootObjectCount || 0) } });
    return "waiting";
  }
  if (operation.status !== "COMPLETED") return fail(shop.id, `Bulk operation ${operation.status.toLowerCase()}${operation.errorCode ? ` (${operation.errorCode})` : ""}`);

  const total = Number(operation.rootObjectCount || 0);
  await db.ingestionState.update({ where: { shopId: shop.id }, data: { backfillStatus: "importing", backfillObjectCount: total } });
  if (operation.url) {
    const response = await fetchFile(operation.url);
    if (!response.ok || !response.body) throw new AppError("UPSTREAM", `Bulk result download failed (${response.status})`);
    const input = Readable.fromWeb(response.body as unknown as WebReadableStream);
    const deadline = Date.now() + sliceMs;
    let done = state.backfillOrdersDone;
    let lastLine = state.backfillLinesDone;
    const checkpoint = () => db.ingestionState.update({ where: { shopId: shop.id }, data: { backfillOrdersDone: done, backfillLinesDone: lastLine } });
    for await (const { order, line } of assembleOrders(input, { skipLines: state.backfillLinesDone })) {
      const parsed = ZOrderContext.safeParse({ ...order, events: { nodes: [] } });
      if (!parsed.success) {
        logger.warn({ shop: shopDomain, line, fields: fieldErrors(parsed.error.issues) }, "backfill skipped an order it could not read");
      } else {
        await storeOrderContext({ db, order: parsed.data });
      }
      done++;
      lastLine = line;
      if (done % CHECKPOINT_EVERY === 0) await checkpoint();
      if (Date.now() >= deadline || shouldStop()) {
        // Leaving the loop closes the download; the next step resumes after `lastLine`.
        await checkpoint();
        input.destroy();
        return "importing";
      }
    }
    await checkpoint();
  }
  await db.ingestionState.update({ where: { shopId: shop.id }, data: { backfillStatus: "completed", backfillCompletedAt: new Date(), reconcileCursor: new Date() } });
  return "imported";
}

async function fail(shopId: string, message: string): Promise<BackfillStep> {
  await scopedDb(shopId).ingestionState.update({ where: { shopId }, data: { backfillStatus: "failed", backfillError: message } });
  return "failed";
}
