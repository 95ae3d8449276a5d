/**
 * Retry: the exception's action runs again as a new run in the same lineage (parentRunId =
 * the first run), with the original input, through the same rails as a first attempt (RBAC,
 * preconditions, policy, audit, timeline). The exception is claimed with a conditional update
 * (open -> retrying), so two people pressing Retry at once cause one attempt; success resolves
 * it in the attempt's own transaction, failure reopens it with the new reason.
 */
import { executionContext, prepareAction, startActionRun } from "../actions/run-action.server";
import { performRun, type RunResponse } from "../actions/perform-run.server";
import { recordAudit } from "../audit/record-audit.server";
import { AppError } from "../lib/app-error";
import type { RequestContext } from "../lib/route.server";

/** A claim older than this belongs to an attempt that died with its process: it may be retried. */
const STALE_CLAIM_MS = 2 * 60 * 1000;

export async function retryException(ctx: RequestContext, exceptionId: string): Promise<RunResponse> {
  const exception = await ctx.db.actionException.findUnique({ where: { id: exceptionId } });
  if (!exception) throw new AppError("NOT_FOUND", "No such exception in this store");
  if (exception.status === "resolved" || exception.status === "dismissed") {
    throw new AppError("CONFLICT", `This exception is already ${exception.status}`);
  }
  const root = await ctx.db.run.findUnique({ where: { id: exception.rootRunId }, select: { id: true, input: true } });
  const stored = root?.input as { target?: { kind?: string; id?: string }; input?: unknown } | undefined;
  if (!root || !stored?.target?.id || (stored.target.kind !== "ticket" && stored.target.kind !== "order")) {
    throw new AppError("CONFLICT", "The original run of this exception is missing its input; dismiss it and run the action again");
  }
  // Same checks as a first attempt, with the input as it was first given.
  const prepared = await prepareAction(ctx, exception.actionType, stored.target.kind, stored.target.id, stored.input);
  // Pressing Retry is the confirmation. An approval covers its whole lineage; a lineage that was
  // never approved cannot slip past a policy that now asks for one.
  if (prepared.decision.requiresApproval) {
    const approved = await ctx.db.approvalRequest.findFirst({ where: { runId: root.id, status: "approved" }, select: { id: true } });
    if (!approved) throw new AppError("POLICY_DENIED", `${prepared.decision.rule}: run the action again from its ticket or order to ask for approval`, { details: { rule: prepared.decision.rule } });
  }

  const claimed = await ctx.db.actionException.updateMany({
    where: { id: exception.id, OR: [{ status: "open" }, { status: "retrying", updatedAt: { lt: new Date(Date.now() - STALE_CLAIM_MS) } }] },
    data: { status: "retrying" },
  });
  if (claimed.count === 0) throw new AppError("CONFLICT", "This exception is already being retried");

  const attempt = exception.attempts + 1;
  const exec = executionContext(ctx);
  const run = await startActionRun(exec, prepared, { parentRunId: root.id, attempt });
  await recordAudit({
    db: ctx.db,
    actor: ctx.actor,
    action: "exception.retried",
    entityType: "ActionException",
    entityId: exception.id,
    before: { status: exception.status, lastRunId: exception.lastRunId, attempts: exception.attempts },
    after: { status: "retrying", runId: run.id, attempt },
    correlationId: ctx.correlationId,
  });
  return performRun({ ...exec, ...prepared, runId: run.id, rootRunId: root.id, attempt });
}
