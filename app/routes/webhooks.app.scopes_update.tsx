import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { getEnv } from "../env.server";
import { correlationIdFrom } from "../lib/correlation.server";
import { guard, parseInput } from "../lib/http.server";
import { updateScopes } from "../shops/update-scopes.server";
import { readShopifyWebhook, refuseNonPost } from "../webhooks/read-webhook.server";

const ZScopesUpdate = z.object({ current: z.array(z.string().max(100)).max(200) });

// Subscribed in shopify.app.toml. The delivery is verified like every webhook (401 forged, 400 unusable).
export async function action({ request }: ActionFunctionArgs) {
  const correlationId = correlationIdFrom(request);
  return guard(correlationId, async () => {
    const { shopDomain, payload } = await readShopifyWebhook({ request, secret: getEnv().SHOPIFY_API_SECRET });
    const { current } = parseInput(ZScopesUpdate, payload, "payload.current must be a list of scopes");
    await updateScopes({ shop: shopDomain, scopes: current });
    return new Response(null, { status: 200 });
  });
}

/** A GET (or HEAD) is no delivery: answered with the standard error body (400), like every refused delivery. */
export function loader({ request }: LoaderFunctionArgs) {
  return refuseNonPost(request);
}
