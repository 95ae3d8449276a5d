/**
 * Executes one attempt of an action whose run already exists (a first attempt or a retry), and
 * records its outcome. Success: the action's writes, the run's result, the `action.succeeded`
 * audit row, the timeline events and (on a retry) the exception's resolution commit in one
 * transaction. Failure: everything the action wrote rolls back, then the failed run, the
 * `action.failed` audit row, the exception and the timeline events commit together. Either way
 * the caller gets a definite answer to store under its Idempotency-Key.
 */
import type { Prisma } from "@prisma/client";
import { recordAudit } from "../audit/record-audit.server";
import type { Actor } from "../audit/types";
import { completeKeysOfRun } from "../idempotency/with-idempotency.server";
import { AppError, errorBody } from "../lib/app-error";
import { logger } from "../lib/logger.server";
import { redactText } from "../lib/redact";
import type { DbClient, ScopedDb } from "../lib/tenancy.server";
import { ingestOrder } from "../orders/ingest-order.server";
import { failRun, runError, succeedRun } from "../runs/finish-run.server";
import type { AdminClient } from "../shopify/admin-client.server";
import { reasonCodeFor } from "./reason-code";
import type { ActionDefinition, ActionTarget, ShopifyActionContext } from "./types";

export interface PerformRunOptions {
  db: ScopedDb;
  shopId: string;
  actor: Actor;
  correlationId: string;
  action: ActionDefinition<unknown>;
  target: ActionTarget;
  input: unknown;
  runId: string;
  rootRunId: string;
  attempt: number;
  /** Shopify access for actions with a Shopify side effect (and the re-ingest after them). */
  shopify: AdminClient;
  /**
   * This attempt continues a run whose process died mid-flight (resume-run.server.ts): the
   * action may already have happened in Shopify, so it is reconciled first.
   */
  resumed?: boolean;
}

/** While a process executes a run it renews the run's heartbeat this often (resume-run.server.ts). */
export const HEARTBEAT_MS = 5_000;

export interface RunResponse {
  status: number;
  body: unknown;
}

/** attempted | succeeded | failed, and the held-run steps (awaiting_approval, approved, ...). */
type Step = string;

/** What the timelines need of a target: the ticket (with its number) and the order, by id. */
export interface TimelineTarget {
  ticket: Pick<NonNullable<ActionTarget["ticket"]>, "id" | "number"> | null;
  order: Pick<NonNullable<ActionTarget["order"]>, "id"> | null;
}

type TimelineOptions = Pick<PerformRunOptions, "actor" | "action" | "runId" | "rootRunId"> & { target: TimelineTarget };

/** The run's step on the ticket's and the order's timelines (idempotent per run and step). */
export async function writeTimeline(tx: DbClient, options: TimelineOptions, outcome: Step, summary: string, occurredAt: Date) {
  const { target, actor, action, runId, rootRunId } = options;
  if (target.ticket) {
    await tx.ticketEvent.create({
      data: {
        ticketId: target.ticket.id,
        type: `action.${outcome}`,
        actorType: actor.type,
        actorId: actor.id,
        actorLabel: actor.label,
        runId,
        detail: { actionType: action.type, summary, rootRunId } as Prisma.InputJsonValue,
        occurredAt,
      } as Prisma.TicketEventUncheckedCreateInput,
    });
  }
  if (target.order) {
    // The order's own timeline shows what staff did to it, beside Shopify's events; the
    // dedupe key makes the write idempotent like every other timeline event.
    await tx.orderTimelineEvent.createMany({
      data: [
        {
          orderId: target.order.id,
          dedupeKey: `run:${runId}:${outcome}`,
          type: `action.${outcome}`,
          occurredAt,
          source: "action_center",
          title: summary,
          detail: { runId, rootRunId, actionType: action.type, actor: actor.label, ticketNumber: target.ticket?.number ?? null } as Prisma.InputJsonValue,
        } as Prisma.OrderTimelineEventCreateManyInput,
      ],
      skipDuplicates: true,
    });
  }
  if (target.ticket) await tx.ticket.update({ where: { id: target.ticket.id }, data: { lastActivityAt: occurredAt } });
}

const auditBase = (options: FailureOptions) => ({
  actor: options.actor,
  entityType: "Run",
  entityId: options.runId,
  correlationId: options.correlationId,
});

const runMetadata = (options: FailureOptions) => ({
  actionType: options.action.type,
  targetKind: options.target.kind,
  targetId: options.target.id,
  rootRunId: options.rootRunId,
  attempt: options.attempt,
});

export async function performRun(options: PerformRunOptions): Promise<RunResponse> {
  const lease = await holdLease(options);
  if (!lease) return leaseLost(options);
  try {
    return await attempt(options, lease);
  } catch (error) {
    if (error instanceof LeaseLost) return leaseLost(options);
    throw error;
  } finally {
    lease.release();
  }
}

