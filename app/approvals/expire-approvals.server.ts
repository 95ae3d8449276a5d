/**
 * Pending approvals past their expiry close: the request becomes expired and its run
 * cancelled, audited as the system. Run by the maintenance job and before every inbox read and
 * decision, so an expired request can never be approved, whether or not the job has run yet.
 */
import { closeHeldRun } from "../actions/hold-run.server";
import { loadTarget } from "../actions/load-target.server";
import { findAction } from "../actions/run-action.server";
import { recordAudit } from "../audit/record-audit.server";
import { SYSTEM_ACTOR } from "../audit/types";
import type { ScopedDb } from "../lib/tenancy.server";

export async function expireApprovals({ db, correlationId, now = new Date() }: { db: ScopedDb; correlationId: string; now?: Date }): Promise<number> {
  const due = await db.approvalRequest.findMany({ where: { status: "pending", expiresAt: { lte: now } }, select: { id: true, runId: true, actionType: true, expiresAt: true }, take: 200 });
  let expired = 0;
  for (const request of due) {
    const run = await db.run.findUnique({ where: { id: request.runId }, select: { input: true } });
    const stored = run?.input as { target?: { kind?: "ticket" | "order"; id?: string } } | undefined;
    const target = stored?.target?.kind && stored.target.id ? await loadTarget(db, stored.target.kind, stored.target.id).catch(() => null) : null;
    const done = await db.$transaction(async (tx) => {
      const moved = await tx.approvalRequest.updateMany({ where: { id: request.id, status: "pending" }, data: { status: "expired", decidedAt: now } });
      if (moved.count === 0) return false;
      await recordAudit({
        db: tx,
        actor: SYSTEM_ACTOR,
        action: "approval.expired",
        entityType: "ApprovalRequest",
        entityId: request.id,
        before: { status: "pending" },
        after: { status: "expired", expiresAt: request.expiresAt.toISOString() },
        correlationId,
      });
      await closeHeldRun(tx, {
        runId: request.runId,
        from: ["pending_approval"],
        reason: "expired",
        message: "Nobody approved it in time",
        actor: SYSTEM_ACTOR,
        correlationId,
        action: findAction(request.actionType),
        target: target ?? { ticket: null, order: null },
      });
      return true;
    });
    if (done) expired++;
  }
  return expired;
}
