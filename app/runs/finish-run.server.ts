import type { Prisma } from "@prisma/client";
import { AppError } from "../lib/app-error";
import { redactText } from "../lib/redact";
import type { DbClient } from "../lib/tenancy.server";

/** Marks a run as executing: one more attempt. */
export async function startRun({ db, runId }: { db: DbClient; runId: string }) {
  return db.run.update({ where: { id: runId }, data: { status: "running", attempts: { increment: 1 }, startedAt: new Date() } });
}

export async function succeedRun({ db, runId, result }: { db: DbClient; runId: string; result: unknown }) {
  return db.run.update({
    where: { id: runId },
    data: { status: "succeeded", result: (result ?? {}) as Prisma.InputJsonValue, error: undefined, finishedAt: new Date() },
  });
}

/** The error kept on a run: code and a redacted message, never a stack or customer data. */
export function runError(error: unknown): { code: string; message: string } {
  if (error instanceof AppError) return { code: error.code, message: redactText(error.message) };
  return { code: "INTERNAL", message: "Unexpected error (details in the server logs under the correlation id)" };
}

export async function failRun({ db, runId, error }: { db: DbClient; runId: string; error: unknown }) {
  return db.run.update({
    where: { id: runId },
    data: { status: "failed", error: runError(error) as Prisma.InputJsonValue, finishedAt: new Date() },
  });
}
