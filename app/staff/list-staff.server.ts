import type { DbClient } from "../lib/tenancy.server";

export interface StaffRow {
  id: string;
  name: string;
  email: string | null;
  roleKey: string;
  accountOwner: boolean;
  collaborator: boolean;
  lastSeenAt: string | null;
  active: boolean;
}

export async function listStaff({ db }: { db: DbClient }): Promise<StaffRow[]> {
  const rows = await db.staffMember.findMany({ orderBy: [{ active: "desc" }, { accountOwner: "desc" }, { firstName: "asc" }, { id: "asc" }], take: 500 });
  return rows.map((row) => ({
    id: row.id,
    name: [row.firstName, row.lastName].filter(Boolean).join(" ") || `Staff ${row.shopifyUserId}`,
    email: row.email,
    roleKey: row.roleKey,
    accountOwner: row.accountOwner,
    collaborator: row.collaborator,
    lastSeenAt: row.lastSeenAt?.toISOString() ?? null,
    active: row.active,
  }));
}
