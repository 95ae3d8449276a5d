/**
 * Approve or deny a pending request (approvals.decide). The two-person rule: the requester can
 * never approve their own request, whatever their role. Approving re-checks the order, the
 * preconditions and the policy for the requester (a change meanwhile closes the request), then
 * the decision and the run's start commit together and the action executes once, as the
 * requester's action with the approver on the audit row.
 */
import { closeHeldRun, loadHeldRun } from "../actions/hold-run.server";
import { loadTarget } from "../actions/load-target.server";
import { performRun, writeTimeline, type RunResponse } from "../actions/perform-run.server";
import { checkAction, executionContext, findAction, startHeldRun } from "../actions/run-action.server";
import { recordAudit } from "../audit/record-audit.server";
import { AppError } from "../lib/app-error";
import type { RequestContext } from "../lib/route.server";
import type { DbClient } from "../lib/tenancy.server";
import { expireApprovals } from "./expire-approvals.server";

async function pendingRequest(ctx: RequestContext, approvalId: string) {
  await expireApprovals({ db: ctx.db, correlationId: ctx.correlationId });
  const request = await ctx.db.approvalRequest.findUnique({ where: { id: approvalId } });
  if (!request) throw new AppError("NOT_FOUND", "No such approval request in this store");
  if (request.status !== "pending") throw new AppError("CONFLICT", `This request is already ${request.status}`);
  return request;
}

async function decide(tx: DbClient, ctx: RequestContext, approvalId: string, status: "approved" | "denied", note: string | null) {
  const moved = await tx.approvalRequest.updateMany({
    where: { id: approvalId, status: "pending" },
    data: { status, decidedById: ctx.actor.id, decidedByLabel: ctx.actor.label, decisionNote: note, decidedAt: new Date() },
  });
  if (moved.count === 0) throw new AppError("CONFLICT", "This request was decided by someone else a moment ago");
  await recordAudit({
    db: tx,
    actor: ctx.actor,
    action: status === "approved" ? "approval.granted" : "approval.denied",
    entityType: "ApprovalRequest",
    entityId: approvalId,
    before: { status: "pending" },
    // The note is free text (it may name the customer) and stays on the request; the audit log
    // (append-only) keeps its length.
    after: { status, noteLength: note?.length ?? 0 },
    correlationId: ctx.correlationId,
  });
}

export async function approveRequest(ctx: RequestContext, approvalId: string, note: string | null): Promise<RunResponse> {
  const request = await pendingRequest(ctx, approvalId);
  if (request.requestedByType === ctx.actor.type && request.requestedById === ctx.actor.id) {
    await recordAudit({
      db: ctx.db,
      actor: ctx.actor,
      action: "approval.self_approval_refused",
      entityType: "ApprovalRequest",
      entityId: request.id,
      metadata: { runId: request.runId },
      correlationId: ctx.correlationId,
    });
    throw new AppError("FORBIDDEN", "You cannot approve your own request: a second staff member must");
  }
  const held = await loadHeldRun(ctx.db, request.runId, findAction);
  const exec = executionContext(ctx, held.requester);
  let checked: Awaited<ReturnType<typeof checkAction>>;
  try {
    checked = await checkAction(ctx.db, ctx.shop.id, held.requester, held.action, held.targetKind, held.targetId, held.input);
  } catch (error) {
    if (error instanceof AppError && (error.code === "CONFLICT" || error.code === "POLICY_DENIED")) {
      const target = await loadTarget(ctx.db, held.targetKind, held.targetId);
      await ctx.db.$transaction(async (tx) => {
        await tx.approvalRequest.updateMany({ where: { id: request.id, status: "pending" }, data: { status: "cancelled", decisionNote: error.message, decidedAt: new Date() } });
        await closeHeldRun(tx, { runId: request.runId, from: ["pending_approval"], reason: "refused", message: error.message, actor: ctx.actor, correlationId: ctx.correlationId, action: held.action, target });
      });
    }
    throw error;
  }
  const prepared = { action: held.action, input: held.input, ...checked };
  await startHeldRun(exec, prepared, request.runId, "pending_approval", { approvedBy: ctx.actor.label, approvalId: request.id }, async (tx) => {
    await decide(tx, ctx, request.id, "approved", note);
    await writeTimeline(tx, { ...exec, action: held.action, target: checked.target, runId: request.runId, rootRunId: request.runId }, "approved", `${held.action.label} approved by ${ctx.actor.label ?? "a staff member"}`, new Date());
  });
  return performRun({ ...exec, ...prepared, runId: request.runId, rootRunId: request.runId, attempt: 1 });
}

export async function denyRequest(ctx: RequestContext, approvalId: string, note: string): Promise<{ id: string; status: "denied" }> {
  const request = await pendingRequest(ctx, approvalId);
  const held = await loadHeldRun(ctx.db, request.runId, findAction);
  const target = await loadTarget(ctx.db, held.targetKind, held.targetId);
  await ctx.db.$transaction(async (tx) => {
    await decide(tx, ctx, request.id, "denied", note);
    await closeHeldRun(tx, { runId: request.runId, from: ["pending_approval"], reason: "denied", message: note, actor: ctx.actor, correlationId: ctx.correlationId, action: held.action, target });
  });
  return { id: request.id, status: "denied" };
}
