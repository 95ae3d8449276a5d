/**
 * The shop's policy, cached per process. Every change bumps Shop.policyVersion in the change's
 * own transaction, and every read compares it (one primary-key lookup) before trusting the
 * cache: an edit on one app instance is seen by all the others on their next decision, with no
 * timer and no message bus (docs/decisions/0009).
 */
import type { DbClient } from "../lib/tenancy.server";
import type { ActionLimitRule, ActionPermissionRule, ApprovalMode, LimitType, ShopPolicy } from "./types";

const cache = new Map<string, ShopPolicy>();
/** Exposed for tests and the benchmark: how many times rules were read from the tables. */
export const policyCacheStats = { loads: 0 };

export async function loadPolicy(db: DbClient, shopId: string): Promise<ShopPolicy> {
  const shop = await db.shop.findUnique({ where: { id: shopId }, select: { policyVersion: true, currencyCode: true } });
  const version = shop?.policyVersion ?? 0;
  const cached = cache.get(shopId);
  if (cached && cached.version === version) return cached;
  // Read after the version: the rows are at least that new, so a concurrent change can only
  // make the next read reload, never hide an edit.
  const permissions = await db.actionPermission.findMany({ where: { shopId } });
  const limits = await db.actionLimit.findMany({ where: { shopId }, orderBy: [{ actionType: "asc" }, { limitType: "asc" }, { perActor: "asc" }] });
  policyCacheStats.loads++;
  const policy: ShopPolicy = {
    version,
    currencyCode: shop?.currencyCode ?? "USD",
    permissions: new Map(
      permissions.map((row): [string, ActionPermissionRule] => [
        row.actionType,
        {
          actionType: row.actionType,
          enabled: row.enabled,
          requiresConfirmation: row.requiresConfirmation,
          approvalMode: row.approvalMode as ApprovalMode,
          approvalThreshold: row.approvalThreshold,
          approvalExpiryHours: row.approvalExpiryHours,
        },
      ]),
    ),
    limits: limits.map(
      (row): ActionLimitRule => ({
        actionType: row.actionType,
        limitType: row.limitType as LimitType,
        value: row.value,
        maxCount: row.maxCount,
        windowHours: row.windowHours,
        perActor: row.perActor,
      }),
    ),
  };
  cache.set(shopId, policy);
  return policy;
}

/** Call in the transaction that changes ActionPermission or ActionLimit rows. */
export async function bumpPolicyVersion(tx: DbClient, shopId: string): Promise<void> {
  await tx.shop.update({ where: { id: shopId }, data: { policyVersion: { increment: 1 } } });
}
