import { createHash } from "node:crypto";
import type { Prisma } from "@prisma/client";
import type { Actor } from "../audit/types";
import { AppError, errorBody } from "../lib/app-error";
import type { DbClient, ScopedDb } from "../lib/tenancy.server";
import { consumeRateLimit, type RateLimitRule } from "../ratelimit/consume-rate-limit.server";

export const IDEMPOTENCY_HEADER = "Idempotency-Key";
export const REPLAY_HEADER = "Idempotent-Replayed";
const KEY_FORMAT = /^[A-Za-z0-9_.:-]{8,255}$/;
const WAIT_STEP_MS = 25;
const WAIT_LIMIT_MS = 15_000;
/** How often a waiting duplicate asks whether the run bound to the key is still alive. */
const RESUME_CHECK_MS = 1_000;
/**
 * A key still in progress after this long, with no run bound to it, belongs to a request that
 * died before it started anything (the run and the binding commit together): it may be retried.
 */
const ABANDONED_AFTER_MS = 2 * 60 * 1000;

export interface IdempotentResult {
  status: number;
  body: unknown;
  replayed: boolean;
}

/**
 * Who is calling, for which shop. A staff request's RequestContext is one as it is; callers
 * without a session (the signed intake API) build one from the verified shop and their actor.
 */
export interface IdempotencyContext {
  /** The shop's scoped client (not a transaction: the key is claimed in its own statement). */
  db: ScopedDb;
  shop: { id: string };
  actor: Actor;
  request: Request;
  correlationId: string;
}

export interface WithIdempotencyOptions {
  ctx: IdempotencyContext;
  /** The endpoint (and anything else that makes a key distinct); the actor is added here. */
  scope: string;
  /** The parsed request input: part of the fingerprint with the method and path. */
  input: unknown;
  /**
   * The work. With `transactional`, it gets a transaction client and the key is completed in
   * that same transaction: whatever it wrote commits together with the stored answer, so a
   * crash between the two can never let a retry execute it a second time. Without it, it gets
   * the scoped client (for work that calls Shopify or runs its own transactions).
   */
  execute: (db: DbClient, claim: IdempotencyClaim) => Promise<{ status: number; body: unknown }>;
  transactional?: boolean;
  /** Rate limits counted per execution: a replay or a waiting duplicate costs nothing. */
  rateLimit?: RateLimitRule[];
  /**
   * For work that starts a run (the action runner): called when a duplicate finds the key still
   * in progress with a run bound to it (the first request may have died after Shopify acted).
   * It resumes that run if its process is gone, which completes the key in the run's outcome
   * transaction; `"live"` means the run is still being executed by someone: wait.
   */
  resume?: (runId: string) => Promise<"resumed" | "live" | "finished">;
  /**
   * false: a refusal (4xx) thrown before the work started a run is not this key's answer: the
   * key is released, so the same request may succeed later (a time window that frees up, an
   * order imported meanwhile). The runner checks its preconditions and policy inside the guard,
   * so a retry of a request that did act replays its answer instead of being refused by the
   * state it caused ("already cancelled").
   */
  refusalsAreFinal?: boolean;
}

/** What the work may do with the claimed key inside its own transactions. */
export interface IdempotencyClaim {
  /**
   * Binds the key to the run the work starts, in the run's own transaction: from then on a
   * retry with this key resumes that run (same lineage, same Shopify idempotency key) and never
   * starts another, however long after a crash it comes (docs/decisions/0011).
   */
  bindRun(tx: DbClient, runId: string): Promise<void>;
}

/** Completes every key bound to a run with its answer, in the transaction that records the outcome. */
export async function completeKeysOfRun(tx: DbClient, runId: string, outcome: { status: number; body: unknown }) {
  await tx.idempotencyKey.updateMany({
    where: { runId, state: "in_progress" },
    data: { state: "completed", responseStatus: outcome.status, responseBody: outcome.body as Prisma.InputJsonValue, completedAt: new Date() },
  });
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.keys(value as object).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
  }
  return value;
}

/**
 * Executes a request at most once per Idempotency-Key. The key row is claimed through the
 * database's unique index (not an in-memory lock), so concurrent duplicates on any instance
 * wait for the first one and replay its stored response. The same key with a different
 * request is IDEMPOTENCY_MISMATCH (409).
 */
