/**
 * Resuming a run whose process died mid-flight (docs/decisions/0011). A run is `running` from
 * the commit that starts it to the commit that records its outcome; in between, the action may
 * have happened in Shopify (a refund paid, an order cancelled) and the process killed before it
 * could say so. Such a run is never abandoned and never started again as a new run: the next
 * request with its Idempotency-Key, or the sweeper, resumes it in place, with the same run id and
 * lineage (so refundCreate's idempotency key is the same), after asking Shopify what happened
 * (the order re-ingested, `reconcile`), and records the outcome, which also answers the key.
 *
 * A run is taken for dead when its heartbeat (renewed every HEARTBEAT_MS by the executing
 * process) is older than STALE_AFTER_MS; the claim is a conditional update, so of a request and
 * the sweeper racing (or two instances) exactly one resumes it.
 */
import type { Prisma } from "@prisma/client";
import { recordAudit } from "../audit/record-audit.server";
import type { Actor } from "../audit/types";
import { AppError } from "../lib/app-error";
import { logger } from "../lib/logger.server";
import type { ScopedDb } from "../lib/tenancy.server";
import { ingestOrder } from "../orders/ingest-order.server";
import type { AdminClient } from "../shopify/admin-client.server";
import { loadTarget } from "./load-target.server";
import { HEARTBEAT_MS, holdLease, performRun, writeFailure, writeTimeline } from "./perform-run.server";
import { ACTION_REGISTRY } from "./registry.server";
import type { ActionTarget } from "./types";

/** Six missed heartbeats: far beyond a slow database write, far below a person's patience. */
export const STALE_AFTER_MS = 6 * HEARTBEAT_MS;

export type ResumeOutcome = "resumed" | "live" | "finished";

export interface ResumeRunOptions {
  db: ScopedDb;
  shopId: string;
  runId: string;
  /** Shopify access for the reconciliation and the attempt: the requester's, or the shop's offline token. */
  shopify: AdminClient;
  correlationId: string;
  /** Who noticed: the retrying request's actor, or the sweeper. Kept on the audit row. */
  resumedBy: Actor;
  now?: Date;
}

/** The `where` of a running run whose heartbeat is older than the cutoff. */
export function staleRunning(cutoff: Date): Prisma.RunWhereInput {
  return { status: "running", OR: [{ heartbeatAt: { lt: cutoff } }, { heartbeatAt: null, startedAt: { lt: cutoff } }, { heartbeatAt: null, startedAt: null }] };
}

export async function resumeRun(options: ResumeRunOptions): Promise<ResumeOutcome> {
  const { db, runId } = options;
  const now = options.now ?? new Date();
  const run = await db.run.findUnique({ where: { id: runId } });
  if (!run || run.status !== "running") return "finished";
  const cutoff = new Date(now.getTime() - STALE_AFTER_MS);
  const claimed = await db.run.updateMany({ where: { id: runId, ...staleRunning(cutoff) }, data: { heartbeatAt: now } });
  if (claimed.count === 0) return "live";

  const action = ACTION_REGISTRY.get(run.type);
  const actor: Actor = { type: run.actorType, id: run.actorId, label: run.actorLabel };
  const rootRunId = run.parentRunId ?? run.id;
  const attempt = await db.run.count({ where: { OR: [{ id: rootRunId }, { parentRunId: rootRunId }] } });
  const stored = (run.input ?? {}) as { target?: { kind?: "ticket" | "order"; id?: string }; input?: unknown };
  const parsed = action?.input.safeParse(stored.input);
  let target = stored.target?.kind && stored.target.id ? await loadTarget(db, stored.target.kind, stored.target.id).catch(() => null) : null;

  if (!action || !parsed?.success || !target) {
    // A vanished target (a redacted customer's ticket), an input customers/redact reduced, or an
    // action no longer registered: nothing can be sent again. The run fails into an exception
    // that says to check Shopify, like any failure.
    if (action) {
      const fallback: ActionTarget = target ?? { kind: stored.target?.kind ?? "order", id: stored.target?.id ?? "", ticket: null, order: null };
      await db.$transaction((tx) =>
        writeFailure(
          tx,
          { shopId: options.shopId, actor, correlationId: options.correlationId, action, target: fallback, runId, rootRunId, attempt },
          new AppError("INTERNAL", "The app stopped while this action was running, and it can no longer be resumed. Check the order in Shopify before doing it again."),
        ),
      );
    } else {
      logger.error({ correlationId: options.correlationId, runId, type: run.type }, "interrupted run of an unknown action type");
    }
    return "resumed";
  }

  if (target.order && action.perform) {
    // Shopify's state now, not our snapshot of before: the reconciliation reads it. The run is
    // ours from the claim on, so it keeps its lease while Shopify is asked (a throttled
    // re-fetch may take seconds).
    const lease = await holdLease({ db, runId, correlationId: options.correlationId });
    try {
      await ingestOrder({ db, client: options.shopify, shopifyId: target.order.shopifyId });
      target = await loadTarget(db, target.kind, target.id);
    } catch (error) {
      logger.warn({ correlationId: options.correlationId, runId, err: error instanceof Error ? error.message : String(error) }, "re-ingest before resuming a run failed");
    } finally {
      lease?.release();
    }
    if (!lease || !(await lease.renew())) return "live";
  }

  await db.$transaction(async (tx) => {
    await recordAudit({
      db: tx,
      actor: options.resumedBy,
      action: "action.resumed",
      entityType: "Run",
      entityId: runId,
      after: { actionType: action.type, status: "running" },
      metadata: { rootRunId, attempt, requestedBy: actor.label, lastHeartbeat: (run.heartbeatAt ?? run.startedAt)?.toISOString() ?? null },
      correlationId: options.correlationId,
    });
    await writeTimeline(tx, { actor, action, runId, rootRunId, target: target! }, "resumed", `${action.label} resumed after the app stopped mid-way`, now);
  });
  await performRun({ db, shopId: options.shopId, actor, correlationId: options.correlationId, action, target, input: parsed.data, runId, rootRunId, attempt, shopify: options.shopify, resumed: true });
  return "resumed";
}
