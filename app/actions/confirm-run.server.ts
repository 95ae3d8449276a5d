/**
 * Confirming a run held for confirmation: only its requester may, with the action's permission
 * still held. The order, the preconditions and the policy are checked again (they may have
 * changed since the preview): a refusal closes the run; a policy that now asks for approval
 * turns it into an approval request. Otherwise it executes exactly once (startHeldRun's
 * conditional update), as a first attempt.
 */
import { AppError } from "../lib/app-error";
import type { RequestContext } from "../lib/route.server";
import { decisionBody } from "../policy/decision-body";
import { requirePermission } from "../rbac/require-permission.server";
import { closeHeldRun, loadHeldRun, requestApproval } from "./hold-run.server";
import { loadTarget } from "./load-target.server";
import { performRun, writeTimeline, type RunResponse } from "./perform-run.server";
import { checkAction, executionContext, findAction, startHeldRun } from "./run-action.server";

export function isRequester(ctx: RequestContext, run: { actorType: string; actorId: string | null }) {
  return run.actorType === ctx.actor.type && run.actorId === ctx.actor.id;
}

export async function confirmRun(ctx: RequestContext, runId: string): Promise<RunResponse> {
  const held = await loadHeldRun(ctx.db, runId, findAction);
  // Permission first (audited when denied), before anything about the run's state is told.
  await requirePermission(ctx, held.action.permission);
  if (held.run.status !== "pending_confirmation") throw new AppError("CONFLICT", `This run is not waiting for a confirmation (it is ${held.run.status.replace("_", " ")})`);
  if (!isRequester(ctx, held.run)) throw new AppError("FORBIDDEN", "Only the person who asked for this action can confirm it");
  const exec = executionContext(ctx);
  let checked: Awaited<ReturnType<typeof checkAction>>;
  try {
    checked = await checkAction(ctx.db, ctx.shop.id, ctx.actor, held.action, held.targetKind, held.targetId, held.input);
  } catch (error) {
    // A changed order or a switched-off action closes the run; a reached limit (a time window
    // may free up) leaves it waiting for the requester to try again or cancel.
    if (error instanceof AppError && (error.code === "CONFLICT" || error.code === "POLICY_DENIED")) {
      const target = await loadTarget(ctx.db, held.targetKind, held.targetId);
      await ctx.db.$transaction((tx) =>
        closeHeldRun(tx, { runId, from: ["pending_confirmation"], reason: "refused", message: error.message, actor: ctx.actor, correlationId: ctx.correlationId, action: held.action, target }),
      );
    }
    throw error;
  }
  const prepared = { action: held.action, input: held.input, ...checked };
  if (checked.decision.requiresApproval) {
    // The policy changed since the preview: this now needs a second person.
    const preview = held.action.preview(checked.target, held.input);
    const approval = await ctx.db.$transaction(async (tx) => {
      const moved = await tx.run.updateMany({ where: { id: runId, status: "pending_confirmation" }, data: { status: "pending_approval" } });
      if (moved.count === 0) throw new AppError("CONFLICT", "This run is no longer waiting for a confirmation");
      const approval = await requestApproval(tx, exec, prepared, runId, preview);
      await writeTimeline(tx, { ...exec, action: held.action, target: checked.target, runId, rootRunId: runId }, "awaiting_approval", `${held.action.label} waits for approval`, new Date());
      return approval;
    });
    return { status: 202, body: { run: { id: runId, rootRunId: runId, status: "pending_approval", attempt: 0 }, preview, decision: decisionBody(checked.decision), approval: { id: approval.id, expiresAt: approval.expiresAt.toISOString() } } };
  }
  await startHeldRun(exec, prepared, runId, "pending_confirmation", { confirmedBy: ctx.actor.label });
  return performRun({ ...exec, ...prepared, runId, rootRunId: runId, attempt: 1 });
}

/** The requester withdraws a run held for confirmation or approval; it never executes. */
export async function cancelRun(ctx: RequestContext, runId: string): Promise<{ runId: string; status: "cancelled" }> {
  const held = await loadHeldRun(ctx.db, runId, findAction);
  // Withdrawing is acting on the action too: a role that lost its permission cannot (audited).
  await requirePermission(ctx, held.action.permission);
  if (held.run.status !== "pending_confirmation" && held.run.status !== "pending_approval") {
    throw new AppError("CONFLICT", `This run is not waiting (it is ${held.run.status.replace("_", " ")}) and cannot be cancelled`);
  }
  if (!isRequester(ctx, held.run)) throw new AppError("FORBIDDEN", "Only the person who asked for this action can cancel it");
  const target = await loadTarget(ctx.db, held.targetKind, held.targetId);
  await ctx.db.$transaction(async (tx) => {
    const closed = await closeHeldRun(tx, { runId, from: ["pending_confirmation", "pending_approval"], reason: "cancelled", message: "Cancelled by the requester", actor: ctx.actor, correlationId: ctx.correlationId, action: held.action, target });
    if (!closed) throw new AppError("CONFLICT", "This run is no longer waiting");
    await tx.approvalRequest.updateMany({ where: { runId, status: "pending" }, data: { status: "cancelled", decidedAt: new Date() } });
  });
  return { runId, status: "cancelled" };
}
