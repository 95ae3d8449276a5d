/**
 * The action registry's contract. Every action any actor can run (staff today; workflows and
 * agents later) is one ActionDefinition, and only the runner (run-action.server.ts) executes
 * it: RBAC, policy, idempotency, the run, the audit rows, the timeline and the exception on
 * failure are the runner's job, never the action's.
 */
import type { ZodType, ZodTypeDef } from "zod";
import type { Actor } from "../audit/types";
import type { DbClient } from "../lib/tenancy.server";
import type { Permission } from "../rbac/permissions";

export type ActionTargetKind = "ticket" | "order";

/** What an action runs on, loaded by the runner from our tables (never from the client). */
export interface ActionTarget {
  kind: ActionTargetKind;
  /** Ticket.id or Order.id */
  id: string;
  ticket: { id: string; number: number; subject: string; status: string; orderId: string | null } | null;
  order: { id: string; name: string; shopifyId: string } | null;
}

export interface ActionContext<I> {
  /** The transaction the action's writes, the run's success and the audit row share. */
  tx: DbClient;
  shopId: string;
  actor: Actor;
  correlationId: string;
  input: I;
  target: ActionTarget;
  /** The first run of the lineage: stable across retries, so actions can make writes idempotent. */
  rootRunId: string;
  runId: string;
}

export interface ActionOutcome {
  /** Stored on the run and answered to the caller. */
  result: Record<string, unknown>;
  /** One line for the timelines and toasts, without customer data. */
  summary: string;
}

export interface ActionDefinition<I = unknown> {
  type: string;
  label: string;
  description: string;
  permission: Permission;
  targets: readonly ActionTargetKind[];
  input: ZodType<I, ZodTypeDef, unknown>;
  /** Checked before anything is written: a refusal here is a 4xx answer, not a run. */
  preconditions?: (target: ActionTarget, input: I) => string | null;
  /** What running it would do, in words, for the confirmation UI and the preview endpoint. */
  preview: (target: ActionTarget, input: I) => string;
  execute: (ctx: ActionContext<I>) => Promise<ActionOutcome>;
}

/** Keeps each definition's input type while the registry holds them side by side. */
export function defineAction<I>(definition: ActionDefinition<I>): ActionDefinition<I> {
  return definition;
}
