/**
 * lookup_order: fetches the order from Shopify again and shows where it stands. Changes nothing
 * in Shopify; the runner's re-ingest after it stores what came back (a new snapshot only when
 * something changed).
 */
import { z } from "zod";
import { defineAction } from "./types";

export const ZLookupOrderInput = z.object({}).strict();

export const lookupOrderAction = defineAction<Record<string, never>>({
  type: "lookup_order",
  label: "Look up order",
  description: "Refreshes the order from Shopify and shows its payment and fulfillment status.",
  permission: "actions.lookup_order",
  targets: ["ticket", "order"],
  input: ZLookupOrderInput as z.ZodType<Record<string, never>>,
  preview: (target) => `Fetch order ${target.order?.name ?? ""} from Shopify and refresh it here. Nothing changes in Shopify.`,
  async perform({ order }) {
    // The fetch itself is the runner's re-ingest after every Shopify action: nothing to do first.
    return { result: { orderId: order.id, shopifyId: order.shopifyId }, summary: `Looked up ${order.name} in Shopify` };
  },
});