/**
 * The executing process's lease on a running run: its heartbeat, renewed every HEARTBEAT_MS by
 * compare-and-set. A run whose heartbeat stopped belongs to a dead process and is resumed by the
 * next request with its Idempotency-Key or by the sweeper (resume-run.server.ts), which takes the
 * lease over; the process that lost it (hung, not dead) stops beating, and its outcome commit is
 * fenced: it records nothing, so a run's outcome is written once, by whoever holds the lease.
 */
export interface RunLease {
  /** In the outcome transaction, first: throws LeaseLost when another process took the run over. */
  fence(tx: DbClient): Promise<void>;
  /** Renews now: false when another process took the run over meanwhile. */
  renew(): Promise<boolean>;
  release(): void;
}

export class LeaseLost extends Error {}

/** Beating stops after this long: a Shopify call still unanswered then is taken for hung. */
export const MAX_LEASE_MS = 3 * 60_000;

export async function holdLease({ db, runId, correlationId }: Pick<PerformRunOptions, "db" | "runId" | "correlationId">): Promise<RunLease | null> {
  const run = await db.run.findUnique({ where: { id: runId }, select: { status: true, heartbeatAt: true } });
  if (run?.status !== "running") return null;
  let last = run.heartbeatAt;
  let owned = true;
  let released = false;
  const started = Date.now();
  const renew = async () => {
    const next = new Date();
    const renewed = await db.run.updateMany({ where: { id: runId, status: "running", heartbeatAt: last }, data: { heartbeatAt: next } });
    if (renewed.count === 1) last = next;
    else owned = false;
    return owned;
  };
  const timer = setInterval(() => {
    if (Date.now() - started > MAX_LEASE_MS) return clearInterval(timer);
    renew()
      .then(async (still) => {
        if (still) return;
        clearInterval(timer);
        // A run whose outcome just committed is no longer running: that is no takeover.
        const now = released ? null : await db.run.findUnique({ where: { id: runId }, select: { status: true } });
        if (now?.status === "running") logger.warn({ correlationId, runId }, "run taken over by another process: this one records nothing");
      })
      .catch((error: unknown) => logger.warn({ correlationId, runId, err: error instanceof Error ? error.message : String(error) }, "run heartbeat failed"));
  }, HEARTBEAT_MS);
  timer.unref();
  return {
    async fence(tx) {
      // A check that locks the row and changes nothing: the transaction may still roll back
      // (a local action failing half-way), and the lease must then be as it was.
      const held = owned ? await tx.run.updateMany({ where: { id: runId, status: "running", heartbeatAt: last }, data: { heartbeatAt: last } }) : { count: 0 };
      if (held.count !== 1) throw new LeaseLost();
    },
    renew: async () => owned && (await renew()),
    release: () => {
      released = true;
      clearInterval(timer);
    },
  };
}

function leaseLost(options: PerformRunOptions): RunResponse {
  const error = new AppError("CONFLICT", "This run was taken over by another attempt after a delay; its outcome is recorded there", { details: { runId: options.runId } });
  return { status: error.status, body: errorBody(error, options.correlationId) };
}

async function attempt(options: PerformRunOptions, lease: RunLease): Promise<RunResponse> {
  const { db, action, runId, rootRunId } = options;
  try {
    const base = { shopId: options.shopId, actor: options.actor, correlationId: options.correlationId, input: options.input, target: options.target, runId, rootRunId };
    // A Shopify call never holds a database transaction open: it runs first, and its outcome
    // is recorded after. Between the two the process may die; what makes every later attempt
    // safe is that it belongs to the same lineage (refundCreate's key is the root run id) and
    // knows an earlier attempt may have acted (`earlierAttempt`): a resumed run asks Shopify
    // first (`reconcile`), a discount or a return finds what the earlier attempt created.
    const external = action.perform ? await performExternal(options, base) : null;
    const outcome = await db.$transaction(async (tx) => {
      await lease.fence(tx);
      const outcome = external ?? (await localExecute(action)({ ...base, tx }));
      await succeedRun({ db: tx, runId, result: outcome.result });
      await recordAudit({ db: tx, ...auditBase(options), action: "action.succeeded", before: outcome.before, after: outcome.after ?? outcome.result, metadata: runMetadata(options) });
      await writeTimeline(tx, options, "succeeded", outcome.summary, new Date());
      const open = await tx.actionException.findUnique({ where: { rootRunId }, select: { id: true, status: true } });
      if (open && open.status !== "resolved") {
        await tx.actionException.update({
          where: { id: open.id },
          data: { status: "resolved", resolvedAt: new Date(), resolvedById: options.actor.id, lastRunId: runId, attempts: options.attempt },
        });
        await recordAudit({
          db: tx,
          actor: options.actor,
          action: "exception.resolved",
          entityType: "ActionException",
          entityId: open.id,
          before: { status: open.status },
          after: { status: "resolved", runId },
          correlationId: options.correlationId,
        });
      }
      const response = { status: 200, body: { run: { id: runId, rootRunId, status: "succeeded", attempt: options.attempt }, summary: outcome.summary, result: outcome.result } };
      // The Idempotency-Key that started this run gets its answer in the same commit.
      await completeKeysOfRun(tx, runId, response);
      return response;
    });
    if (external) await reingest(options);
    return outcome;
  } catch (error) {
    if (error instanceof LeaseLost) throw error;
    return recordFailure(options, error, lease);
  }
}

