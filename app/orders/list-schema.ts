/**
 * Filters of the Orders list (query string), shared by the loader and the page. The status
 * values are Shopify's display enums (OrderDisplayFinancialStatus, OrderDisplayFulfillmentStatus),
 * as ingestion stores them on Order.
 */
import { z } from "zod";
import { blankOrSpaces as blank } from "../lib/blank";

export const FINANCIAL_STATUSES = ["PAID", "PARTIALLY_PAID", "AUTHORIZED", "PENDING", "PARTIALLY_REFUNDED", "REFUNDED", "VOIDED", "EXPIRED"] as const;
export const FULFILLMENT_STATUSES = [
  "FULFILLED",
  "UNFULFILLED",
  "PARTIALLY_FULFILLED",
  "IN_PROGRESS",
  "ON_HOLD",
  "OPEN",
  "PENDING_FULFILLMENT",
  "SCHEDULED",
  "REQUEST_DECLINED",
  "RESTOCKED",
  "FULFILLMENT_NOT_REQUIRED",
] as const;

export type FinancialStatus = (typeof FINANCIAL_STATUSES)[number];
export type FulfillmentStatus = (typeof FULFILLMENT_STATUSES)[number];

/** Our Order.id (a cuid), as in /app/orders/:id. */
export const ZOrderId = z.string().regex(/^[a-z0-9]{20,40}$/, "Malformed order id");

export const ORDER_FILTER_KEYS = ["q", "financialStatus", "fulfillmentStatus", "cursor", "limit"];


export const ZOrderFilters = z.object({
  q: z.preprocess(
    (value) => (typeof value === "string" ? blank(value.trim()) : blank(value)),
    z.string().max(254, "At most 254 characters").optional(),
  ),
  financialStatus: z.preprocess(blank, z.enum(FINANCIAL_STATUSES, { errorMap: () => ({ message: "Choose a payment status from the list" }) }).optional()),
  fulfillmentStatus: z.preprocess(blank, z.enum(FULFILLMENT_STATUSES, { errorMap: () => ({ message: "Choose a fulfillment status from the list" }) }).optional()),
  cursor: z.preprocess(blank, z.string().max(200).regex(/^[A-Za-z0-9_-]+$/, "Malformed cursor").optional()),
  limit: z.preprocess(blank, z.coerce.number().int().min(1).max(100).default(50)),
});

export type OrderFilters = z.infer<typeof ZOrderFilters>;

export type OrderQuery = { kind: "number"; number: number; text: string } | { kind: "email"; email: string } | { kind: "name"; name: string };

/**
 * What a search means: "#1001" or "1001" is an order number, anything with an "@" a customer
 * email (exact, case-insensitive), anything else an order name ("SO-1001-A").
 */
export function classifyOrderQuery(q: string): OrderQuery {
  const text = q.trim();
  const number = /^#?\s*(\d{1,9})$/.exec(text);
  if (number) return { kind: "number", number: Number(number[1]), text };
  if (text.includes("@")) return { kind: "email", email: text.toLowerCase() };
  return { kind: "name", name: text };
}
