import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getEnv } from "../env.server";
import { correlationIdFrom } from "../lib/correlation.server";
import { guard } from "../lib/http.server";
import { recordUninstall } from "../shops/record-uninstall.server";
import { readShopifyWebhook, refuseNonPost } from "../webhooks/read-webhook.server";

// Subscribed in shopify.app.toml. The delivery is verified like every webhook (401 forged, 400 unusable).
export async function action({ request }: ActionFunctionArgs) {
  const correlationId = correlationIdFrom(request);
  return guard(correlationId, async () => {
    const { shopDomain } = await readShopifyWebhook({ request, secret: getEnv().SHOPIFY_API_SECRET });
    await recordUninstall({ shop: shopDomain });
    return new Response(null, { status: 200 });
  });
}

/** A GET (or HEAD) is no delivery: answered with the standard error body (400), like every refused delivery. */
export function loader({ request }: LoaderFunctionArgs) {
  return refuseNonPost(request);
}
