import type { Prisma } from "@prisma/client";
import type { Actor } from "../audit/types";
import type { DbClient } from "../lib/tenancy.server";
import type { RunStatus } from "./schema";

export interface CreateRunOptions {
  db: DbClient;
  type: string;
  input: unknown;
  actor: Actor;
  correlationId: string;
  status?: RunStatus;
  /** A retry keeps its lineage: the run it retries. */
  parentRunId?: string | null;
  /** What the action ran on: the ticket's and the order's timelines list the run. */
  ticketId?: string | null;
  orderId?: string | null;
}

export async function createRun(options: CreateRunOptions) {
  return options.db.run.create({
    data: {
      type: options.type,
      status: options.status ?? "pending",
      input: (options.input ?? {}) as Prisma.InputJsonValue,
      actorType: options.actor.type,
      actorId: options.actor.id,
      actorLabel: options.actor.label,
      correlationId: options.correlationId,
      parentRunId: options.parentRunId ?? null,
      ticketId: options.ticketId ?? null,
      orderId: options.orderId ?? null,
    } as Prisma.RunUncheckedCreateInput,
  });
}
