import { recordAudit } from "../audit/record-audit.server";
import { AppError } from "../lib/app-error";
import type { RequestContext } from "../lib/route.server";

/** Dismissing says "nobody will retry this", with the reason on the record. */
export async function dismissException(ctx: RequestContext, exceptionId: string, reason: string) {
  return ctx.db.$transaction(async (tx) => {
    const exception = await tx.actionException.findUnique({ where: { id: exceptionId }, select: { id: true, status: true } });
    if (!exception) throw new AppError("NOT_FOUND", "No such exception in this store");
    const dismissed = await tx.actionException.updateMany({
      where: { id: exceptionId, status: "open" },
      data: { status: "dismissed", dismissedReason: reason, resolvedAt: new Date(), resolvedById: ctx.actor.id },
    });
    if (dismissed.count === 0) throw new AppError("CONFLICT", `Only open exceptions can be dismissed; this one is ${exception.status}`);
    await recordAudit({
      db: tx,
      actor: ctx.actor,
      action: "exception.dismissed",
      entityType: "ActionException",
      entityId: exceptionId,
      before: { status: exception.status },
      // The reason is free text (it may name the customer) and stays on the exception; the audit
      // log (append-only) keeps its length.
      after: { status: "dismissed", reasonLength: reason.length },
      correlationId: ctx.correlationId,
    });
    return { id: exceptionId, status: "dismissed" as const };
  });
}
