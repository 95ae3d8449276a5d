/**
 * Runs a dead process left "running": it died (a deploy, a crash) between a run's attempt and
 * its outcome, so nobody will ever record one. After INTERRUPTED_AFTER_MS (far beyond the
 * longest action, a cancellation followed for about 16 s) such a run is failed with an
 * exception, like any failure, so staff see it on the Exceptions page and can retry it.
 *
 * A retry is safe for every action, whether or not Shopify applied the first attempt: local
 * actions wrote nothing (their writes share the success transaction); refunds reuse their
 * idempotency key; a discount or a return finds what the earlier attempt created; tags, notes,
 * tracking and an address set the same values again (or are refused as already done); a second
 * cancel is refused by Shopify. The claim is conditional, so a run that finishes meanwhile wins.
 */
import type { Actor } from "../audit/types";
import { AppError } from "../lib/app-error";
import type { ScopedDb } from "../lib/tenancy.server";
import { loadTarget } from "./load-target.server";
import { writeFailure } from "./perform-run.server";
import { ACTION_REGISTRY } from "./registry.server";

export const INTERRUPTED_AFTER_MS = 15 * 60_000;

const SWEEPER: Actor = { type: "system", id: null, label: "Interrupted-run check" };

const INTERRUPTED = "The app stopped while this action was running, so its outcome was never recorded. Check the order in Shopify; Retry is safe: it finds what an earlier attempt already did.";

export async function sweepInterruptedRuns({ db, shopId, correlationId, now = new Date() }: { db: ScopedDb; shopId: string; correlationId: string; now?: Date }): Promise<number> {
  const cutoff = new Date(now.getTime() - INTERRUPTED_AFTER_MS);
  // By type as well: the (shopId, type, status) index then finds the few running runs without
  // reading the shop's whole run history every ten minutes.
  const stuck = await db.run.findMany({
    where: { type: { in: [...ACTION_REGISTRY.keys()] }, status: "running", startedAt: { lt: cutoff } },
    select: { id: true, type: true, input: true, parentRunId: true },
    orderBy: { startedAt: "asc" },
    take: 100,
  });
  let swept = 0;
  for (const run of stuck) {
    const action = ACTION_REGISTRY.get(run.type)!; // the query asked for registered types only
    const stored = run.input as { target?: { kind?: "ticket" | "order"; id?: string } } | null;
    const target = stored?.target?.kind && stored.target.id ? await loadTarget(db, stored.target.kind, stored.target.id).catch(() => null) : null;
    const rootRunId = run.parentRunId ?? run.id;
    const attempt = await db.run.count({ where: { OR: [{ id: rootRunId }, { parentRunId: rootRunId }] } });
    const failed = await db.$transaction(async (tx) => {
      const claimed = await tx.run.updateMany({ where: { id: run.id, status: "running", startedAt: { lt: cutoff } }, data: { status: "failed" } });
      if (claimed.count === 0) return false;
      await writeFailure(
        tx,
        // A target deleted since (a redacted shop's ticket, say) still gets its run failed.
        { shopId, actor: SWEEPER, correlationId, action, target: target ?? { kind: stored?.target?.kind ?? "order", id: stored?.target?.id ?? "", ticket: null, order: null }, runId: run.id, rootRunId, attempt },
        new AppError("INTERNAL", INTERRUPTED),
      );
      return true;
    });
    if (failed) swept++;
  }
  return swept;
}
