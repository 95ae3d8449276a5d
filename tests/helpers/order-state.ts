/**
 * What the app holds for one order: the row, its latest snapshot and its timeline, read as one
 * consistent picture. One ingest writes all three in a transaction; reading them in separate
 * statements can pair a newer timeline with an older snapshot while a worker ingests (seen
 * under load). REPEATABLE READ makes every statement of the read see the same committed state.
 */
import { Prisma } from "@prisma/client";
import prisma from "../../app/db.server";

export interface OrderState {
  order: { id: string; snapshotVersion: number };
  version: number;
  content: Record<string, unknown>;
  events: Array<{ type: string; title: string; detail: unknown }>;
  types: string[];
}

export async function readOrderState(shopifyId: string): Promise<OrderState | null> {
  return prisma.$transaction(
    async (tx) => {
      const order = await tx.order.findFirst({ where: { shopifyId }, select: { id: true, snapshotVersion: true } });
      if (!order) return null;
      const snapshot = await tx.orderSnapshot.findFirstOrThrow({ where: { orderId: order.id }, orderBy: { version: "desc" } });
      const events = await tx.orderTimelineEvent.findMany({ where: { orderId: order.id }, orderBy: [{ occurredAt: "asc" }, { dedupeKey: "asc" }], select: { type: true, title: true, detail: true } });
      return { order, version: snapshot.version, content: snapshot.content as Record<string, unknown>, events, types: events.map((event) => event.type) };
    },
    { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead },
  );
}

/** Polls until the order's state satisfies `predicate` (each poll one consistent read). */
export async function waitForOrderState(shopifyId: string, predicate: (state: OrderState) => boolean, timeoutMs = 25_000): Promise<OrderState> {
  const deadline = Date.now() + timeoutMs;
  let last: OrderState | null = null;
  for (;;) {
    last = await readOrderState(shopifyId);
    if (last && predicate(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(`order ${shopifyId} never reached the expected state; last seen: ${last ? `version ${last.version}, events ${last.types.join(", ")}` : "not ingested"}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
