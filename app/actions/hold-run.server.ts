/**
 * Held runs: when the store policy asks for a confirmation or a second person's approval, the
 * runner answers 202 with the preview and keeps the run in pending_confirmation or
 * pending_approval (with its ApprovalRequest). It executes later, exactly once, through
 * startHeldRun; or it is closed (cancelled by the requester, denied, expired, or refused because
 * the policy or the order changed meanwhile) and never executes.
 */
import type { Prisma } from "@prisma/client";
import type { Actor } from "../audit/types";
import { recordAudit } from "../audit/record-audit.server";
import { completeKeysOfRun, type IdempotencyClaim } from "../idempotency/with-idempotency.server";
import { AppError } from "../lib/app-error";
import { parseInput } from "../lib/http.server";
import type { DbClient } from "../lib/tenancy.server";
import { decisionBody } from "../policy/decision-body";
import { createRun } from "../runs/create-run.server";
import { writeTimeline, type TimelineTarget } from "./perform-run.server";
import type { ExecutionContext, PreparedAction } from "./run-action.server";
import { auditedInput, type ActionDefinition, type ActionTargetKind } from "./types";

export type HeldStatus = "pending_confirmation" | "pending_approval";
const HOUR = 3_600_000;

export async function holdRun(exec: ExecutionContext, prepared: PreparedAction, status: HeldStatus, claim?: IdempotencyClaim): Promise<{ status: number; body: unknown }> {
  const { action, target, input, decision } = prepared;
  const preview = action.preview(target, input);
  return exec.db.$transaction(async (tx) => {
    const run = await createRun({
      db: tx,
      type: action.type,
      input: { target: { kind: target.kind, id: target.id }, input },
      actor: exec.actor,
      correlationId: exec.correlationId,
      status,
      ticketId: target.ticket?.id ?? null,
      orderId: target.order?.id ?? null,
    });
    const approval = status === "pending_approval" ? await requestApproval(tx, exec, prepared, run.id, preview) : null;
    if (!approval) {
      await recordAudit({
        db: tx,
        actor: exec.actor,
        action: "action.confirmation_requested",
        entityType: "Run",
        entityId: run.id,
        after: { actionType: action.type, target: { kind: target.kind, id: target.id }, input: auditedInput(action, input) },
        metadata: { preview, rule: decision.rule },
        correlationId: exec.correlationId,
      });
    }
    await writeTimeline(
      tx,
      { ...exec, action, target, runId: run.id, rootRunId: run.id },
      approval ? "awaiting_approval" : "awaiting_confirmation",
      `${action.label} ${approval ? "waits for approval" : "waits for confirmation"}`,
      new Date(),
    );
    const response = {
      status: 202,
      body: {
        run: { id: run.id, rootRunId: run.id, status, attempt: 0 },
        preview,
        decision: decisionBody(decision),
        approval: approval ? { id: approval.id, expiresAt: approval.expiresAt.toISOString() } : null,
      },
    };
    // The held run and the key's answer commit together: a retry replays the 202, never holds twice.
    if (claim) {
      await claim.bindRun(tx, run.id);
      await completeKeysOfRun(tx, run.id, response);
    }
    return response;
  });
}

/** The ApprovalRequest for a run, with its `approval.requested` audit row (caller's transaction). */
export async function requestApproval(tx: DbClient, exec: Pick<ExecutionContext, "actor" | "correlationId">, prepared: PreparedAction, runId: string, preview: string) {
  const { action, target, input, decision } = prepared;
  const amount = action.policyFacts?.(target, input).amount ?? null;
  const approval = await tx.approvalRequest.create({
    data: {
      runId,
      actionType: action.type,
      reason: decision.rule,
      preview,
      amount,
      currencyCode: amount ? (target.order?.currencyCode ?? null) : null,
      requestedByType: exec.actor.type,
      requestedById: exec.actor.id,
      requestedByLabel: exec.actor.label,
      expiresAt: new Date(Date.now() + decision.approvalExpiryHours * HOUR),
      ticketId: target.ticket?.id ?? null,
      orderId: target.order?.id ?? null,
    } as Prisma.ApprovalRequestUncheckedCreateInput,
  });
  await recordAudit({
    db: tx,
    actor: exec.actor,
    action: "approval.requested",
    entityType: "ApprovalRequest",
    entityId: approval.id,
    after: { status: "pending", runId, actionType: action.type, amount, expiresAt: approval.expiresAt.toISOString() },
    metadata: { preview, rule: decision.rule },
    correlationId: exec.correlationId,
  });
  return approval;
}

