import type { Prisma } from "@prisma/client";
import type { Session } from "@shopify/shopify-api";
import prisma from "../db.server";
import { recordAudit } from "../audit/record-audit.server";
import type { Actor } from "../audit/types";
import { AppError } from "../lib/app-error";
import { scopedDb, type ScopedDb } from "../lib/tenancy.server";
import { ALL_PERMISSIONS, ROLE_BY_KEY, type Permission, type RoleKey } from "../rbac/permissions";
import { ensureDefaultPolicy } from "../policy/ensure-default-policy.server";
import { seedRoles } from "../rbac/seed-roles.server";

export interface StaffIdentity {
  shop: { id: string; domain: string; name: string | null };
  staff: { id: string; shopifyUserId: string; name: string; email: string | null; accountOwner: boolean; roleKey: RoleKey };
  role: { key: RoleKey; name: string; rank: number; permissions: ReadonlySet<Permission> };
  actor: Actor;
  db: ScopedDb;
}

export interface ResolveStaffOptions {
  shopDomain: string;
  /** The session token's `sub`: Shopify's staff user id. */
  userId: string;
  /** The online session, whose associated user names the staff member. */
  session?: Session;
  correlationId: string;
}

const SEEN_REFRESH_MS = 5 * 60 * 1000;

/**
 * The acting staff member for an authenticated request: found or created (and named from the
 * online token's associated user), with their role and permissions. The store's account owner
 * is always Owner, whatever the table says.
 */
export async function resolveStaff({ shopDomain, userId, session, correlationId }: ResolveStaffOptions): Promise<StaffIdentity> {
  // A valid session token means the store has the app installed. The afterAuth hook records
  // the install, but a page's parallel loaders can get here first: create the row if needed.
  let shop = await prisma.shop.findUnique({ where: { domain: shopDomain } });
  if (!shop || shop.uninstalledAt) {
    shop = await prisma.shop.upsert({
      where: { domain: shopDomain },
      create: { domain: shopDomain, scopes: session?.scope ?? null },
      update: { uninstalledAt: null },
    });
  }
  const db = scopedDb(shop.id);
  const user = session?.onlineAccessInfo?.associated_user;
  const accountOwner = user?.account_owner ?? false;

  let staff = await db.staffMember.findUnique({ where: { shopId_shopifyUserId: { shopId: shop.id, shopifyUserId: userId } } });
  if (!staff) {
    staff = await db.$transaction(async (tx) => {
      await seedRoles({ db: tx });
      await ensureDefaultPolicy({ db: tx });
      // A member's first requests often arrive together (a page's parallel loaders): only the
      // one that really creates the row records staff.joined.
      const created = await tx.staffMember.createMany({
        data: [
          {
            shopifyUserId: userId,
            firstName: user?.first_name ?? null,
            lastName: user?.last_name ?? null,
            email: user?.email ?? null,
            accountOwner,
            collaborator: user?.collaborator ?? false,
            roleKey: accountOwner ? "owner" : "viewer",
            lastSeenAt: new Date(),
          } as Prisma.StaffMemberCreateManyInput,
        ],
        skipDuplicates: true,
      });
      const member = await tx.staffMember.findUniqueOrThrow({ where: { shopId_shopifyUserId: { shopId: shop.id, shopifyUserId: userId } } });
      if (created.count === 1) {
        await recordAudit({
          db: tx,
          actor: { type: "system", id: null, label: "System" },
          action: "staff.joined",
          entityType: "StaffMember",
          entityId: member.id,
          after: { roleKey: member.roleKey, accountOwner: member.accountOwner },
          correlationId,
        });
      }
      return member;
    });
  } else {
    const stale = !staff.lastSeenAt || Date.now() - staff.lastSeenAt.getTime() > SEEN_REFRESH_MS;
    const ownerChanged = user !== undefined && staff.accountOwner !== accountOwner;
    const renamed = user !== undefined && (staff.firstName !== user.first_name || staff.lastName !== user.last_name || staff.email !== user.email);
    if (stale || ownerChanged || renamed) {
      staff = await db.staffMember.update({
        where: { id: staff.id },
        data: {
          lastSeenAt: new Date(),
          ...(user ? { firstName: user.first_name, lastName: user.last_name, email: user.email, accountOwner, collaborator: user.collaborator ?? false } : {}),
          // Ownership moves with Shopify's account owner flag.
          ...(ownerChanged && accountOwner ? { roleKey: "owner" } : {}),
        },
      });
    }
  }

  if (!staff.active && !staff.accountOwner) {
    // Deactivated on the Staff page (left the store): a valid Shopify token is not enough.
    throw new AppError("FORBIDDEN", "Your access to this app was deactivated by an admin of this store.", { details: { reason: "deactivated" } });
  }
  const roleKey = (staff.accountOwner ? "owner" : staff.roleKey) as RoleKey;
  const role = (await db.role.findUnique({ where: { shopId_key: { shopId: shop.id, key: roleKey } } })) ?? null;
  const definition = ROLE_BY_KEY.get(roleKey);
  if (!role && !definition) throw new AppError("FORBIDDEN", `Unknown role ${roleKey}`);
  const name = [staff.firstName, staff.lastName].filter(Boolean).join(" ") || `Staff ${staff.shopifyUserId}`;
  return {
    shop: { id: shop.id, domain: shop.domain, name: shop.name },
    staff: { id: staff.id, shopifyUserId: staff.shopifyUserId, name, email: staff.email, accountOwner: staff.accountOwner, roleKey },
    role: {
      key: roleKey,
      name: role?.name ?? definition!.name,
      rank: role?.rank ?? definition!.rank,
      // The owner holds every permission, including ones added to the catalog after seeding.
      permissions: new Set(roleKey === "owner" ? ALL_PERMISSIONS : ((role?.permissions ?? definition!.permissions) as Permission[])),
    },
    actor: { type: "staff", id: staff.id, label: name },
    db,
  };
}
