import type { RequestContext } from "../lib/route.server";
import { ACTION_REGISTRY } from "./registry.server";
import type { ActionTargetKind } from "./types";

export interface AvailableAction {
  type: string;
  label: string;
  description: string;
  /** False when the staff member's role lacks the permission: the panel explains instead of offering it. */
  permitted: boolean;
  permission: string;
}

/** What the action panel offers on a ticket or an order page, and who tasks can be assigned to. */
export async function listAvailableActions(ctx: RequestContext, kind: ActionTargetKind) {
  const actions: AvailableAction[] = [...ACTION_REGISTRY.values()]
    .filter((action) => action.targets.includes(kind))
    .map((action) => ({ type: action.type, label: action.label, description: action.description, permitted: ctx.role.permissions.has(action.permission), permission: action.permission }));
  const staff = await ctx.db.staffMember.findMany({
    where: { active: true },
    select: { id: true, firstName: true, lastName: true },
    orderBy: [{ firstName: "asc" }, { lastName: "asc" }, { id: "asc" }],
  });
  return {
    actions,
    assignees: staff.map((member) => ({ id: member.id, name: [member.firstName, member.lastName].filter(Boolean).join(" ") || "Staff member" })),
  };
}

export type ActionPanelData = Awaited<ReturnType<typeof listAvailableActions>>;
