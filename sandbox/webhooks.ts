/**
 * Webhook deliveries exactly as Shopify makes them: the raw JSON body, its HMAC-SHA256 with
 * the app secret (base64), and the delivery headers. Shopify names them `X-Shopify-Topic`,
 * `X-Shopify-Hmac-Sha256`, ... and newer deliveries lowercase them without the `X-` prefix
 * (`shopify-topic`, `shopify-hmac-sha256`, ...); `headerStyle` picks the form. Destinations
 * come from the app's own shopify.app.toml, so the sandbox exercises the subscriptions the app
 * really declares.
 */
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { ADMIN_API_VERSION } from "./graphql/schema";

export interface WebhookDelivery {
  topic: string;
  shop: string;
  payload: unknown;
  webhookId?: string;
  eventId?: string;
  triggeredAt?: string;
  apiVersion?: string;
  /** "x-shopify" (default): `X-Shopify-Topic`...; "shopify": `shopify-topic`... */
  headerStyle?: WebhookHeaderStyle;
}

export type WebhookHeaderStyle = "x-shopify" | "shopify";

export function signWebhookBody(body: string, secret: string): string {
  return createHmac("sha256", secret).update(body, "utf8").digest("base64");
}

export function webhookHeaders(delivery: WebhookDelivery, body: string, secret: string): Record<string, string> {
  const values: Record<string, string> = {
    Topic: delivery.topic,
    "Hmac-Sha256": signWebhookBody(body, secret),
    "Shop-Domain": delivery.shop,
    "Webhook-Id": delivery.webhookId ?? randomUUID(),
    "Event-Id": delivery.eventId ?? randomUUID(),
    "Triggered-At": delivery.triggeredAt ?? new Date().toISOString(),
    "API-Version": delivery.apiVersion ?? ADMIN_API_VERSION,
  };
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  for (const [name, value] of Object.entries(values)) {
    headers[delivery.headerStyle === "shopify" ? `shopify-${name.toLowerCase()}` : `X-Shopify-${name}`] = value;
  }
  return headers;
}

/** Builds the Request Shopify would send (tests hand it straight to a route's action). */
export function buildWebhookRequest(url: string, delivery: WebhookDelivery, secret: string): Request {
  const body = JSON.stringify(delivery.payload);
  return new Request(url, { method: "POST", headers: webhookHeaders(delivery, body, secret), body });
}

export async function deliverWebhook(url: string, delivery: WebhookDelivery, secret: string): Promise<{ status: number; body: string }> {
  const response = await fetch(buildWebhookRequest(url, delivery, secret));
  return { status: response.status, body: await response.text() };
}

/**
 * Reads `[[webhooks.subscriptions]]` (topics, compliance_topics, uri) from shopify.app.toml.
 * A small reader for that one table shape, enough to route deliveries like Shopify does.
 */
export function readWebhookSubscriptions(tomlPath: string): Map<string, string> {
  const text = readFileSync(tomlPath, "utf8");
  const routes = new Map<string, string>();
  const blocks = text.split(/^\s*\[\[webhooks\.subscriptions\]\]\s*$/m).slice(1);
  for (const block of blocks) {
    const section = block.split(/^\s*\[/m)[0];
    const uri = /^\s*uri\s*=\s*"([^"]+)"/m.exec(section)?.[1];
    if (!uri) continue;
    for (const key of ["topics", "compliance_topics"]) {
      const list = new RegExp(`^\\s*${key}\\s*=\\s*\\[([^\\]]*)\\]`, "m").exec(section)?.[1];
      for (const topic of list?.match(/"([^"]+)"/g) ?? []) routes.set(topic.slice(1, -1), uri);
    }
  }
  return routes;
}
