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
/** A key still in progress after this long belongs to a request that died: it may be retried. */
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
  execute: (db: DbClient) => Promise<{ status: number; body: unknown }>;
  transactional?: boolean;
  /** Rate limits counted per execution: a replay or a waiting duplicate costs nothing. */
  rateLimit?: RateLimitRule[];
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
export async function withIdempotency({ ctx, scope, input, execute, transactional = false, rateLimit }: WithIdempotencyOptions): Promise<IdempotentResult> {
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
    if (Date.now() - existing.createdAt.getTime() > ABANDONED_AFTER_MS) {
      await ctx.db.idempotencyKey.deleteMany({ where: { id: existing.id, state: "in_progress" } });
      continue;
    }
    if (Date.now() > deadline) throw new AppError("CONFLICT", "A request with this Idempotency-Key is still in progress; retry shortly");
    await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
  }

  const complete = (db: DbClient, outcome: { status: number; body: unknown }) =>
    db.idempotencyKey.update({
      where,
      data: { state: "completed", responseStatus: outcome.status, responseBody: outcome.body as Prisma.InputJsonValue, completedAt: new Date() },
    });

  let outcome: { status: number; body: unknown };
  try {
    if (rateLimit) await consumeRateLimit({ shopId: ctx.shop.id, rules: rateLimit });
    if (transactional) {
      outcome = await ctx.db.$transaction(async (tx) => {
        const result = await execute(tx);
        await complete(tx, result);
        return result;
      });
      return { ...outcome, replayed: false };
    }
    outcome = await execute(ctx.db);
  } catch (error) {
    if (error instanceof AppError && error.code === "RATE_LIMITED") {
      // Not an answer for this key: the same request may run once the window resets.
      await ctx.db.idempotencyKey.deleteMany({ where: { scope: fullScope, key, state: "in_progress" } });
      throw error;
    }
    if (error instanceof AppError && error.status < 500) {
      // A definite refusal is the answer for this key: replay it rather than act later.
      outcome = { status: error.status, body: errorBody(error, ctx.correlationId) };
    } else {
      // Nothing definite happened: release the key so the client may retry with it.
      await ctx.db.idempotencyKey.deleteMany({ where: { scope: fullScope, key, state: "in_progress" } });
      throw error;
    }
  }
  await complete(ctx.db, outcome);
  return { ...outcome, replayed: false };
}
