import { AppError } from "../lib/app-error";
import type { DbClient } from "../lib/tenancy.server";

export async function getRun({ db, id }: { db: DbClient; id: string }) {
  const run = await db.run.findUnique({ where: { id } });
  if (!run) throw new AppError("NOT_FOUND", "No such run in this store");
  const children = await db.run.findMany({ where: { parentRunId: run.id }, orderBy: { createdAt: "asc" }, select: { id: true, status: true, createdAt: true } });
  return {
    id: run.id,
    type: run.type,
    status: run.status,
    input: run.input,
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
