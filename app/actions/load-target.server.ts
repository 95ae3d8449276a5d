import { AppError } from "../lib/app-error";
import type { DbClient } from "../lib/tenancy.server";
import type { ActionTarget, ActionTargetKind } from "./types";

/** Loads what an action runs on from this shop's tables; another shop's id is simply not found. */
export async function loadTarget(db: DbClient, kind: ActionTargetKind, id: string): Promise<ActionTarget> {
  const orderSelect = { id: true, name: true, shopifyId: true } as const;
  if (kind === "ticket") {
    const ticket = await db.ticket.findUnique({ where: { id }, select: { id: true, number: true, subject: true, status: true, orderId: true } });
    if (!ticket) throw new AppError("NOT_FOUND", "No such ticket in this store");
    const order = ticket.orderId ? await db.order.findUnique({ where: { id: ticket.orderId }, select: orderSelect }) : null;
    return { kind, id, ticket, order };
  }
  const order = await db.order.findUnique({ where: { id }, select: orderSelect });
  if (!order) throw new AppError("NOT_FOUND", "No such order in this store");
  return { kind, id, ticket: null, order };
}
