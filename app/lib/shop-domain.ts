/**
 * A shop's permanent domain (`<handle>.myshopify.com`, or a subdomain of the configured
 * SHOP_CUSTOM_DOMAIN), for parameters that name a shop before anything has verified it.
 */
const MYSHOPIFY = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i;

export function isShopDomain(value: string, customDomain?: string): boolean {
  if (MYSHOPIFY.test(value)) return true;
  if (!customDomain) return false;
  const escaped = customDomain.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^[a-z0-9][a-z0-9-]*\\.${escaped}$`, "i").test(value);
}
