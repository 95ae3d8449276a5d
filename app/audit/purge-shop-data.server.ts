import prisma from "../db.server";
import { TENANT_MODELS } from "../lib/tenancy.server";

/**
 * Deletes every row a shop has in our database, audit log included: the one path allowed
 * past the audit log's append-only trigger (it sets oac.audit_purge for this transaction only).
 * Used by shop/redact. Idempotent.
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
    await tx.$executeRawUnsafe(`SET LOCAL oac.audit_purge = 'on'`);
    for (const model of TENANT_MODELS) {
      const table = `"${model}"`;
      deleted += await tx.$executeRawUnsafe(`DELETE FROM ${table} WHERE "shopId" = $1`, shop.id);
    }
    await tx.shop.delete({ where: { id: shop.id } });
    return { deleted: deleted + 1 };
  });
}