export interface HeldRun {
  run: { id: string; status: string; actorType: Actor["type"]; actorId: string | null; actorLabel: string | null; createdAt: Date };
  action: ActionDefinition<unknown>;
  targetKind: ActionTargetKind;
  targetId: string;
  input: unknown;
  requester: Actor;
}

/**
 * A held run with its action and its input validated again (the schema may have changed). A
 * run no longer held keeps its input as stored (it may be redacted): callers refuse it by status.
 */
export async function loadHeldRun(db: DbClient, runId: string, findAction: (type: string) => ActionDefinition<unknown>): Promise<HeldRun> {
  const run = await db.run.findUnique({ where: { id: runId }, select: { id: true, type: true, status: true, input: true, actorType: true, actorId: true, actorLabel: true, createdAt: true } });
  if (!run) throw new AppError("NOT_FOUND", "No such run in this store");
  const stored = run.input as { target?: { kind?: string; id?: string }; input?: unknown };
  const kind = stored.target?.kind;
  if (!stored.target?.id || (kind !== "ticket" && kind !== "order")) throw new AppError("CONFLICT", "This run is missing its input");
  const action = findAction(run.type);
  return {
    run,
    action,
    targetKind: kind,
    targetId: stored.target.id,
    input: run.status === "pending_confirmation" || run.status === "pending_approval" ? parseInput(action.input, stored.input ?? {}) : stored.input,
    requester: { type: run.actorType, id: run.actorId, label: run.actorLabel },
  };
}

export type CloseReason = "cancelled" | "denied" | "expired" | "refused";

/**
 * Closes a held run that will never execute: the run is cancelled with the reason, its
 * approval (if any) gets `approvalStatus`, and the timelines say so. Returns false when the run
 * was no longer held (someone else acted first).
 */
export async function closeHeldRun(
  tx: DbClient,
  options: { runId: string; from: HeldStatus[]; reason: CloseReason; message: string; actor: Actor; correlationId: string; action: ActionDefinition<unknown>; target: TimelineTarget },
): Promise<boolean> {
  const closed = await tx.run.updateMany({
    where: { id: options.runId, status: { in: options.from } },
    data: { status: "cancelled", error: { code: options.reason.toUpperCase(), message: options.message } as Prisma.InputJsonValue, finishedAt: new Date() },
  });
  if (closed.count === 0) return false;
  await recordAudit({
    db: tx,
    actor: options.actor,
    action: `action.${options.reason}`,
    entityType: "Run",
    entityId: options.runId,
    before: { status: options.from.length === 1 ? options.from[0] : "held" },
    // A denial's message is the approver's note, free text that may name the customer: the
    // audit log (append-only) keeps its length; the run and the approval request keep the words.
    after: { status: "cancelled", reason: options.reason, ...(options.reason === "denied" ? { messageLength: options.message.length } : { message: options.message }) },
    correlationId: options.correlationId,
  });
  await writeTimeline(
    tx,
    { actor: options.actor, action: options.action, target: options.target, runId: options.runId, rootRunId: options.runId },
    options.reason,
    `${options.action.label} ${options.reason === "refused" ? "refused" : options.reason}: ${options.message}`,
    new Date(),
  );
  return true;
}
