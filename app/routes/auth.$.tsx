import type { LoaderFunctionArgs } from "@remix-run/node";
import { getEnv } from "../env.server";
import { AppError } from "../lib/app-error";
import { authenticateAdmin } from "../lib/authenticate-admin.server";
import { correlationIdFrom } from "../lib/correlation.server";
import { toErrorResponse } from "../lib/http.server";
import { isShopDomain } from "../lib/shop-domain";

// Handles /auth/session-token (the bounce page) and the other auth paths of the library,
// through the same door as every embedded route (tokens Shopify never issues are refused).
export async function loader({ request }: LoaderFunctionArgs) {
  const correlationId = correlationIdFrom(request);
  const shop = new URL(request.url).searchParams.get("shop");
  // The library writes the raw shop parameter into the Content-Security-Policy of its bounce
  // and exit-iframe pages (its other pages sanitize it first): a NUL broke the header (500) and
  // any other domain would have been allowed to frame the page.
  if (shop !== null && !isShopDomain(shop, getEnv().SHOP_CUSTOM_DOMAIN)) {
    throw toErrorResponse(new AppError("VALIDATION", "The shop parameter is not a shop domain", { fields: { shop: ["Use the shop's domain, like my-store.myshopify.com"] } }), correlationId);
  }
  try {
    await authenticateAdmin(request);
  } catch (error) {
    // An exit-iframe or redirect destination that is not ours: the library refuses it by
    // throwing a ShopifyError (not exported by the Remix package; this message is all that marks
    // it), which is a bad request, not a 500.
    if (error instanceof Error && /Refusing to redirect/.test(error.message)) {
      throw toErrorResponse(new AppError("VALIDATION", "That redirect destination is not allowed", { fields: { exitIframe: ["Not a destination of this app or the Shopify admin"] } }), correlationId);
    }
    throw error;
  }
  return null;
}
