import prisma from "../db.server";

export interface RecordUninstallOptions {
  shop: string;
}

/**
 * app/uninstalled: the access tokens are dead, so the sessions go; the shop is kept (marked
 * uninstalled) until shop/redact asks for its data to be erased 48 hours later. Idempotent:
 * Shopify may deliver the webhook more than once.
 */
export async function recordUninstall({ shop }: RecordUninstallOptions): Promise<void> {
  await prisma.$transaction([
    prisma.session.deleteMany({ where: { shop } }),
    prisma.shop.updateMany({ where: { domain: shop, uninstalledAt: null }, data: { uninstalledAt: new Date() } }),
  ]);
}
