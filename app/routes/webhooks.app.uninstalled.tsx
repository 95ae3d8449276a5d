import type { ActionFunctionArgs } from "@remix-run/node";
import { getEnv } from "../env.server";
import { correlationIdFrom } from "../lib/correlation.server";
import { guard } from "../lib/http.server";
import { recordUninstall } from "../shops/record-uninstall.server";
import { readShopifyWebhook } from "../webhooks/read-webhook.server";

// Subscribed in shopify.app.toml. The delivery is verified like every webhook (401 forged, 400 unusable).
export async function action({ request }: ActionFunctionArgs) {
  const correlationId = correlationIdFrom(request);
  return guard(correlationId, async () => {
    const { shopDomain } = await readShopifyWebhook({ request, secret: getEnv().SHOPIFY_API_SECRET });
    await recordUninstall({ shop: shopDomain });
    return new Response(null, { status: 200 });
  });
}
