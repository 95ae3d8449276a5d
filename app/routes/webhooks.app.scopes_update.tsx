import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { validateInput } from "../lib/http.server";
import { authenticate } from "../shopify.server";
import { updateScopes } from "../shops/update-scopes.server";

const ZScopesUpdate = z.object({ current: z.array(z.string()) });

// Subscribed in shopify.app.toml. authenticate.webhook answers 401 itself when the HMAC is bad.
export async function action({ request }: ActionFunctionArgs) {
  const { shop, payload } = await authenticate.webhook(request);
  // The shared input check: a scope with a NUL would otherwise reach the database (500).
  const parsed = validateInput(ZScopesUpdate, payload);
  if (!parsed.ok) return new Response("payload.current must be a list of scopes", { status: 400 });
  await updateScopes({ shop, scopes: parsed.data.current });
  return new Response(null, { status: 200 });
}
