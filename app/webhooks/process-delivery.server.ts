/**
 * Works one stored webhook delivery (the webhook.process job). Order-related topics only say
 * which order changed: they enqueue a re-fetch of the canonical order (order.ingest, coalesced
 * per order). Compliance topics are carried out here. Idempotent: a processed delivery is skipped.
 */
import { z } from "zod";
import prisma from "../db.server";
import { exportCustomerData } from "../compliance/export-customer-data.server";
import { redactCustomer } from "../compliance/redact-customer.server";
import { redactShop } from "../compliance/redact-shop.server";
import { scrubRedactedDelivery } from "../compliance/scrub-deliveries.server";
import { enqueue } from "../jobs/enqueue.server";
import { AppError } from "../lib/app-error";
import { logger } from "../lib/logger.server";
import { scopedDb } from "../lib/tenancy.server";
import { orderGid } from "../orders/ingest-order.server";
import type { AdminClient } from "../shopify/admin-client.server";
import type { FulfillmentOrderOrderQuery } from "../shopify/admin.generated";
import { FULFILLMENT_ORDER_ORDER_QUERY } from "../shopify/documents";

/*
 * Payload shapes, from Shopify's webhook reference (docs/decisions/0012). Each schema reads only
 * what processing needs and lets every other field through: Shopify adds fields over time.
 */
const ZId = z.union([z.number(), z.string()]);
/** orders/create, updated, cancelled, fulfilled, partially_fulfilled, paid: the whole order. */
const ZOrderPayload = z.object({ id: ZId, admin_graphql_api_id: z.string().optional() });
/** order_transactions/create, refunds/create, fulfillments/create and update: a child of the order. */
const ZOrderIdPayload = z.object({ order_id: ZId });
/** orders/edited: `{ order_edit: { id, order_id, line_items: { additions, removals }, ... } }`. */
const ZOrderEditPayload = z.object({ order_edit: z.object({ order_id: ZId }) });
/**
 * returns/request, approve, decline carry `order: { id, admin_graphql_api_id }`; returns/close,
 * reopen and cancel carry only `order_id` (and the return's id and status).
 */
const ZReturnPayload = z.union([
  z.object({ order: z.object({ id: ZId, admin_graphql_api_id: z.string().optional() }) }),
  z.object({ order_id: ZId }),
]);
const ZFulfillmentOrderRef = z.object({ id: z.string() });
/** fulfillment_orders/placed_on_hold, hold_released, cancelled (and the request topics). */
const ZFulfillmentOrderPayload = z.object({ fulfillment_order: ZFulfillmentOrderRef });
/** fulfillment_orders/moved: the original and the moved fulfillment order (the same one when nothing had shipped). */
const ZFulfillmentOrderMovedPayload = z.object({ original_fulfillment_order: ZFulfillmentOrderRef, moved_fulfillment_order: ZFulfillmentOrderRef });
const ZCustomerPayload = z.object({ id: ZId, admin_graphql_api_id: z.string().optional() });
const ZCustomerCompliance = z.object({
  customer: z.object({ id: ZId.nullish(), email: z.string().nullish(), phone: z.string().nullish() }).nullish(),
  orders_to_redact: z.array(ZId).optional(),
  orders_requested: z.array(ZId).optional(),
  data_request: z.object({ id: ZId }).optional(),
});

export interface ProcessDeliveryOptions {
  deliveryId: string;
  correlationId: string;
  /** For topics that need a GraphQL lookup before ingesting (fulfillment orders). */
  clientFor?: (shopDomain: string) => Promise<AdminClient>;
}

const INGEST_DEBOUNCE_SECONDS = 2;

export type ProcessOutcome = "processed" | "skipped" | "already_processed";

export async function processDelivery({ deliveryId, correlationId, clientFor }: ProcessDeliveryOptions): Promise<ProcessOutcome> {
  const delivery = await prisma.webhookDelivery.findUnique({ where: { id: deliveryId } });
  if (!delivery) return "skipped";
  if (delivery.status === "processed" || delivery.status === "skipped") return "already_processed";
  await prisma.webhookDelivery.update({ where: { id: delivery.id }, data: { attempts: { increment: 1 } } });

  try {
    const outcome = await handle(delivery.topic, delivery.shopDomain, delivery.payload, { deliveryId, correlationId, clientFor });
    // Shopify keeps sending a redacted customer's orders for a while: their payloads do not stay.
    if (outcome !== "purged") await scrubRedactedDelivery(delivery.id);
    if (outcome !== "purged") {
      await prisma.webhookDelivery.update({ where: { id: delivery.id }, data: { status: outcome, processedAt: new Date(), error: null } });
    } else {
      await prisma.webhookDelivery.updateMany({ where: { id: delivery.id }, data: { status: "processed", processedAt: new Date() } });
    }
    return outcome === "purged" ? "processed" : outcome;
  } catch (error) {
    if (error instanceof AppError && error.code === "VALIDATION") {
      // A payload we cannot read will not get better on retry: keep it, marked failed.
      await prisma.webhookDelivery.updateMany({ where: { id: delivery.id }, data: { status: "failed", error: error.message.slice(0, 500) } });
      await scrubRedactedDelivery(delivery.id);
      logger.warn({ shop: delivery.shopDomain, topic: delivery.topic, deliveryId }, "webhook payload rejected");
      return "skipped";
    }
    await prisma.webhookDelivery.updateMany({ where: { id: delivery.id }, data: { status: "received", error: (error as Error).message.slice(0, 500) } });
    throw error;
  }
}

