/**
 * The one action runner. In order: the actor is authenticated (withStaff, before this) ->
 * the input is validated -> RBAC -> the target and its preconditions -> the store policy
 * (decideActionPolicy: switch, amount and percentage caps, time windows, approval, confirmation)
 * -> the Idempotency-Key guard -> either a held run (pending_confirmation / pending_approval,
 * see hold-run.server.ts) or a Run started with the `action.attempted` audit row, its
 * time-window slot claimed under a lock -> the action executes -> the run succeeds or fails with
 * `action.succeeded` / `action.failed`, the timelines get the outcome, a failure opens an
 * exception -> the response. Refusals before the guard (bad input, missing permission, unmet
 * precondition, policy) create no run: nothing was attempted.
 */
import type { Actor } from "../audit/types";
import { recordAudit } from "../audit/record-audit.server";
import { withIdempotency, type IdempotencyClaim, type IdempotentResult } from "../idempotency/with-idempotency.server";
import { AppError } from "../lib/app-error";
import { parseInput } from "../lib/http.server";
import { writeLimitRules, type RequestContext } from "../lib/route.server";
import type { DbClient, ScopedDb } from "../lib/tenancy.server";
import { claimWindowSlot } from "../policy/count-executions.server";
import { decideActionPolicy } from "../policy/decide-action-policy.server";
import { decisionBody } from "../policy/decision-body";
import type { PolicyDecision } from "../policy/types";
import { requirePermission } from "../rbac/require-permission.server";
import { createRun } from "../runs/create-run.server";
import { adminClient, type AdminClient } from "../shopify/admin-client.server";
import { holdRun } from "./hold-run.server";
import { loadTarget } from "./load-target.server";
import { performRun, writeTimeline } from "./perform-run.server";
import { resumeRun } from "./resume-run.server";
import { ACTION_REGISTRY } from "./registry.server";
import { auditedInput, type ActionDefinition, type ActionTarget, type ActionTargetKind } from "./types";

/** Each execution is a write someone may have to undo: a tighter limit than plain page writes. */
export const ACTION_WRITE_LIMIT = { perStaff: 30, perShop: 300 };

export interface PreparedAction {
  action: ActionDefinition<unknown>;
  target: ActionTarget;
  input: unknown;
  decision: PolicyDecision;
}

/** Who executes a run: the requester's identity, the shop, and Shopify access for this request. */
export interface ExecutionContext {
  db: ScopedDb;
  shopId: string;
  actor: Actor;
  correlationId: string;
  shopify: AdminClient;
}

export function executionContext(ctx: RequestContext, actor: Actor = ctx.actor): ExecutionContext {
  return { db: ctx.db, shopId: ctx.shop.id, actor, correlationId: ctx.correlationId, shopify: adminClient({ shop: ctx.shop.domain, graphql: ctx.admin.graphql }) };
}

export function findAction(type: string): ActionDefinition<unknown> {
  const action = ACTION_REGISTRY.get(type);
  if (!action) throw new AppError("NOT_FOUND", `There is no action called ${type}`);
  return action;
}

/** Target, preconditions and store policy for an already-validated input: shared with held runs. */
export async function checkAction(db: ScopedDb, shopId: string, actor: Actor, action: ActionDefinition<unknown>, targetKind: ActionTargetKind, targetId: string, input: unknown) {
  const target = await loadTarget(db, targetKind, targetId);
  if (action.perform && !target.order) throw new AppError("CONFLICT", `${action.label} needs an order: link the ticket to an order first`);
  const unmet = action.preconditions?.(target, input) ?? null;
  if (typeof unmet === "string") throw new AppError("CONFLICT", unmet);
  if (unmet) throw new AppError("VALIDATION", unmet.message, { fields: { [unmet.field]: [unmet.message] } });
  const decision = await decideActionPolicy({ db, shopId, actor, actionType: action.type, actionLabel: action.label, facts: action.policyFacts?.(target, input) });
  if (!decision.allowed) throw new AppError(decision.code ?? "POLICY_DENIED", decision.rule, { details: { rule: decision.rule } });
  return { target, decision };
}

/**
 * The action, if the actor may run it at all: permission comes before anything about the input,
 * so a role without it learns nothing of the action's fields (403, audited, not a 400 listing
 * them). Routes call it before they even read the body.
 */
export async function authorizeAction(ctx: RequestContext, type: string): Promise<ActionDefinition<unknown>> {
  const action = findAction(type);
  await requirePermission(ctx, action.permission);
  return action;
}

/** Permission, then the input: what the request is, before anything about the state of the store. */
async function validateAction(ctx: RequestContext, type: string, targetKind: ActionTargetKind, rawInput: unknown) {
  const action = await authorizeAction(ctx, type);
  if (!action.targets.includes(targetKind)) {
    throw new AppError("VALIDATION", `${action.label} cannot run on ${targetKind === "order" ? "an order" : "a ticket"}`, { fields: { type: ["Not available here"] } });
  }
  return { action, input: parseInput(action.input, rawInput ?? {}) };
}

/** Everything up to (not including) the idempotency guard; shared by preview and retry. */
export async function prepareAction(ctx: RequestContext, type: string, targetKind: ActionTargetKind, targetId: string, rawInput: unknown): Promise<PreparedAction> {
  const { action, input } = await validateAction(ctx, type, targetKind, rawInput);
  const { target, decision } = await checkAction(ctx.db, ctx.shop.id, ctx.actor, action, targetKind, targetId, input);
  return { action, target, input, decision };
}

