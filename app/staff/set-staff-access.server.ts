/**
 * Deactivates a staff member who left the store (or reactivates one who came back). A
 * deactivated member cannot use the app, is not offered as an assignee, and actions that still
 * name them fail into an exception instead of assigning work to nobody. Same rank rules as role
 * changes; nobody deactivates themselves or the account owner. (So an Owner can only be
 * deactivated by another active Owner: the store always keeps one.)
 */
import { recordAudit } from "../audit/record-audit.server";
import { AppError } from "../lib/app-error";
import type { RequestContext } from "../lib/route.server";
import { ROLE_BY_KEY, type RoleKey } from "../rbac/permissions";

export async function setStaffAccess({ ctx, staffMemberId, active }: { ctx: RequestContext; staffMemberId: string; active: boolean }) {
  try {
    return await ctx.db.$transaction(async (tx) => {
      const member = await tx.staffMember.findUnique({ where: { id: staffMemberId } });
      if (!member) throw new AppError("NOT_FOUND", "No such staff member in this store");
      if (member.active === active) return { staffMember: { id: member.id, active }, changed: false };
      if (!active) {
        if (member.id === ctx.staff.id) throw new AppError("CONFLICT", "You cannot deactivate yourself.");
        if (member.accountOwner) throw new AppError("CONFLICT", "The store's account owner cannot be deactivated.");
      }
      const rank = ROLE_BY_KEY.get(member.roleKey as RoleKey)?.rank ?? 0;
      if (rank > ctx.role.rank) throw new AppError("FORBIDDEN", "You cannot change the access of someone ranked above you.");
      await tx.staffMember.update({ where: { id: member.id }, data: { active } });
      await recordAudit({
        db: tx,
        actor: ctx.actor,
        action: active ? "staff.reactivated" : "staff.deactivated",
        entityType: "StaffMember",
        entityId: member.id,
        before: { active: member.active },
        after: { active },
        correlationId: ctx.correlationId,
      });
      return { staffMember: { id: member.id, active }, changed: true };
    });
  } catch (error) {
    if (error instanceof AppError && error.code === "FORBIDDEN") {
      await recordAudit({
        db: ctx.db,
        actor: ctx.actor,
        action: "authz.denied",
        entityType: "StaffMember",
        entityId: staffMemberId,
        metadata: { reason: error.message, requestedActive: active, role: ctx.role.key },
        correlationId: ctx.correlationId,
      });
    }
    throw error;
  }
}
