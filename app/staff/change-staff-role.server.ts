import { recordAudit } from "../audit/record-audit.server";
import { AppError } from "../lib/app-error";
import type { RequestContext } from "../lib/route.server";
import { ROLE_BY_KEY, type RoleKey } from "../rbac/permissions";

export interface ChangeStaffRoleOptions {
  ctx: RequestContext;
  staffMemberId: string;
  roleKey: RoleKey;
}

export interface ChangeStaffRoleResult {
  staffMember: { id: string; roleKey: string };
  changed: boolean;
}

/**
 * Changes a staff member's role, audited with before/after in the same transaction. Nobody
 * grants a role above their own, touches someone ranked above them, or leaves the store
 * without an Owner; the account owner is always Owner.
 */
export async function changeStaffRole(options: ChangeStaffRoleOptions): Promise<ChangeStaffRoleResult> {
  try {
    return await applyRoleChange(options);
  } catch (error) {
    // A refusal by rank is an authorization denial like a missing permission: audit it (after
    // the rolled-back transaction, so the row stays).
    if (error instanceof AppError && error.code === "FORBIDDEN") {
      await recordAudit({
        db: options.ctx.db,
        actor: options.ctx.actor,
        action: "authz.denied",
        entityType: "StaffMember",
        entityId: options.staffMemberId,
        metadata: { reason: error.message, requestedRole: options.roleKey, role: options.ctx.role.key },
        correlationId: options.ctx.correlationId,
      });
    }
    throw error;
  }
}

async function applyRoleChange({ ctx, staffMemberId, roleKey }: ChangeStaffRoleOptions): Promise<ChangeStaffRoleResult> {
  const target = ROLE_BY_KEY.get(roleKey);
  if (!target) throw new AppError("VALIDATION", "Unknown role", { fields: { roleKey: ["Unknown role"] } });

  return ctx.db.$transaction(async (tx) => {
    const member = await tx.staffMember.findUnique({ where: { id: staffMemberId } });
    if (!member) throw new AppError("NOT_FOUND", "No such staff member in this store");
    const current = ROLE_BY_KEY.get(member.roleKey as RoleKey);

    if (target.rank > ctx.role.rank) {
      throw new AppError("FORBIDDEN", `You cannot grant ${target.name}: it is above your own role (${ctx.role.name}).`, { details: { roleKey } });
    }
    if (current && current.rank > ctx.role.rank) {
      throw new AppError("FORBIDDEN", `You cannot change the role of someone ranked above you (${current.name}).`);
    }
    if (member.accountOwner && roleKey !== "owner") {
      throw new AppError("CONFLICT", "The store's account owner is always an Owner.", { fields: { roleKey: ["The account owner stays Owner"] } });
    }
    if (member.roleKey === roleKey) return { staffMember: { id: member.id, roleKey }, changed: false };
    if (member.roleKey === "owner") {
      const owners = await tx.staffMember.count({ where: { roleKey: "owner", active: true } });
      if (owners <= 1) throw new AppError("CONFLICT", "The store must keep at least one Owner.", { fields: { roleKey: ["This is the last Owner"] } });
    }

    const updated = await tx.staffMember.update({ where: { id: member.id }, data: { roleKey } });
    await recordAudit({
      db: tx,
      actor: ctx.actor,
      action: "staff.role_changed",
      entityType: "StaffMember",
      entityId: member.id,
      before: { roleKey: member.roleKey },
      after: { roleKey: updated.roleKey },
      correlationId: ctx.correlationId,
    });
    return { staffMember: { id: updated.id, roleKey: updated.roleKey }, changed: true };
  });
}
