import { unauthenticated } from "../shopify.server";
import { adminClient, type AdminClient } from "./admin-client.server";

/** The Admin API for background work, with the shop's offline token (refreshed when it expires). */
export async function offlineClient(shopDomain: string): Promise<AdminClient> {
  const { admin } = await unauthenticated.admin(shopDomain);
  return adminClient({ shop: shopDomain, graphql: admin.graphql });
}