export async function withIdempotency({ ctx, scope, input, execute, transactional = false, rateLimit, resume, refusalsAreFinal = true }: WithIdempotencyOptions): Promise<IdempotentResult> {
  const key = ctx.request.headers.get(IDEMPOTENCY_HEADER);
  if (!key) throw new AppError("VALIDATION", `The ${IDEMPOTENCY_HEADER} header is required`, { fields: { [IDEMPOTENCY_HEADER]: ["Required"] } });
  if (!KEY_FORMAT.test(key)) {
    throw new AppError("VALIDATION", `The ${IDEMPOTENCY_HEADER} header is malformed`, {
      fields: { [IDEMPOTENCY_HEADER]: ["8 to 255 characters: letters, digits, _ . : -"] },
    });
  }
  const fullScope = `${scope}|${ctx.actor.type}:${ctx.actor.id ?? "-"}`;
  const requestHash = createHash("sha256")
    .update(JSON.stringify([ctx.request.method.toUpperCase(), new URL(ctx.request.url).pathname, canonical(input)]))
    .digest("hex");
  const where = { shopId_scope_key: { shopId: ctx.shop.id, scope: fullScope, key } };

  const deadline = Date.now() + WAIT_LIMIT_MS;
  let nextResumeCheck = 0;
  for (;;) {
    const claimed = await ctx.db.idempotencyKey.createMany({
      data: [{ scope: fullScope, key, requestHash } as Prisma.IdempotencyKeyCreateManyInput],
      skipDuplicates: true,
    });
    if (claimed.count === 1) break;

    const existing = await ctx.db.idempotencyKey.findUnique({ where });
    if (!existing) continue; // released by a failed first attempt: claim again
    if (existing.requestHash !== requestHash) {
      throw new AppError("IDEMPOTENCY_MISMATCH", `This ${IDEMPOTENCY_HEADER} was already used for a different request`);
    }
    if (existing.state === "completed") {
      return { status: existing.responseStatus ?? 200, body: existing.responseBody, replayed: true };
    }
    if (existing.runId) {
      // The first request started a run and may have reached Shopify: never start another.
      // Resuming it (when its process is gone) records its outcome and completes this key.
      if (resume && Date.now() >= nextResumeCheck) {
        nextResumeCheck = Date.now() + RESUME_CHECK_MS;
        if ((await resume(existing.runId)) === "resumed") continue;
      }
    } else if (Date.now() - existing.createdAt.getTime() > ABANDONED_AFTER_MS) {
      await ctx.db.idempotencyKey.deleteMany({ where: { id: existing.id, state: "in_progress", runId: null } });
      continue;
    }
    if (Date.now() > deadline) throw new AppError("CONFLICT", "A request with this Idempotency-Key is still in progress; retry shortly");
    await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
  }

  // Conditional: work that records a run completes the key in the run's own transaction.
  const complete = (db: DbClient, outcome: { status: number; body: unknown }) =>
    db.idempotencyKey.updateMany({
      where: { scope: fullScope, key, state: "in_progress" },
      data: { state: "completed", responseStatus: outcome.status, responseBody: outcome.body as Prisma.InputJsonValue, completedAt: new Date() },
    });
  const claim: IdempotencyClaim = {
    async bindRun(tx, runId) {
      await tx.idempotencyKey.updateMany({ where: { scope: fullScope, key, state: "in_progress" }, data: { runId } });
    },
  };

  let outcome: { status: number; body: unknown };
  try {
    if (rateLimit) await consumeRateLimit({ shopId: ctx.shop.id, rules: rateLimit });
    if (transactional) {
      outcome = await ctx.db.$transaction(async (tx) => {
        const result = await execute(tx, claim);
        await complete(tx, result);
        return result;
      });
      return { ...outcome, replayed: false };
    }
    outcome = await execute(ctx.db, claim);
  } catch (error) {
    if (error instanceof AppError && (error.code === "RATE_LIMITED" || (!refusalsAreFinal && error.status < 500))) {
      // Not an answer for this key: the same request may run once the window resets.
      await ctx.db.idempotencyKey.deleteMany({ where: { scope: fullScope, key, state: "in_progress", runId: null } });
      throw error;
    }
    if (error instanceof AppError && error.status < 500) {
      // A definite refusal is the answer for this key: replay it rather than act later.
      outcome = { status: error.status, body: errorBody(error, ctx.correlationId) };
    } else {
      // Nothing definite happened: release the key so the client may retry with it, unless a
      // run was started under it (that run is resumed by a retry, never started twice).
      await ctx.db.idempotencyKey.deleteMany({ where: { scope: fullScope, key, state: "in_progress", runId: null } });
      throw error;
    }
  }
  await complete(ctx.db, outcome);
  return { ...outcome, replayed: false };
}
