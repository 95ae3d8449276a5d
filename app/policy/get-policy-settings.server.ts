import type { RequestContext } from "../lib/route.server";
import { POLICY_ACTIONS, defaultPermission } from "./catalog";
import { ensureDefaultPolicy } from "./ensure-default-policy.server";
import { loadPolicy } from "./load-policy.server";
import { toForm } from "./policy-form";

/** Every governed action with its current policy as the settings form shows it. */
export async function getPolicySettings(ctx: RequestContext) {
  // A shop installed before Step 5 gets its default rows here (idempotent; bumps nothing:
  // missing rows already meant the defaults).
  await ensureDefaultPolicy({ db: ctx.db });
  const policy = await loadPolicy(ctx.db, ctx.shop.id);
  return {
    currencyCode: policy.currencyCode,
    canManage: ctx.role.permissions.has("policy.manage"),
    actions: POLICY_ACTIONS.map((info) => ({
      ...info,
      form: toForm(
        policy.permissions.get(info.actionType) ?? (defaultPermission(info.actionType) as NonNullable<ReturnType<typeof defaultPermission>>),
        policy.limits.filter((limit) => limit.actionType === info.actionType),
      ),
    })),
  };
}

export type PolicySettings = Awaited<ReturnType<typeof getPolicySettings>>;
