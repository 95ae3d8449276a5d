/**
 * Where the store's action policy plugs into the runner (between RBAC and idempotency).
 * Step 5 (issue 6) replaces the body with the one decision function over ActionPermission and
 * ActionLimit. Until then the two actions in the registry (create_task, add_internal_note) have
 * no external side effect and no store-level setting, so RBAC alone decides.
 */
import type { RequestContext } from "../lib/route.server";
import type { ActionDefinition, ActionTarget } from "./types";

export interface PolicyDecision {
  allowed: boolean;
  requiresConfirmation: boolean;
  requiresApproval: boolean;
  /** The rule that decided, in words (shown to staff and kept on the audit row). */
  rule: string;
}

export async function decidePolicy(_ctx: RequestContext, action: ActionDefinition<unknown>, _target: ActionTarget, _input: unknown): Promise<PolicyDecision> {
  return { allowed: true, requiresConfirmation: false, requiresApproval: false, rule: `No store policy applies to ${action.type}: the ${action.permission} permission decides` };
}
