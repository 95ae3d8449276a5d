import type { Prisma } from "@prisma/client";
import { AppError } from "../lib/app-error";
import { afterCursor, decodeCursor, encodeCursor } from "../lib/cursor";
import type { DbClient } from "../lib/tenancy.server";
import type { RunFilters } from "./schema";

export interface RunRow {
  id: string;
  type: string;
  status: string;
  attempts: number;
  actorType: string;
  actorLabel: string | null;
  correlationId: string;
  createdAt: string;
  finishedAt: string | null;
}

export async function listRuns({ db, filters }: { db: DbClient; filters: RunFilters }): Promise<{ rows: RunRow[]; nextCursor: string | null }> {
  const cursor = filters.cursor ? decodeCursor(filters.cursor) : null;
  if (filters.cursor && !cursor) throw new AppError("VALIDATION", "Malformed cursor", { fields: { cursor: ["Malformed cursor"] } });
  const where: Prisma.RunWhereInput = {
    ...(filters.type ? { type: filters.type } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.actorType ? { actorType: filters.actorType } : {}),
    ...(filters.actorId ? { actorId: filters.actorId } : {}),
    ...(filters.from || filters.to ? { createdAt: { ...(filters.from ? { gte: filters.from } : {}), ...(filters.to ? { lte: filters.to } : {}) } } : {}),
  };
  const rows = await db.run.findMany({
    where: { AND: [where, afterCursor(cursor)] },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: filters.limit + 1,
  });
  const page = rows.slice(0, filters.limit);
  const last = page.at(-1);
  return {
    rows: page.map((row) => ({
      id: row.id,
      type: row.type,
      status: row.status,
      attempts: row.attempts,
      actorType: row.actorType,
      actorLabel: row.actorLabel,
      correlationId: row.correlationId,
      createdAt: row.createdAt.toISOString(),
      finishedAt: row.finishedAt?.toISOString() ?? null,
    })),
    nextCursor: rows.length > filters.limit && last ? encodeCursor(last) : null,
  };
}