async function performExternal(options: PerformRunOptions, base: Omit<ShopifyActionContext<unknown>, "shopify" | "order" | "earlierAttempt">) {
  const action = options.action;
  const context = { ...base, shopify: options.shopify, order: requireOrder(options), earlierAttempt: Boolean(options.resumed) || options.runId !== options.rootRunId };
  if (options.resumed && action.reconcile) {
    const done = await action.reconcile(context);
    if (done) return done;
  }
  return action.perform!(context);
}

function requireOrder(options: PerformRunOptions) {
  if (!options.target.order) throw new AppError("CONFLICT", `${options.action.label} needs an order`);
  return options.target.order;
}

function localExecute(action: ActionDefinition<unknown>) {
  if (!action.execute) throw new AppError("INTERNAL", `${action.type} has neither execute nor perform`);
  return action.execute;
}

/**
 * After a Shopify action the order is fetched again, so the snapshot, the pages and the next
 * precondition check see its effect at once. Best effort: the webhooks Shopify sends for the
 * change (and the reconciliation job) bring the same data if this fails.
 */
async function reingest(options: PerformRunOptions) {
  if (!options.target.order) return;
  try {
    await ingestOrder({ db: options.db, client: options.shopify, shopifyId: options.target.order.shopifyId });
  } catch (error) {
    logger.warn({ correlationId: options.correlationId, runId: options.runId, err: error instanceof Error ? error.message : String(error) }, "re-ingest after action failed");
  }
}

async function recordFailure(options: PerformRunOptions, error: unknown, lease: RunLease): Promise<RunResponse> {
  const appError = error instanceof AppError ? error : new AppError("INTERNAL", "The action failed unexpectedly. Quote the correlation id to support.");
  if (!(error instanceof AppError)) {
    logger.error(
      { correlationId: options.correlationId, runId: options.runId, actionType: options.action.type, err: error instanceof Error ? { message: error.message, stack: error.stack } : String(error) },
      "action failed",
    );
  }
  return options.db.$transaction(async (tx) => {
    await lease.fence(tx);
    const exception = await writeFailure(tx, options, appError);
    const answer = new AppError(appError.code, appError.message, {
      fields: appError.fields,
      details: { runId: options.runId, rootRunId: options.rootRunId, exceptionId: exception.id, reasonCode: exception.reasonCode },
    });
    const response = { status: answer.status, body: errorBody(answer, options.correlationId) };
    await completeKeysOfRun(tx, options.runId, response);
    return response;
  });
}

export type FailureOptions = Omit<PerformRunOptions, "db" | "shopify" | "input" | "resumed">;

/**
 * A failed attempt, in the caller's transaction: the failed run, the `action.failed` audit row,
 * the exception (opened, or reopened for a retry of the same lineage) with its audit row, and
 * the timelines. Shared with the sweeper of runs interrupted mid-flight.
 */
export async function writeFailure(tx: DbClient, options: FailureOptions, appError: AppError) {
  const reasonCode = reasonCodeFor(appError.code);
  const message = runError(appError).message;
  await failRun({ db: tx, runId: options.runId, error: appError });
  await recordAudit({ db: tx, ...auditBase(options), action: "action.failed", after: { code: appError.code, reasonCode, message }, metadata: runMetadata(options) });
  const existing = await tx.actionException.findUnique({ where: { rootRunId: options.rootRunId }, select: { id: true, status: true } });
  const exception = existing
    ? await tx.actionException.update({
        where: { id: existing.id },
        data: { status: "open", lastRunId: options.runId, reasonCode, message, attempts: options.attempt },
      })
    : await tx.actionException.create({
        data: {
          rootRunId: options.rootRunId,
          lastRunId: options.runId,
          actionType: options.action.type,
          reasonCode,
          message,
          ticketId: options.target.ticket?.id ?? null,
          orderId: options.target.order?.id ?? null,
          attempts: options.attempt,
        } as Prisma.ActionExceptionUncheckedCreateInput,
      });
  await recordAudit({
    db: tx,
    actor: options.actor,
    action: existing ? "exception.reopened" : "exception.opened",
    entityType: "ActionException",
    entityId: exception.id,
    before: existing ? { status: existing.status } : undefined,
    after: { status: "open", reasonCode, runId: options.runId },
    correlationId: options.correlationId,
  });
  await writeTimeline(tx, options, "failed", redactText(`${options.action.label} failed: ${message}`), new Date());
  return exception;
}