async function handle(
  topic: string,
  shopDomain: string,
  payload: unknown,
  { deliveryId, correlationId, clientFor }: { deliveryId: string; correlationId: string; clientFor?: ProcessDeliveryOptions["clientFor"] },
): Promise<"processed" | "skipped" | "purged"> {
  if (topic === "shop/redact") {
    // A shop still installed is not wiped: logged and skipped (app/compliance/redact-shop.server.ts).
    return (await redactShop({ shopDomain, deliveryId })) === "purged" ? "purged" : "skipped";
  }
  const shop = await prisma.shop.findUnique({ where: { domain: shopDomain } });
  if (!shop) return "skipped";
  const db = scopedDb(shop.id);

  // One change in Shopify fires several topics at once (orders/updated, orders/paid,
  // order_transactions/create...): the re-fetch waits a moment, and while it waits the queue
  // (stately policy, one queued job per order) absorbs the rest of the burst.
  const ingest = async (shopifyId: string) => {
    await enqueue("orderIngest", { shopDomain, shopifyId, reason: topic }, { singletonKey: shopifyId, startAfter: INGEST_DEBOUNCE_SECONDS });
    return "processed" as const;
  };
  // Fulfillment-order payloads name fulfillment orders only: ask Shopify which order they belong
  // to (the first one it knows; a moved order's original may be gone).
  const ingestFulfillmentOrderOrder = async (ids: string[]) => {
    if (!clientFor) throw new AppError("INTERNAL", "no Admin API client for a fulfillment order lookup");
    const client = await clientFor(shopDomain);
    for (const id of new Set(ids)) {
      const data = await client.request<FulfillmentOrderOrderQuery>("FulfillmentOrderOrder", FULFILLMENT_ORDER_ORDER_QUERY, { id }, 2);
      if (data.fulfillmentOrder) return ingest(data.fulfillmentOrder.orderId);
    }
    return "skipped" as const;
  };

  switch (topic) {
    case "orders/create":
    case "orders/updated":
    case "orders/cancelled":
    case "orders/fulfilled":
    case "orders/partially_fulfilled":
    case "orders/paid": {
      const order = parse(ZOrderPayload, payload, topic);
      return ingest(order.admin_graphql_api_id ?? orderGid(order.id));
    }
    case "orders/edited":
      return ingest(orderGid(parse(ZOrderEditPayload, payload, topic).order_edit.order_id));
    case "order_transactions/create":
    case "refunds/create":
    case "fulfillments/create":
    case "fulfillments/update":
      return ingest(orderGid(parse(ZOrderIdPayload, payload, topic).order_id));
    case "returns/request":
    case "returns/approve":
    case "returns/decline":
    case "returns/close":
    case "returns/reopen":
    case "returns/cancel": {
      const ret = parse(ZReturnPayload, payload, topic);
      return ingest("order" in ret ? (ret.order.admin_graphql_api_id ?? orderGid(ret.order.id)) : orderGid(ret.order_id));
    }
    case "fulfillment_orders/placed_on_hold":
    case "fulfillment_orders/hold_released":
    case "fulfillment_orders/cancelled":
    case "fulfillment_orders/fulfillment_request_accepted":
      return ingestFulfillmentOrderOrder([parse(ZFulfillmentOrderPayload, payload, topic).fulfillment_order.id]);
    case "fulfillment_orders/moved": {
      const moved = parse(ZFulfillmentOrderMovedPayload, payload, topic);
      return ingestFulfillmentOrderOrder([moved.moved_fulfillment_order.id, moved.original_fulfillment_order.id]);
    }
    case "customers/create":
    case "customers/update": {
      // A customer's name or contact changed: refresh the context of their recent orders.
      const customer = parse(ZCustomerPayload, payload, topic);
      const gid = customer.admin_graphql_api_id ?? `gid://shopify/Customer/${customer.id}`;
      const orders = await db.order.findMany({ where: { customerShopifyId: gid }, orderBy: { shopifyCreatedAt: "desc" }, take: 20, select: { shopifyId: true } });
      for (const order of orders) await ingest(order.shopifyId);
      return orders.length ? "processed" : "skipped";
    }
    case "customers/redact": {
      const body = parse(ZCustomerCompliance, payload, topic);
      await redactCustomer({
        db,
        shopId: shop.id,
        shopDomain,
        customerShopifyId: body.customer?.id ? `gid://shopify/Customer/${String(body.customer.id).replace(/\D/g, "")}` : null,
        email: body.customer?.email ?? null,
        phone: body.customer?.phone ?? null,
        orderIds: (body.orders_to_redact ?? []).map(String),
        correlationId,
      });
      return "processed";
    }
    case "customers/data_request": {
      const body = parse(ZCustomerCompliance, payload, topic);
      await exportCustomerData({
        db,
        requestId: String(body.data_request?.id ?? deliveryId),
        customerShopifyId: body.customer?.id ? `gid://shopify/Customer/${String(body.customer.id).replace(/\D/g, "")}` : null,
        email: body.customer?.email ?? null,
        orderIds: (body.orders_requested ?? []).map(String),
        correlationId,
      });
      return "processed";
    }
    case "bulk_operations/finish":
      await enqueue("backfill", { shopDomain }, { singletonKey: shopDomain });
      return "processed";
    default:
      logger.info({ shop: shopDomain, topic }, "webhook topic without a handler");
      return "skipped";
  }
}

function parse<T>(schema: z.ZodType<T>, payload: unknown, topic: string): T {
  const parsed = schema.safeParse(payload);
  if (!parsed.success) throw new AppError("VALIDATION", `Unexpected ${topic} payload: ${parsed.error.issues.map((issue) => issue.path.join(".")).join(", ")}`);
  return parsed.data;
}
