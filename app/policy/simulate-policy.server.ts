/**
 * The settings page's simulator: "would a 120.00 refund on #1042 by this person be allowed?"
 * The same decision function the runner uses, with the same facts, for a staff member (plus
 * their role's permission), a workflow or an AI agent. Reads only.
 */
import type { Actor } from "../audit/types";
import { AppError } from "../lib/app-error";
import { percentOf } from "../lib/money";
import type { RequestContext } from "../lib/route.server";
import { ROLE_BY_KEY } from "../rbac/permissions";
import { ACTION_REGISTRY } from "../actions/registry.server";
import { decideActionPolicy } from "./decide-action-policy.server";
import type { z } from "zod";
import type { ZSimulateInput } from "./schema";

export async function simulatePolicy(ctx: RequestContext, input: z.infer<typeof ZSimulateInput>) {
  const name = input.order.startsWith("#") ? input.order : `#${input.order}`;
  const order = /^[a-z0-9]{20,40}$/.test(input.order)
    ? await ctx.db.order.findUnique({ where: { id: input.order }, select: { id: true, name: true, currentTotalAmount: true, currencyCode: true } })
    : await ctx.db.order.findFirst({ where: { name }, select: { id: true, name: true, currentTotalAmount: true, currencyCode: true } });
  if (!order) throw new AppError("VALIDATION", "No such order in this store", { fields: { order: ["No order with that name in this store"] } });

  let actor: Actor;
  let rbac: { applies: boolean; allowed: boolean; permission: string; role: string | null; reason: string | null };
  const action = ACTION_REGISTRY.get(input.actionType);
  const permission = action?.permission ?? `actions.${input.actionType}`;
  if (input.actor.type === "staff") {
    const staff = await ctx.db.staffMember.findUnique({ where: { id: input.actor.staffId }, select: { id: true, firstName: true, lastName: true, roleKey: true, active: true, accountOwner: true } });
    if (!staff) throw new AppError("VALIDATION", "No such staff member in this store", { fields: { "actor.staffId": ["Choose a staff member of this store"] } });
    const role = ROLE_BY_KEY.get(staff.accountOwner ? "owner" : (staff.roleKey as never));
    actor = { type: "staff", id: staff.id, label: [staff.firstName, staff.lastName].filter(Boolean).join(" ") || "Staff member" };
    const permitted = Boolean(role?.permissions.includes(permission as never));
    const reason = !staff.active ? "they are deactivated in this store" : permitted ? null : `the ${role?.name ?? staff.roleKey} role does not have the ${permission} permission`;
    rbac = { applies: true, allowed: reason === null, permission, role: role?.name ?? staff.roleKey, reason };
  } else {
    actor = { type: input.actor.type, id: `simulated-${input.actor.type}`, label: input.actor.label };
    // Workflows and agents have no role: the store policy is what binds them.
    rbac = { applies: false, allowed: true, permission, role: null, reason: null };
  }
  const facts = {
    amount: input.amount,
    percentage: input.percentage ?? (input.amount ? percentOf(input.amount, order.currentTotalAmount) : undefined),
  };
  const decision = await decideActionPolicy({ db: ctx.db, shopId: ctx.shop.id, actor, actionType: input.actionType, facts });
  return {
    order: { id: order.id, name: order.name, currentTotalAmount: order.currentTotalAmount, currencyCode: order.currencyCode },
    actor: { type: actor.type, label: actor.label },
    facts,
    rbac,
    allowed: decision.allowed && rbac.allowed,
    requiresConfirmation: decision.requiresConfirmation,
    requiresApproval: decision.requiresApproval,
    rule: !rbac.allowed ? `${actor.label} may not run it: ${rbac.reason}` : decision.rule,
    policyRule: decision.rule,
  };
}

export type SimulationResult = Awaited<ReturnType<typeof simulatePolicy>>;
