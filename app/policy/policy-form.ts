/** Between the policy rows and the settings form (both directions); no server code. */
import type { ActionPolicyForm } from "./schema";
import type { ActionLimitRule, ActionPermissionRule, ApprovalMode, LimitType } from "./types";

export function toForm(permission: ActionPermissionRule, limits: readonly ActionLimitRule[]): ActionPolicyForm {
  const find = (type: LimitType, perActor = false) => limits.find((limit) => limit.limitType === type && limit.perActor === perActor);
  const shopWindow = find("time_window", false);
  const actorWindow = find("time_window", true);
  return {
    enabled: permission.enabled,
    requiresConfirmation: permission.requiresConfirmation,
    approvalMode: permission.approvalMode,
    approvalThreshold: permission.approvalThreshold ?? "",
    approvalExpiryHours: String(permission.approvalExpiryHours),
    maxAmount: find("max_amount")?.value ?? "",
    maxPercentage: find("max_percentage")?.value ?? "",
    shopWindowCount: shopWindow?.maxCount?.toString() ?? "",
    shopWindowHours: shopWindow?.windowHours?.toString() ?? "",
    actorWindowCount: actorWindow?.maxCount?.toString() ?? "",
    actorWindowHours: actorWindow?.windowHours?.toString() ?? "",
  };
}

/** The rows a form stands for (limits only where a value was entered). */
export function fromForm(actionType: string, form: ActionPolicyForm) {
  const permission = {
    enabled: form.enabled,
    requiresConfirmation: form.requiresConfirmation,
    approvalMode: form.approvalMode as ApprovalMode,
    approvalThreshold: form.approvalMode === "above_amount" ? form.approvalThreshold : null,
    approvalExpiryHours: Number(form.approvalExpiryHours),
  };
  const limits: Array<Omit<ActionLimitRule, "actionType">> = [];
  if (form.maxAmount) limits.push({ limitType: "max_amount", value: form.maxAmount, maxCount: null, windowHours: null, perActor: false });
  if (form.maxPercentage) limits.push({ limitType: "max_percentage", value: form.maxPercentage, maxCount: null, windowHours: null, perActor: false });
  if (form.shopWindowCount) limits.push({ limitType: "time_window", value: null, maxCount: Number(form.shopWindowCount), windowHours: Number(form.shopWindowHours), perActor: false });
  if (form.actorWindowCount) limits.push({ limitType: "time_window", value: null, maxCount: Number(form.actorWindowCount), windowHours: Number(form.actorWindowHours), perActor: true });
  return { actionType, permission, limits };
}

/** The form as stored: what a no-op save compares (an approval threshold is kept only with its mode). */
export function normalizeForm(form: ActionPolicyForm): ActionPolicyForm {
  return {
    ...form,
    approvalThreshold: form.approvalMode === "above_amount" ? form.approvalThreshold : "",
    approvalExpiryHours: String(Number(form.approvalExpiryHours)),
    shopWindowCount: form.shopWindowCount ? String(Number(form.shopWindowCount)) : "",
    shopWindowHours: form.shopWindowCount ? String(Number(form.shopWindowHours)) : "",
    actorWindowCount: form.actorWindowCount ? String(Number(form.actorWindowCount)) : "",
    actorWindowHours: form.actorWindowCount ? String(Number(form.actorWindowHours)) : "",
  };
}
