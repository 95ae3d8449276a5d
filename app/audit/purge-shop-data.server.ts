import prisma from "../db.server";
import { TENANT_MODELS } from "../lib/tenancy.server";

/**
 * Deletes every row a shop has in our database, audit log included: the one path allowed
 * past the audit log's append-only trigger. The app's role may not delete audit rows at all
 * (docs/decisions/0015); the owner's oac_purge_shop_audit() deletes one shop's, inside this
 * transaction. Used by shop/redact. Idempotent.
 */
export async function purgeShopData({ shopDomain, keepDeliveryId }: { shopDomain: string; keepDeliveryId?: string }): Promise<{ deleted: number }> {
  return prisma.$transaction(async (tx) => {
    const shop = await tx.shop.findUnique({ where: { domain: shopDomain } });
    let deleted = await tx.session.deleteMany({ where: { shop: shopDomain } }).then((result) => result.count);
    // Webhook payloads name customers: they go too, except the shop/redact delivery being
    // processed (it holds only the shop's id and domain, and records that the purge happened).
    deleted += await tx.webhookDelivery
      .deleteMany({ where: { shopDomain, ...(keepDeliveryId ? { id: { not: keepDeliveryId } } : {}) } })
      .then((result) => result.count);
    if (!shop) return { deleted };
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
    return { deleted: deleted + 1 };
  });
}
