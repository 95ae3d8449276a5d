import { ACTION_REGISTRY } from "../actions/registry.server";
import { redactedRunInput } from "../actions/types";
import { AppError } from "../lib/app-error";
import type { DbClient } from "../lib/tenancy.server";

/**
 * A run as the Runs page shows it. Its input is what the action needs to execute again (an
 * address, say); staff without customers.pii see it as the audit log keeps it instead.
 */
export async function getRun({ db, id, canSeePii }: { db: DbClient; id: string; canSeePii: boolean }) {
  const run = await db.run.findUnique({ where: { id } });
  if (!run) throw new AppError("NOT_FOUND", "No such run in this store");
  const children = await db.run.findMany({ where: { parentRunId: run.id }, orderBy: { createdAt: "asc" }, select: { id: true, status: true, createdAt: true } });
  return {
    id: run.id,
    type: run.type,
    status: run.status,
    input: canSeePii ? run.input : redactedRunInput(ACTION_REGISTRY.get(run.type), run.input),
    result: run.result,
    error: run.error,
    attempts: run.attempts,
    actorType: run.actorType,
    actorId: run.actorId,
    actorLabel: run.actorLabel,
    correlationId: run.correlationId,
    parentRunId: run.parentRunId,
    retries: children.map((child) => ({ id: child.id, status: child.status, createdAt: child.createdAt.toISOString() })),
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
  };
}

