/**
 * Time-window limits at the runner's level, on the real database: the decision function counts
 * executions for the whole shop or per actor (staff, workflow and agent actors alike), and the
 * runner's start claims the slot under a lock, so simultaneous requests cannot overrun a limit.
 */
import { z } from "zod";
import { beforeAll, describe, expect, it } from "vitest";
import { startActionRun, type ExecutionContext, type PreparedAction } from "../actions/run-action.server";
import type { ActionDefinition } from "../actions/types";
import type { Actor } from "../audit/types";
import prisma from "../db.server";
import { AppError } from "../lib/app-error";
import { scopedDb } from "../lib/tenancy.server";
import { decideActionPolicy } from "./decide-action-policy.server";
import { bumpPolicyVersion, policyCacheStats } from "./load-policy.server";

const STAFF_A: Actor = { type: "staff", id: "staffaaaaaaaaaaaaaaaaaaa", label: "Ava Agent" };
const STAFF_B: Actor = { type: "staff", id: "staffbbbbbbbbbbbbbbbbbbb", label: "Ben Agent" };
const WORKFLOW: Actor = { type: "workflow", id: "wfaaaaaaaaaaaaaaaaaaaaaa", label: "Refund late orders" };
const AGENT: Actor = { type: "agent", id: "agentaaaaaaaaaaaaaaaaaaa", label: "Support AI" };

/** The runner's view of a refund: only what starting a run needs (no Shopify call happens here). */
const refund = {
  type: "process_refund",
  label: "Process refund",
  description: "test",
  permission: "actions.refund",
  targets: ["order"],
  input: z.object({}),
  preview: () => "Refund 10.00 EUR",
  perform: async () => ({ result: {}, summary: "refunded" }),
} as unknown as ActionDefinition<unknown>;

async function newShop(name: string) {
  const shop = await prisma.shop.create({ data: { domain: `${name}.myshopify.com`, name, currencyCode: "EUR" } });
  const db = scopedDb(shop.id);
  await db.actionPermission.create({ data: { actionType: "process_refund", enabled: true, requiresConfirmation: false } as never });
  return { id: shop.id, db };
}

async function setWindow(shop: { id: string; db: ReturnType<typeof scopedDb> }, maxCount: number, windowHours: number, perActor: boolean) {
  await shop.db.$transaction(async (tx) => {
    await tx.actionLimit.deleteMany({ where: { actionType: "process_refund", limitType: "time_window" } });
    await tx.actionLimit.create({ data: { actionType: "process_refund", limitType: "time_window", maxCount, windowHours, perActor } as never });
    await bumpPolicyVersion(tx, shop.id);
  });
}

async function attempt(shop: { id: string; db: ReturnType<typeof scopedDb> }, actor: Actor) {
  const decision = await decideActionPolicy({ db: shop.db, shopId: shop.id, actor, actionType: "process_refund", facts: { amount: "10.00" } });
  if (!decision.allowed) throw new AppError(decision.code ?? "POLICY_DENIED", decision.rule);
  const exec: ExecutionContext = { db: shop.db, shopId: shop.id, actor, correlationId: `test-${actor.id}`, shopify: { request: () => Promise.reject(new Error("no Shopify here")) } };
  const prepared: PreparedAction = { action: refund, target: { kind: "order", id: "order-none", ticket: null, order: null }, input: {}, decision };
  return startActionRun(exec, prepared, { parentRunId: null, attempt: 1 });
}

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
};

