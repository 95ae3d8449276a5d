/**
 * The settings page's simulator: "would a 120.00 refund on #1042 by this person be allowed?"
 * The same decision function the runner uses, with the same facts, for a staff member (plus
 * their role's permission), a workflow or an AI agent. Reads only.
 */
import type { Actor } from "../audit/types";
import { AppError } from "../lib/app-error";
import { percentOf } from "../lib/money";
import type { RequestContext } from "../lib/route.server";
import { ALL_PERMISSIONS, ROLE_BY_KEY, type RoleKey } from "../rbac/permissions";
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
    const staff = await ctx.db.staffMember.findUnique({ where: { id: input.actor.staffId }, select: { id: true, shopifyUserId: true, firstName: true, lastName: true, roleKey: true, active: true, accountOwner: true } });
    if (!staff) throw new AppError("VALIDATION", "No such staff member in this store", { fields: { "actor.staffId": ["Choose a staff member of this store"] } });
    // The role as enforcement resolves it (app/staff/resolve-staff.server.ts): the shop's own Role
    // row, the catalog only for a role the shop lacks, and every permission for the owner.
    const roleKey = staff.accountOwner ? "owner" : staff.roleKey;
    const row = await ctx.db.role.findUnique({ where: { shopId_key: { shopId: ctx.shop.id, key: roleKey } }, select: { name: true, permissions: true } });
    const definition = ROLE_BY_KEY.get(roleKey as RoleKey);
    const roleName = row?.name ?? definition?.name ?? roleKey;
    const granted: readonly string[] = roleKey === "owner" ? ALL_PERMISSIONS : (row?.permissions ?? definition?.permissions ?? []);
    actor = { type: "staff", id: staff.id, label: [staff.firstName, staff.lastName].filter(Boolean).join(" ") || `Staff ${staff.shopifyUserId}` };
    const reason = !staff.active && !staff.accountOwner ? "they are deactivated in this store" : granted.includes(permission) ? null : `the ${roleName} role does not have the ${permission} permission`;
    rbac = { applies: true, allowed: reason === null, permission, role: roleName, reason };
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
    /** The runner's refusal code: its role (FORBIDDEN), the store switch (POLICY_DENIED) or a limit (LIMIT_EXCEEDED). */
    code: !rbac.allowed ? ("FORBIDDEN" as const) : decision.code,
    policyRule: decision.rule,
    policyCode: decision.code,
  };
}

export type SimulationResult = Awaited<ReturnType<typeof simulatePolicy>>;
