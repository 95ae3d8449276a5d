import type { RequestContext } from "../lib/route.server";
import { POLICY_ACTION_BY_TYPE, defaultPermission } from "../policy/catalog";
import { loadPolicy } from "../policy/load-policy.server";
import { ACTION_REGISTRY } from "./registry.server";
import type { ActionTargetKind } from "./types";

export interface AvailableAction {
  type: string;
  label: string;
  description: string;
  /** False when the staff member's role lacks the permission: the panel explains instead of offering it. */
  permitted: boolean;
  permission: string;
  /** Shopify actions are governed by the store policy; internal ones are not. */
  shopify: boolean;
  policy: { enabled: boolean; requiresConfirmation: boolean; approval: "off" | "always" | "above_amount"; approvalThreshold: string | null } | null;
}

/**
 * What the action panel offers on a ticket or an order page, who tasks can be assigned to, and
 * the staff member's own runs on this target still waiting for their confirmation or for an
 * approval (so a reload does not lose them).
 */
export async function listAvailableActions(ctx: RequestContext, kind: ActionTargetKind, targetId?: string) {
  const policy = await loadPolicy(ctx.db, ctx.shop.id);
  const actions: AvailableAction[] = [...ACTION_REGISTRY.values()]
    .filter((action) => action.targets.includes(kind))
    .map((action) => {
      const rule = POLICY_ACTION_BY_TYPE.has(action.type) ? (policy.permissions.get(action.type) ?? defaultPermission(action.type)) : null;
      return {
        type: action.type,
        label: action.label,
        description: action.description,
        permitted: ctx.role.permissions.has(action.permission),
        permission: action.permission,
        shopify: Boolean(action.perform),
        policy: rule ? { enabled: rule.enabled, requiresConfirmation: rule.requiresConfirmation, approval: rule.approvalMode, approvalThreshold: rule.approvalThreshold } : null,
      };
    });
  const staff = await ctx.db.staffMember.findMany({
    where: { active: true },
    select: { id: true, firstName: true, lastName: true },
    orderBy: [{ firstName: "asc" }, { lastName: "asc" }, { id: "asc" }],
  });
  const held = targetId
    ? await ctx.db.run.findMany({
        where: { status: { in: ["pending_confirmation", "pending_approval"] }, actorType: ctx.actor.type, actorId: ctx.actor.id, ...(kind === "ticket" ? { ticketId: targetId } : { orderId: targetId }) },
        orderBy: { createdAt: "desc" },
        take: 10,
        select: { id: true, type: true, status: true, createdAt: true },
      })
    : [];
  const approvals = held.length ? await ctx.db.approvalRequest.findMany({ where: { runId: { in: held.map((run) => run.id) } }, select: { runId: true, preview: true, reason: true, expiresAt: true } }) : [];
  const approvalByRun = new Map(approvals.map((approval) => [approval.runId, approval]));
  // A run held for confirmation has no ApprovalRequest: its preview and rule are on the audit row
  // written when it was held, so a reload shows the same modal as the first answer did.
  const waitingForConfirmation = held.filter((run) => run.status === "pending_confirmation").map((run) => run.id);
  const confirmations = waitingForConfirmation.length
    ? await ctx.db.auditLog.findMany({ where: { entityType: "Run", entityId: { in: waitingForConfirmation }, action: "action.confirmation_requested" }, select: { entityId: true, metadata: true } })
    : [];
  const heldFacts = new Map<string, { preview: string | null; rule: string | null }>(
    confirmations.map((row) => {
      const metadata = (row.metadata ?? {}) as { preview?: unknown; rule?: unknown };
      return [row.entityId ?? "", { preview: typeof metadata.preview === "string" ? metadata.preview : null, rule: typeof metadata.rule === "string" ? metadata.rule : null }];
    }),
  );
  return {
    actions,
    assignees: staff.map((member) => ({ id: member.id, name: [member.firstName, member.lastName].filter(Boolean).join(" ") || "Staff member" })),
    held: held.map((run) => ({
      runId: run.id,
      type: run.type,
      label: ACTION_REGISTRY.get(run.type)?.label ?? run.type,
      status: run.status as "pending_confirmation" | "pending_approval",
      preview: approvalByRun.get(run.id)?.preview ?? heldFacts.get(run.id)?.preview ?? null,
      rule: approvalByRun.get(run.id)?.reason ?? heldFacts.get(run.id)?.rule ?? null,
      expiresAt: approvalByRun.get(run.id)?.expiresAt.toISOString() ?? null,
    })),
  };
}

export type ActionPanelData = Awaited<ReturnType<typeof listAvailableActions>>;
