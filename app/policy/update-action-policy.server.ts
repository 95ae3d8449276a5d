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
import { POLICY_ACTION_BY_TYPE } from "./catalog";
import { getPolicySettings } from "./get-policy-settings.server";
import { bumpPolicyVersion } from "./load-policy.server";
import { fromForm, normalizeForm } from "./policy-form";
import type { ActionPolicyForm } from "./schema";

const MONEY_FIELDS = ["maxAmount", "maxPercentage", "approvalThreshold"] as const;

export async function updateActionPolicy(ctx: RequestContext, policies: Record<string, ActionPolicyForm>): Promise<{ changed: string[] }> {
  const fields: Record<string, string[]> = {};
  for (const [actionType, form] of Object.entries(policies)) {
    const info = POLICY_ACTION_BY_TYPE.get(actionType);
    if (info && !info.money) {
      for (const field of MONEY_FIELDS) if (form[field]) fields[`policies.${actionType}.${field}`] = ["Only actions that move money take amount limits"];
      if (form.approvalMode === "above_amount") fields[`policies.${actionType}.approvalMode`] = ["Only actions that move money can need approval above an amount"];
    }
  }
  if (Object.keys(fields).length) throw new AppError("VALIDATION", "Some fields are invalid", { fields });

  const current = new Map((await getPolicySettings(ctx)).actions.map((action) => [action.actionType, normalizeForm(action.form)]));
  const changes = Object.entries(policies)
    .map(([actionType, form]) => ({ actionType, before: current.get(actionType) as ActionPolicyForm, after: normalizeForm(form) }))
    .filter((change) => JSON.stringify(change.before) !== JSON.stringify(change.after));
  if (changes.length === 0) return { changed: [] };

  await ctx.db.$transaction(async (tx) => {
    for (const change of changes) {
      const { permission, limits } = fromForm(change.actionType, change.after);
      const row = await tx.actionPermission.upsert({
        where: { shopId_actionType: { shopId: ctx.shop.id, actionType: change.actionType } },
        create: { actionType: change.actionType, ...permission } as Prisma.ActionPermissionUncheckedCreateInput,
        update: permission,
      });
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
    await bumpPolicyVersion(tx, ctx.shop.id);
  });
  return { changed: changes.map((change) => change.actionType) };
}
