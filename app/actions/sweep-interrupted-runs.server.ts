/**
 * Runs a dead process left "running": it died (a deploy, a crash, kill -9) between a run's
 * attempt and its outcome, so nobody will record one unless someone resumes it. The sweep finds
 * every running run whose heartbeat stopped (resume-run.server.ts: STALE_AFTER_MS) and resumes
 * it in place, as a retry with the same Idempotency-Key would: Shopify is asked what happened,
 * the action is reconciled or completed within its own lineage (never a second refund, discount
 * or return), and the outcome is recorded, which answers the request's key too. What cannot be
 * completed fails into an exception, like any failure. Runs by the `runs.resume` job every
 * minute and when a worker starts, so work a crash interrupted finishes within seconds of the
 * restart, with nobody pressing anything.
 */
import type { Actor } from "../audit/types";
import type { ScopedDb } from "../lib/tenancy.server";
import type { AdminClient } from "../shopify/admin-client.server";
import { ACTION_REGISTRY } from "./registry.server";
import { resumeRun, STALE_AFTER_MS, staleRunning } from "./resume-run.server";

const SWEEPER: Actor = { type: "system", id: null, label: "Interrupted-run check" };

export interface SweepInterruptedRunsOptions {
  db: ScopedDb;
  shopId: string;
  correlationId: string;
  /** The shop's offline access, asked for only when there is a run to resume. */
  shopify: () => Promise<AdminClient>;
  now?: Date;
}

export async function sweepInterruptedRuns({ db, shopId, correlationId, shopify, now = new Date() }: SweepInterruptedRunsOptions): Promise<number> {
  const cutoff = new Date(now.getTime() - STALE_AFTER_MS);
  // By type as well: the (shopId, type, status) index then finds the few running runs without
  // reading the shop's whole run history.
  const stuck = await db.run.findMany({
    where: { type: { in: [...ACTION_REGISTRY.keys()] }, ...staleRunning(cutoff) },
    select: { id: true },
    orderBy: { startedAt: "asc" },
    take: 100,
  });
  if (stuck.length === 0) return 0;
  const client = await shopify();
  let resumed = 0;
  for (const run of stuck) {
    if ((await resumeRun({ db, shopId, runId: run.id, shopify: client, correlationId, resumedBy: SWEEPER, now })) === "resumed") resumed++;
  }
  return resumed;
}
