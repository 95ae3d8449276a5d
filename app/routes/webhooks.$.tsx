import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getEnv } from "../env.server";
import { enqueue } from "../jobs/enqueue.server";
import { correlationIdFrom } from "../lib/correlation.server";
import { guard } from "../lib/http.server";
import { logger } from "../lib/logger.server";
import { readShopifyWebhook, refuseNonPost } from "../webhooks/read-webhook.server";
import { recordDelivery } from "../webhooks/record-delivery.server";

/**
 * The webhook inbox for every topic declared in shopify.app.toml except the app lifecycle
 * ones (their own routes): verify the delivery (401 when unsigned or forged, 400 when signed
 * but unusable; nothing stored either way), store it, then acknowledge. Processing happens in
 * a job (webhook.process), so Shopify gets its answer in milliseconds and a failure is retried
 * by the queue, not by Shopify.
 */
export async function action({ request }: ActionFunctionArgs) {
  const correlationId = correlationIdFrom(request);
  return guard(
    correlationId,
    async () => {
      const webhook = await readShopifyWebhook({ request, secret: getEnv().SHOPIFY_API_SECRET });
      const delivery = await recordDelivery(webhook);
      // A duplicate that was never processed (e.g. the first enqueue failed) is enqueued again;
      // the job is idempotent.
      if (delivery.status === "received") {
        try {
          await enqueue("webhook", { deliveryId: delivery.id });
        } catch (error) {
          // Stored is what matters: the sweeper (orders.reconcile) picks up unprocessed deliveries.
          logger.warn({ shop: webhook.shopDomain, webhookId: webhook.webhookId, err: (error as Error).message }, "webhook stored but not enqueued");
        }
      }
      return new Response(null, { status: 200 });
    },
    { path: new URL(request.url).pathname },
  );
}

/** A GET (or HEAD) is no delivery: answered with the standard error body (400), like every refused delivery. */
export function loader({ request }: LoaderFunctionArgs) {
  return refuseNonPost(request);
}
