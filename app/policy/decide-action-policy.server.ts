/**
 * The one policy decision for every actor type (staff, workflow, agent): is this action allowed
 * here, now, for this much money, and does it need a confirmation or a second person? The
 * answer names the deciding rule in words. Rules apply in a fixed order: the action's switch,
 * the amount cap, the percentage cap, the time windows (shop, then per actor), then approval and
 * confirmation. The runner calls it before anything is written and again at execution time.
 */
import { compareDecimal, formatMoney } from "../lib/money";
import type { DbClient } from "../lib/tenancy.server";
import { POLICY_ACTION_BY_TYPE, defaultPermission } from "./catalog";
import { breachedWindow, windowLabel } from "./count-executions.server";
import { loadPolicy } from "./load-policy.server";
import type { PolicyActor, PolicyDecision, PolicyFacts } from "./types";

export interface DecideOptions {
  db: DbClient;
  shopId: string;
  actor: PolicyActor;
  actionType: string;
  /** The action's label, for the rule in words. */
  actionLabel?: string;
  facts?: PolicyFacts;
  now?: Date;
}

const refuse = (code: "POLICY_DENIED" | "LIMIT_EXCEEDED", rule: string): PolicyDecision => ({
  allowed: false,
  requiresConfirmation: false,
  requiresApproval: false,
  rule,
  code,
  governed: true,
  approvalExpiryHours: 24,
  windows: [],
});

export async function decideActionPolicy({ db, shopId, actor, actionType, actionLabel, facts = {}, now = new Date() }: DecideOptions): Promise<PolicyDecision> {
  const info = POLICY_ACTION_BY_TYPE.get(actionType);
  const label = info?.label ?? actionLabel ?? actionType;
  if (!info) {
    return {
      allowed: true,
      requiresConfirmation: false,
      requiresApproval: false,
      rule: `${label} changes nothing in Shopify, so no store policy applies: the role's permission decides`,
      code: null,
      governed: false,
      approvalExpiryHours: 24,
      windows: [],
    };
  }
  const policy = await loadPolicy(db, shopId);
  const permission = policy.permissions.get(actionType) ?? (defaultPermission(actionType) as NonNullable<ReturnType<typeof defaultPermission>>);
  const money = (amount: string) => formatMoney(amount, policy.currencyCode);
  if (!permission.enabled) return refuse("POLICY_DENIED", `${label} is turned off in this store's action policy`);

  const limits = policy.limits.filter((limit) => limit.actionType === actionType);
  const within: string[] = [];
  for (const limit of limits) {
    if (limit.limitType === "max_amount" && limit.value !== null && facts.amount !== undefined) {
      if (compareDecimal(facts.amount, limit.value) > 0) return refuse("LIMIT_EXCEEDED", `${money(facts.amount)} is above this store's limit of ${money(limit.value)} for ${label}`);
      within.push(`at most ${money(limit.value)}`);
    }
    if (limit.limitType === "max_percentage" && limit.value !== null && facts.percentage !== undefined) {
      if (compareDecimal(facts.percentage, limit.value) > 0) return refuse("LIMIT_EXCEEDED", `${facts.percentage}% is above this store's limit of ${limit.value}% for ${label}`);
      within.push(`at most ${limit.value}%`);
    }
  }
  const windows = limits.filter((limit) => limit.limitType === "time_window" && limit.maxCount !== null && limit.windowHours !== null);
  // Shop-wide windows first: the store's own cap is the one staff should hear about.
  windows.sort((a, b) => Number(a.perActor) - Number(b.perActor));
  const breach = await breachedWindow(db, { actionLabel: label, actor, windows, now });
  if (breach) return refuse("LIMIT_EXCEEDED", breach.message);
  for (const limit of windows) within.push(windowLabel(limit));

  let approvalReason: string | null = null;
  if (permission.approvalMode === "always") approvalReason = `${label} always needs approval by a second staff member`;
  if (permission.approvalMode === "above_amount" && permission.approvalThreshold !== null && facts.amount !== undefined && compareDecimal(facts.amount, permission.approvalThreshold) > 0) {
    approvalReason = `${label} above ${money(permission.approvalThreshold)} needs approval by a second staff member`;
  }
  const parts = [`${label} is allowed by this store's action policy${within.length ? ` (${within.join(", ")})` : ""}`];
  if (approvalReason) parts.push(approvalReason);
  else if (permission.requiresConfirmation) parts.push("it must be confirmed after the preview");
  return {
    allowed: true,
    requiresConfirmation: permission.requiresConfirmation,
    requiresApproval: approvalReason !== null,
    rule: parts.join("; "),
    code: null,
    governed: true,
    approvalExpiryHours: permission.approvalExpiryHours,
    windows,
  };
}
