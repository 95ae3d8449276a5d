import type { ActionFunctionArgs } from "@remix-run/node";
import { authenticate } from "../shopify.server";
import { recordUninstall } from "../shops/record-uninstall.server";

// Subscribed in shopify.app.toml. authenticate.webhook answers 401 itself when the HMAC is bad.
export async function action({ request }: ActionFunctionArgs) {
  const { shop } = await authenticate.webhook(request);
  await recordUninstall({ shop });
  return new Response(null, { status: 200 });
}