describe("time-window limits", () => {
  let shop: Awaited<ReturnType<typeof newShop>>;
  beforeAll(async () => {
    shop = await newShop("windows");
  });

  it("lets exactly the remaining slots through when requests arrive together", async () => {
    await setWindow(shop, 3, 24, false);
    await attempt(shop, STAFF_A);
    await attempt(shop, STAFF_B);
    // Eight requests at once for the last slot: each passed the (advisory) decision before any
    // of them started, so only the locked count in the start transaction keeps the limit.
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => attempt(shop, i % 2 ? STAFF_A : STAFF_B)));
    const started = outcomes.filter((outcome) => outcome.status === "fulfilled");
    const refused = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
    expect(started).toHaveLength(1);
    expect(refused).toHaveLength(7);
    for (const outcome of refused) {
      expect(outcome.reason).toBeInstanceOf(AppError);
      expect((outcome.reason as AppError).code).toBe("LIMIT_EXCEEDED");
      expect((outcome.reason as AppError).message).toBe("This store has already run Process refund 3 times in the last 24 hours; the limit is 3 per 24 hours in this store");
    }
    expect(await shop.db.run.count({ where: { type: "process_refund", status: { in: ["running", "succeeded"] } } })).toBe(3);
    // Refused starts leave nothing behind: no run, no audit row.
    expect(await shop.db.auditLog.count({ where: { action: "action.attempted" } })).toBe(3);
  });

  it("gives a failed run's slot back and forgets runs older than the window", async () => {
    const last = await shop.db.run.findFirstOrThrow({ where: { type: "process_refund" }, orderBy: { createdAt: "desc" } });
    await shop.db.run.update({ where: { id: last.id }, data: { status: "failed" } });
    await attempt(shop, AGENT);
    expect((await refusal(attempt(shop, AGENT))).code).toBe("LIMIT_EXCEEDED");
    await shop.db.run.updateMany({ where: { type: "process_refund" }, data: { startedAt: new Date(Date.now() - 25 * 3_600_000) } });
    await attempt(shop, AGENT);
  });

  it("counts per actor for staff, workflow and agent actors alike", async () => {
    const other = await newShop("per-actor");
    await setWindow(other, 1, 1, true);
    for (const actor of [STAFF_A, STAFF_B, WORKFLOW, AGENT]) {
      await attempt(other, actor);
      const decision = await decideActionPolicy({ db: other.db, shopId: other.id, actor, actionType: "process_refund", facts: { amount: "10.00" } });
      expect(decision).toMatchObject({ allowed: false, code: "LIMIT_EXCEEDED" });
      expect(decision.rule).toBe(`${actor.label} has already run Process refund 1 time in the last 1 hour; the limit is 1 per 1 hour per person or agent`);
      expect((await refusal(attempt(other, actor))).code).toBe("LIMIT_EXCEEDED");
    }
    // One execution each: the four actors never shared a count.
    const runs = await other.db.run.groupBy({ by: ["actorType", "actorId"], _count: { _all: true } });
    expect(runs.map((row) => row._count._all)).toEqual([1, 1, 1, 1]);
    // The first shop's runs are not the second shop's: its staff were counted separately.
    expect(await other.db.run.count()).toBe(4);
  });

  it("reads the rules once per policy version, and again after any change", async () => {
    const cached = await newShop("cache");
    await decideActionPolicy({ db: cached.db, shopId: cached.id, actor: STAFF_A, actionType: "process_refund" });
    const loads = policyCacheStats.loads;
    for (let i = 0; i < 5; i++) await decideActionPolicy({ db: cached.db, shopId: cached.id, actor: STAFF_A, actionType: "process_refund" });
    expect(policyCacheStats.loads).toBe(loads);
    await cached.db.$transaction(async (tx) => {
      await tx.actionPermission.update({ where: { shopId_actionType: { shopId: cached.id, actionType: "process_refund" } }, data: { enabled: false } });
      await bumpPolicyVersion(tx, cached.id);
    });
    const decision = await decideActionPolicy({ db: cached.db, shopId: cached.id, actor: STAFF_A, actionType: "process_refund" });
    expect(policyCacheStats.loads).toBe(loads + 1);
    expect(decision).toMatchObject({ allowed: false, code: "POLICY_DENIED", rule: "Process refund is turned off in this store's action policy" });
  });
});
