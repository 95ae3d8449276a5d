import { AppError } from "../lib/app-error";
import type { DbClient } from "../lib/tenancy.server";
import type { SnapshotContent } from "../orders/build-snapshot";
import type { ActionTarget, ActionTargetKind, ActionTargetOrder } from "./types";

const orderSelect = { id: true, name: true, shopifyId: true, currencyCode: true, currentTotalAmount: true } as const;

async function loadOrder(db: DbClient, id: string): Promise<ActionTargetOrder | null> {
  const order = await db.order.findUnique({ where: { id }, select: orderSelect });
  if (!order) return null;
  const snapshot = await db.orderSnapshot.findFirst({ where: { orderId: id }, orderBy: { version: "desc" }, select: { content: true } });
  return { ...order, snapshot: (snapshot?.content ?? null) as SnapshotContent | null };
}

/** Loads what an action runs on from this shop's tables; another shop's id is simply not found. */
export async function loadTarget(db: DbClient, kind: ActionTargetKind, id: string): Promise<ActionTarget> {
  if (kind === "ticket") {
    const ticket = await db.ticket.findUnique({ where: { id }, select: { id: true, number: true, subject: true, status: true, orderId: true } });
    if (!ticket) throw new AppError("NOT_FOUND", "No such ticket in this store");
    const order = ticket.orderId ? await loadOrder(db, ticket.orderId) : null;
    return { kind, id, ticket, order };
  }
  const order = await loadOrder(db, id);
  if (!order) throw new AppError("NOT_FOUND", "No such order in this store");
  return { kind, id, ticket: null, order };
}
