import type { ActionFunctionArgs } from "@remix-run/node";
import { enqueue } from "../jobs/enqueue.server";
import { AppError } from "../lib/app-error";
import { correlationIdFrom } from "../lib/correlation.server";
import { toErrorResponse } from "../lib/http.server";
import { logger } from "../lib/logger.server";
import { unstorableTextIssues } from "../lib/storable-text";
import { authenticate } from "../shopify.server";
import { recordDelivery } from "../webhooks/record-delivery.server";

/**
 * The webhook inbox for every topic declared in shopify.app.toml except the app lifecycle
 * ones (their own routes): verify the HMAC (401 and nothing stored when it is wrong), store
 * the delivery, then acknowledge. Processing happens in a job (webhook.process), so Shopify
 * gets its answer in milliseconds and a failure is retried by the queue, not by Shopify.
 */
export async function action({ request }: ActionFunctionArgs) {
  const { shop, payload, webhookId, apiVersion } = await authenticate.webhook(request);
  // Every Shopify payload is a JSON object. One that is not, or that holds text Postgres cannot
  // store (a NUL, a lone surrogate: the insert would fail with a 500 that Shopify retries for
  // hours), is refused with a 400 and nothing is stored (storable-text.ts).
  if (typeof payload !== "object" || payload === null || Array.isArray(payload) || unstorableTextIssues(payload).length) {
    logger.warn({ shop, webhookId }, "webhook payload refused: not an object, or text that cannot be stored");
    return toErrorResponse(new AppError("VALIDATION", "The payload is not a JSON object the inbox can store"), correlationIdFrom(request));
  }
  const headers = request.headers;
  const triggeredAt = headers.get("X-Shopify-Triggered-At");
  const delivery = await recordDelivery({
    shopDomain: shop,
    webhookId,
    eventId: headers.get("X-Shopify-Event-Id"),
    // The header keeps Shopify's topic spelling (orders/updated); the library upper-cases it.
    topic: headers.get("X-Shopify-Topic") ?? "unknown",
    triggeredAt: triggeredAt && !Number.isNaN(Date.parse(triggeredAt)) ? new Date(triggeredAt) : null,
    apiVersion,
    payload,
  });
  // A duplicate that was never processed (e.g. the first enqueue failed) is enqueued again;
  // the job is idempotent.
  if (delivery.status === "received") {
    try {
      await enqueue("webhook", { deliveryId: delivery.id });
    } catch (error) {
      // Stored is what matters: the sweeper (orders.reconcile) picks up unprocessed deliveries.
      logger.warn({ shop, webhookId, err: (error as Error).message }, "webhook stored but not enqueued");
    }
  }
  return new Response(null, { status: 200 });
}
