/**
 * Time-window limits count executions: runs of the action type that started (running or
 * succeeded) inside the window. Failed runs give their slot back; pending confirmations and
 * approvals take none until they execute. The runner re-counts under a per-shop, per-action
 * advisory lock in the transaction that starts the run, so two simultaneous requests cannot both
 * take the last slot.
 */
import { AppError } from "../lib/app-error";
import type { DbClient } from "../lib/tenancy.server";
import type { ActionLimitRule, PolicyActor } from "./types";

const HOUR = 3_600_000;

export async function countExecutions(db: DbClient, options: { actionType: string; since: Date; actor?: PolicyActor }): Promise<number> {
  return db.run.count({
    where: {
      type: options.actionType,
      status: { in: ["running", "succeeded"] },
      startedAt: { gte: options.since },
      ...(options.actor ? { actorType: options.actor.type, actorId: options.actor.id } : {}),
    },
  });
}

export function windowLabel(limit: ActionLimitRule): string {
  return `${limit.maxCount} per ${limit.windowHours} hour${limit.windowHours === 1 ? "" : "s"}${limit.perActor ? " per person or agent" : " in this store"}`;
}

/** The first time-window limit the next execution would break, with its message; null when none. */
export async function breachedWindow(db: DbClient, options: { actionLabel: string; actor: PolicyActor; windows: readonly ActionLimitRule[]; now: Date }) {
  for (const limit of options.windows) {
    if (limit.maxCount === null || limit.windowHours === null) continue;
    const since = new Date(options.now.getTime() - limit.windowHours * HOUR);
    const count = await countExecutions(db, { actionType: limit.actionType, since, actor: limit.perActor ? options.actor : undefined });
    if (count >= limit.maxCount) {
      const who = limit.perActor ? `${options.actor.label ?? "This actor"} has` : "This store has";
      return { limit, message: `${who} already run ${options.actionLabel} ${count} time${count === 1 ? "" : "s"} in the last ${limit.windowHours} hour${limit.windowHours === 1 ? "" : "s"}; the limit is ${windowLabel(limit)}` };
    }
  }
  return null;
}

/**
 * Takes a slot in every applicable window, or throws LIMIT_EXCEEDED. Must run inside the
 * transaction that moves the run to "running": the advisory lock is held until it commits.
 */
export async function claimWindowSlot(tx: DbClient, options: { shopId: string; actionType: string; actionLabel: string; actor: PolicyActor; windows: readonly ActionLimitRule[]; now?: Date }) {
  if (options.windows.length === 0) return;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`oac:window:${options.shopId}:${options.actionType}`}, 0))`;
  const breach = await breachedWindow(tx, { actionLabel: options.actionLabel, actor: options.actor, windows: options.windows, now: options.now ?? new Date() });
  if (breach) throw new AppError("LIMIT_EXCEEDED", breach.message, { details: { rule: breach.message } });
}
