import type { Prisma } from "@prisma/client";
import type { DbClient } from "../lib/tenancy.server";
import { ROLES } from "./permissions";

/**
 * Creates the eight roles for a shop. Idempotent: existing roles are left as they are, so a
 * second run changes nothing (and a shop's later edits survive reinstalls).
 */
export async function seedRoles({ db }: { db: DbClient }): Promise<{ created: number }> {
  const result = await db.role.createMany({
    // shopId is added by the scoped client (app/lib/tenancy.server.ts).
    data: ROLES.map((role) => ({
      key: role.key,
      name: role.name,
      description: role.description,
      rank: role.rank,
      permissions: role.permissions,
    })) as Prisma.RoleCreateManyInput[],
    skipDuplicates: true,
  });
  return { created: result.count };
}
