/**
 * Saves the policy settings form. Each action whose policy changed gets its rows rewritten and
 * one `policy.updated` audit row with the whole policy before and after, and the shop's policy
 * version is bumped, all in one transaction: every app instance decides with the new rules from
 * the next request on. An unchanged save writes nothing.
 */
import type { Prisma } from "@prisma/client";
import { recordAudit } from "../audit/record-audit.server";
import { AppError } from "../lib/app-error";
import type { RequestContext } from "../lib/route.server";
import { defaultPermission } from "./catalog";
import { ensureDefaultPolicy } from "./ensure-default-policy.server";
import { bumpPolicyVersion } from "./load-policy.server";
import { fromForm, normalizeForm, toForm } from "./policy-form";
import { moneyFieldErrors, type ActionPolicyForm } from "./schema";
import type { ActionLimitRule, ActionPermissionRule, ApprovalMode, LimitType } from "./types";

export type UpdateActionPolicyContext = Pick<RequestContext, "db" | "shop" | "actor" | "correlationId">;

export async function updateActionPolicy(ctx: UpdateActionPolicyContext, policies: Record<string, ActionPolicyForm>): Promise<{ changed: string[] }> {
  // The route's schema already refuses these; kept here because the rule belongs to the domain.
  const fields = moneyFieldErrors(policies);
  if (Object.keys(fields).length) throw new AppError("VALIDATION", "Some fields are invalid", { fields });
  const actionTypes = Object.keys(policies);
  if (actionTypes.length === 0) return { changed: [] };
  await ensureDefaultPolicy({ db: ctx.db });

  const changed = await ctx.db.$transaction(async (tx) => {
    // Two admins saving at once: the second waits here and compares with what the first saved,
    // so every audit row's "before" is what really was there (not the page's stale copy).
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`oac:policy:${ctx.shop.id}`}, 0))`;
    const permissionRows = await tx.actionPermission.findMany({ where: { actionType: { in: actionTypes } } });
    const limitRows = await tx.actionLimit.findMany({ where: { actionType: { in: actionTypes } } });
    const current = (actionType: string) => {
      const row = permissionRows.find((permission) => permission.actionType === actionType);
      const permission: ActionPermissionRule = row
        ? { ...row, approvalMode: row.approvalMode as ApprovalMode }
        : (defaultPermission(actionType) as ActionPermissionRule);
      const limits = limitRows
        .filter((limit) => limit.actionType === actionType)
        .map((limit): ActionLimitRule => ({ ...limit, limitType: limit.limitType as LimitType }));
      return normalizeForm(toForm(permission, limits));
    };

    const changes = actionTypes
      .map((actionType) => ({ actionType, before: current(actionType), after: normalizeForm(policies[actionType] as ActionPolicyForm) }))
      .filter((change) => JSON.stringify(change.before) !== JSON.stringify(change.after));
    for (const change of changes) {
      const { permission, limits } = fromForm(change.actionType, change.after);
      const row = await tx.actionPermission.upsert({
        where: { shopId_actionType: { shopId: ctx.shop.id, actionType: change.actionType } },
        create: { actionType: change.actionType, ...permission } as Prisma.ActionPermissionUncheckedCreateInput,
        update: permission,
      });
      // Rewritten whole: a cleared field is a deleted limit.
      await tx.actionLimit.deleteMany({ where: { actionType: change.actionType } });
      if (limits.length) await tx.actionLimit.createMany({ data: limits.map((limit) => ({ actionType: change.actionType, ...limit })) as Prisma.ActionLimitCreateManyInput[] });
      await recordAudit({
        db: tx,
        actor: ctx.actor,
        action: "policy.updated",
        entityType: "ActionPermission",
        entityId: row.id,
        before: { actionType: change.actionType, ...change.before },
        after: { actionType: change.actionType, ...change.after },
        correlationId: ctx.correlationId,
      });
    }
    if (changes.length) await bumpPolicyVersion(tx, ctx.shop.id);
    return changes.map((change) => change.actionType);
  });
  return { changed };
}
