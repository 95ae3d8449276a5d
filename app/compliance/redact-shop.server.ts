import { purgeShopData } from "../audit/purge-shop-data.server";
import { logger } from "../lib/logger.server";

export interface RedactShopOptions {
  shopDomain: string;
  /** The shop/redact delivery being processed: kept, as the record that the purge happened. */
  deliveryId: string;
}

/**
 * shop/redact: Shopify sends it 48 hours after an uninstall, asking for the shop's data to be
 * erased. A shop that is installed (never uninstalled, or installed again since) is live: its
 * data is not wiped, whoever sent the request; it is logged (the shop's domain and the
 * delivery, nothing about its customers) and ignored.
 */
export async function redactShop({ shopDomain, deliveryId }: RedactShopOptions): Promise<"purged" | "ignored"> {
  const result = await purgeShopData({ shopDomain, keepDeliveryId: deliveryId });
  if (result.purged) return "purged";
  logger.warn({ shop: shopDomain, deliveryId, installedAt: result.installedAt.toISOString() }, "shop/redact ignored: the shop is still installed");
  return "ignored";
}