export async function previewAction(ctx: RequestContext, type: string, targetKind: ActionTargetKind, targetId: string, rawInput: unknown) {
  const { action, target, input, decision } = await prepareAction(ctx, type, targetKind, targetId, rawInput);
  return { type: action.type, label: action.label, preview: action.preview(target, input), decision: decisionBody(decision) };
}

export async function runAction(ctx: RequestContext, type: string, targetKind: ActionTargetKind, targetId: string, rawInput: unknown): Promise<IdempotentResult> {
  const { action, input } = await validateAction(ctx, type, targetKind, rawInput);
  return withIdempotency({
    ctx,
    scope: `action:${type}:${targetKind}:${targetId}`,
    input,
    rateLimit: writeLimitRules(ctx, ACTION_WRITE_LIMIT),
    // Target, preconditions and policy inside the guard: a retry of a request that acted gets
    // its answer, not a refusal caused by what it did; a refusal releases the key.
    refusalsAreFinal: false,
    execute: async (_db, claim) => {
      const prepared: PreparedAction = { action, input, ...(await checkAction(ctx.db, ctx.shop.id, ctx.actor, action, targetKind, targetId, input)) };
      const exec = executionContext(ctx);
      if (prepared.decision.requiresApproval || prepared.decision.requiresConfirmation) {
        return holdRun(exec, prepared, prepared.decision.requiresApproval ? "pending_approval" : "pending_confirmation", claim);
      }
      const run = await startActionRun(exec, prepared, { parentRunId: null, attempt: 1 }, claim);
      return performRun({ ...exec, ...prepared, runId: run.id, rootRunId: run.id, attempt: 1 });
    },
    // The same key after a crash: the run it started is resumed, never a second one started.
    resume: (runId) => resumeRun({ db: ctx.db, shopId: ctx.shop.id, runId, shopify: executionContext(ctx).shopify, correlationId: ctx.correlationId, resumedBy: ctx.actor }),
  });
}

function attemptedAudit(exec: ExecutionContext, prepared: PreparedAction, runId: string, lineage: { rootRunId: string; attempt: number }, extra: Record<string, unknown> = {}) {
  const { action, target, input, decision } = prepared;
  return {
    actor: exec.actor,
    action: "action.attempted",
    entityType: "Run",
    entityId: runId,
    after: { actionType: action.type, target: { kind: target.kind, id: target.id }, input: auditedInput(action, input) },
    metadata: { preview: action.preview(target, input), rule: decision.rule, rootRunId: lineage.rootRunId, attempt: lineage.attempt, ...extra },
    correlationId: exec.correlationId,
  };
}

/**
 * The run and its `action.attempted` audit row and timeline entry, committed before the action
 * executes. A time-window limit's slot is claimed in the same transaction, under a lock.
 */
export async function startActionRun(exec: ExecutionContext, prepared: PreparedAction, lineage: { parentRunId: string | null; attempt: number }, claim?: IdempotencyClaim) {
  const { action, target, input } = prepared;
  return exec.db.$transaction(async (tx) => {
    await claimWindowSlot(tx, { shopId: exec.shopId, actionType: action.type, actionLabel: action.label, actor: exec.actor, windows: prepared.decision.windows });
    const run = await createRun({
      db: tx,
      type: action.type,
      input: { target: { kind: target.kind, id: target.id }, input },
      actor: exec.actor,
      correlationId: exec.correlationId,
      parentRunId: lineage.parentRunId,
      ticketId: target.ticket?.id ?? null,
      orderId: target.order?.id ?? null,
    });
    const started = await tx.run.update({ where: { id: run.id }, data: { status: "running", attempts: { increment: 1 }, startedAt: new Date(), heartbeatAt: new Date() } });
    await claim?.bindRun(tx, run.id);
    const rootRunId = lineage.parentRunId ?? run.id;
    await recordAudit({ db: tx, ...attemptedAudit(exec, prepared, run.id, { rootRunId, attempt: lineage.attempt }) });
    await writeTimeline(tx, { ...exec, action, target, runId: run.id, rootRunId }, "attempted", `${action.label} attempted by ${exec.actor.label ?? exec.actor.type}`, started.startedAt ?? new Date());
    return started;
  });
}

/**
 * Moves a held run (confirmed, or approved) to running: the conditional update makes the
 * execution happen exactly once however many confirm/approve requests race; the window slot
 * is claimed under the same lock as a direct run.
 */
export async function startHeldRun(
  exec: ExecutionContext,
  prepared: PreparedAction,
  runId: string,
  from: "pending_confirmation" | "pending_approval",
  extra: Record<string, unknown>,
  /** Writes that must commit with the start (the approval's decision) or not at all. */
  within?: (tx: DbClient) => Promise<void>,
) {
  const { action, target } = prepared;
  return exec.db.$transaction(async (tx) => {
    if (within) await within(tx);
    await claimWindowSlot(tx, { shopId: exec.shopId, actionType: action.type, actionLabel: action.label, actor: exec.actor, windows: prepared.decision.windows });
    const moved = await tx.run.updateMany({ where: { id: runId, status: from }, data: { status: "running", attempts: { increment: 1 }, startedAt: new Date(), heartbeatAt: new Date() } });
    if (moved.count === 0) throw new AppError("CONFLICT", "This run is no longer waiting: it was already confirmed, approved or cancelled");
    await recordAudit({ db: tx, ...attemptedAudit(exec, prepared, runId, { rootRunId: runId, attempt: 1 }, extra) });
    await writeTimeline(tx, { ...exec, action, target, runId, rootRunId: runId }, "attempted", `${action.label} attempted by ${exec.actor.label ?? exec.actor.type}`, new Date());
  });
}
