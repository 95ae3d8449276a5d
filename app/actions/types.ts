/**
 * The action registry's contract. Every action any actor can run (staff today; workflows and
 * agents later) is one ActionDefinition, and only the runner (run-action.server.ts) executes
 * it: RBAC, policy, idempotency, the run, the audit rows, the timeline and the exception on
 * failure are the runner's job, never the action's.
 */
import type { ZodType, ZodTypeDef } from "zod";
import type { Actor } from "../audit/types";
import type { DbClient } from "../lib/tenancy.server";
import type { SnapshotContent } from "../orders/build-snapshot";
import type { PolicyFacts } from "../policy/types";
import type { Permission } from "../rbac/permissions";
import type { AdminClient } from "../shopify/admin-client.server";

export type ActionTargetKind = "ticket" | "order";

/** What an action runs on, loaded by the runner from our tables (never from the client). */
export interface ActionTarget {
  kind: ActionTargetKind;
  /** Ticket.id or Order.id */
  id: string;
  ticket: { id: string; number: number; subject: string; status: string; orderId: string | null } | null;
  order: ActionTargetOrder | null;
}

export interface ActionTargetOrder {
  id: string;
  name: string;
  shopifyId: string;
  currencyCode: string;
  /** Exact decimal string: the base of percentage limits. */
  currentTotalAmount: string;
  /** The latest snapshot: preconditions and previews read it, never Shopify. */
  snapshot: SnapshotContent | null;
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
  /** Stored on the run and answered to the caller (for Shopify actions: Shopify's response). */
  result: Record<string, unknown>;
  /** One line for the timelines and toasts, without customer data. */
  summary: string;
  /** The audit row's before/after (defaults: none / the result). */
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

/** What a Shopify action's `perform` gets: no transaction (a network call never holds one). */
export interface ShopifyActionContext<I> extends Omit<ActionContext<I>, "tx"> {
  shopify: AdminClient;
  /** The target's order; Shopify actions only run on targets that have one. */
  order: ActionTargetOrder;
  /**
   * An earlier attempt of this lineage may have reached Shopify (a retry, or a run resumed
   * after its process died): what it created must be found, never created a second time.
   */
  earlierAttempt: boolean;
}

export interface ActionDefinition<I = unknown> {
  type: string;
  label: string;
  description: string;
  permission: Permission;
  targets: readonly ActionTargetKind[];
  input: ZodType<I, ZodTypeDef, unknown>;
  /**
   * Checked before anything is written: a refusal here is a 4xx answer, not a run. A string is
   * a state that forbids it (409); a field and message is input that cannot fit this order (400
   * beside the field, e.g. more decimals than its currency has).
   */
  preconditions?: (target: ActionTarget, input: I) => string | { field: string; message: string } | null;
  /**
   * What the audit rows keep of the input, and what staff without customers.pii see of it on
   * the Runs page, when it holds customer data (an address): the audit log is read by people
   * without that permission and outlives a redaction request. Defaults to the input.
   */
  auditInput?: (input: I) => Record<string, unknown>;
  /** What running it would do, in words, for the confirmation UI and the preview endpoint. */
  preview: (target: ActionTarget, input: I) => string;
  /**
   * The money the action moves, for the store policy's amount and percentage limits and the
   * approval threshold. Omitted by actions that move none.
   */
  policyFacts?: (target: ActionTarget, input: I) => PolicyFacts;
  /** Local actions: their writes share the run's success transaction. */
  execute?: (ctx: ActionContext<I>) => Promise<ActionOutcome>;
  /**
   * Shopify actions: the Admin API call, outside any transaction; `userErrors` throw
   * SHOPIFY_USER_ERROR. The runner then records the outcome and re-ingests the order.
   */
  perform?: (ctx: ShopifyActionContext<I>) => Promise<ActionOutcome>;
  /**
   * For a run resumed after its process died between the Shopify call and the outcome write:
   * the order as Shopify has it now (re-ingested), and the outcome if the action visibly
   * happened already; null performs it again (which must then be safe to repeat: same
   * idempotency key, or finding what the earlier attempt created).
   */
  reconcile?: (ctx: ShopifyActionContext<I>) => Promise<ActionOutcome | null>;
}

/** Keeps each definition's input type while the registry holds them side by side. */
export function defineAction<I>(definition: ActionDefinition<I>): ActionDefinition<I> {
  return definition;
}

/** The input as audit rows keep it (see ActionDefinition.auditInput). */
export function auditedInput(action: ActionDefinition<unknown>, input: unknown): unknown {
  return action.auditInput ? action.auditInput(input) : input;
}

/** A run's stored `{ target, input }` with its input as audit rows keep it; marked, so it is reduced once. */
export function redactedRunInput(action: ActionDefinition<unknown> | undefined, stored: unknown): unknown {
  const value = stored as { input?: unknown; redacted?: boolean } | null;
  if (!action?.auditInput || !value || typeof value !== "object" || value.redacted) return stored;
  return { ...value, input: action.auditInput(value.input), redacted: true };
}
