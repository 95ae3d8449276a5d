import type { Prisma } from "@prisma/client";
import type { DbClient } from "../lib/tenancy.server";
import { POLICY_ACTIONS, defaultPermission } from "./catalog";

/**
 * Creates the conservative default row for every governed action the shop has no row for.
 * Idempotent (skipDuplicates on the unique shop + action type): re-installs and concurrent
 * calls never overwrite what the merchant chose.
 */
export async function ensureDefaultPolicy({ db }: { db: DbClient }): Promise<number> {
  const rows = POLICY_ACTIONS.map((info) => defaultPermission(info.actionType)) as Prisma.ActionPermissionCreateManyInput[];
  const created = await db.actionPermission.createMany({ data: rows, skipDuplicates: true });
  return created.count;
}
