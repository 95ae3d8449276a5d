/**
 * The one action runner. In order: the actor is authenticated (withStaff, before this) ->
 * the input is validated -> RBAC -> the store policy hook -> the Idempotency-Key guard ->
 * a Run is created with the `action.attempted` audit row -> the action executes -> the run
 * succeeds or fails with `action.succeeded` / `action.failed`, the timelines get the outcome,
 * a failure opens an exception -> the response. Refusals before the guard (bad input, missing
 * permission, unmet precondition, policy) create no run: nothing was attempted.
 */
import { recordAudit } from "../audit/record-audit.server";
import { withIdempotency, type IdempotentResult } from "../idempotency/with-idempotency.server";
import { AppError } from "../lib/app-error";
import { parseInput } from "../lib/http.server";
import { writeLimitRules, type RequestContext } from "../lib/route.server";
import { requirePermission } from "../rbac/require-permission.server";
import { createRun } from "../runs/create-run.server";
import { startRun } from "../runs/finish-run.server";
import { loadTarget } from "./load-target.server";
import { performRun } from "./perform-run.server";
import { decidePolicy } from "./policy-hook.server";
import { ACTION_REGISTRY } from "./registry.server";
import type { ActionDefinition, ActionTarget, ActionTargetKind } from "./types";

/** Each execution is a write someone may have to undo: a tighter limit than plain page writes. */
export const ACTION_WRITE_LIMIT = { perStaff: 30, perShop: 300 };

export interface PreparedAction {
  action: ActionDefinition<unknown>;
  target: ActionTarget;
  input: unknown;
}

/** Everything up to (not including) the idempotency guard; shared by run, preview and retry. */
export async function prepareAction(ctx: RequestContext, type: string, targetKind: ActionTargetKind, targetId: string, rawInput: unknown): Promise<PreparedAction> {
  const action = ACTION_REGISTRY.get(type);
  if (!action) throw new AppError("NOT_FOUND", `There is no action called ${type}`);
  if (!action.targets.includes(targetKind)) {
    throw new AppError("VALIDATION", `${action.label} cannot run on ${targetKind === "order" ? "an order" : "a ticket"}`, { fields: { type: ["Not available here"] } });
  }
  const input = parseInput(action.input, rawInput ?? {});
  await requirePermission(ctx, action.permission);
  const target = await loadTarget(ctx.db, targetKind, targetId);
  const unmet = action.preconditions?.(target, input) ?? null;
  if (unmet) throw new AppError("CONFLICT", unmet);
  const decision = await decidePolicy(ctx, action, target, input);
  if (!decision.allowed) throw new AppError("POLICY_DENIED", decision.rule, { details: { rule: decision.rule } });
  return { action, target, input };
}

export async function previewAction(ctx: RequestContext, type: string, targetKind: ActionTargetKind, targetId: string, rawInput: unknown) {
  const { action, target, input } = await prepareAction(ctx, type, targetKind, targetId, rawInput);
  return { type: action.type, label: action.label, preview: action.preview(target, input) };
}

export async function runAction(ctx: RequestContext, type: string, targetKind: ActionTargetKind, targetId: string, rawInput: unknown): Promise<IdempotentResult> {
  const prepared = await prepareAction(ctx, type, targetKind, targetId, rawInput);
  return withIdempotency({
    ctx,
    scope: `action:${type}:${targetKind}:${targetId}`,
    input: prepared.input,
    rateLimit: writeLimitRules(ctx, ACTION_WRITE_LIMIT),
    execute: async () => {
      const run = await startActionRun(ctx, prepared, { parentRunId: null, attempt: 1 });
      return performRun({ db: ctx.db, shopId: ctx.shop.id, actor: ctx.actor, correlationId: ctx.correlationId, ...prepared, runId: run.id, rootRunId: run.id, attempt: 1 });
    },
  });
}

/** The run and its `action.attempted` audit row, committed before the action executes. */
export async function startActionRun(ctx: RequestContext, { action, target, input }: PreparedAction, lineage: { parentRunId: string | null; attempt: number }) {
  return ctx.db.$transaction(async (tx) => {
    const created = await createRun({
      db: tx,
      type: action.type,
      input: { target: { kind: target.kind, id: target.id }, input },
      actor: ctx.actor,
      correlationId: ctx.correlationId,
      parentRunId: lineage.parentRunId,
      ticketId: target.ticket?.id ?? null,
      orderId: target.order?.id ?? null,
    });
    const run = await startRun({ db: tx, runId: created.id });
    await recordAudit({
      db: tx,
      actor: ctx.actor,
      action: "action.attempted",
      entityType: "Run",
      entityId: run.id,
      after: { actionType: action.type, target: { kind: target.kind, id: target.id }, input },
      metadata: { preview: action.preview(target, input), rootRunId: lineage.parentRunId ?? run.id, attempt: lineage.attempt },
      correlationId: ctx.correlationId,
    });
    return run;
  });
}
