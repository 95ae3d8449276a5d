import prisma from "../db.server";
import { TENANT_MODELS } from "../lib/tenancy.server";

export type PurgeShopResult = { purged: true; deleted: number } | { purged: false; reason: "installed"; installedAt: Date };

/**
 * Deletes every row a shop has in our database, audit log included: the one path allowed
 * past the audit log's append-only trigger. The app's role may not delete audit rows at all
 * (docs/decisions/0015); the owner's oac_purge_shop_audit() deletes one shop's, inside this
 * transaction. Used by shop/redact. Refuses a shop that is installed (checked under a lock on
 * the shop row, so a reinstall at the same moment either waits for the purge or wins over it).
 * Idempotent.
 */
export async function purgeShopData({ shopDomain, keepDeliveryId }: { shopDomain: string; keepDeliveryId?: string }): Promise<PurgeShopResult> {
  return prisma.$transaction(async (tx) => {
    const [shop] = await tx.$queryRaw<Array<{ id: string; uninstalledAt: Date | null; installedAt: Date }>>`
      SELECT id, "uninstalledAt", "installedAt" FROM "Shop" WHERE domain = ${shopDomain} FOR UPDATE`;
    if (shop && !shop.uninstalledAt) return { purged: false, reason: "installed", installedAt: shop.installedAt };
    let deleted = await tx.session.deleteMany({ where: { shop: shopDomain } }).then((result) => result.count);
    // Webhook payloads name customers: they go too, except the shop/redact delivery being
    // processed (it holds only the shop's id and domain, and records that the purge happened).
    deleted += await tx.webhookDelivery
      .deleteMany({ where: { shopDomain, ...(keepDeliveryId ? { id: { not: keepDeliveryId } } : {}) } })
      .then((result) => result.count);
    if (!shop) return { purged: true, deleted };
    for (const model of TENANT_MODELS) {
      if (model === "AuditLog") {
        const [row] = await tx.$queryRawUnsafe<Array<{ n: number }>>(`SELECT oac_purge_shop_audit($1) AS n`, shop.id);
        deleted += row!.n;
        continue;
      }
      const table = `"${model}"`;
      deleted += await tx.$executeRawUnsafe(`DELETE FROM ${table} WHERE "shopId" = $1`, shop.id);
    }
    await tx.shop.delete({ where: { id: shop.id } });
    return { purged: true, deleted: deleted + 1 };
  });
}
