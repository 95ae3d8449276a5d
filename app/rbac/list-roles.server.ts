import type { DbClient } from "../lib/tenancy.server";
import { PERMISSIONS, type Permission } from "./permissions";

export async function listRoles({ db }: { db: DbClient }) {
  const roles = await db.role.findMany({ orderBy: { rank: "desc" } });
  return {
    roles: roles.map((role) => ({ key: role.key, name: role.name, description: role.description, rank: role.rank, permissions: role.permissions })),
    permissions: (Object.keys(PERMISSIONS) as Permission[]).map((key) => ({ key: key as string, description: PERMISSIONS[key] })),
  };
}
