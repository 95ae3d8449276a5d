/**
 * Which shipped units of an order can still be returned, from the snapshot: what a successful
 * fulfillment shipped, less what is in a return that still counts (not declined or cancelled),
 * and never more than the line's current quantity (refunded units left the order) less what
 * open returns already hold. The same rule Shopify's returnCreate applies; the sandbox
 * implements it on its side (sandbox/changes.ts returnableUnits).
 */
import type { SnapshotContent } from "./build-snapshot";

export interface ReturnableItem {
  /** FulfillmentLineItem gid: what returnCreate takes. */
  fulfillmentLineItemId: string;
  lineItemId: string;
  title: string;
  sku: string | null;
  fulfillmentName: string;
  /** Units that can still be returned from this fulfillment line. */
  quantity: number;
  /**
   * Units of the line that can be returned in all, whichever fulfillment shipped them: a line
   * shipped twice and partly refunded offers each shipment, but not both in full.
   */
  lineLimit: number;
}

export interface ReturnableItems {
  items: ReturnableItem[];
  /**
   * False when the snapshot came from the bulk backfill, which cannot carry fulfillment or
   * return line items: the order must be refreshed from Shopify before a return is started.
   */
  complete: boolean;
}

const COUNTS = (status: string) => status !== "CANCELED" && status !== "DECLINED";
const OPEN = (status: string) => status === "OPEN" || status === "REQUESTED";

/** Reads only what a return needs of the snapshot: its lines, fulfillments and returns. */
export function returnableItems(snapshot: Pick<SnapshotContent, "lineItems" | "fulfillments" | "returns"> | null): ReturnableItems {
  if (!snapshot) return { items: [], complete: false };
  const shipped = snapshot.fulfillments.filter((fulfillment) => fulfillment.status === "SUCCESS");
  const complete = shipped.every((fulfillment) => Array.isArray(fulfillment.lineItems)) && snapshot.returns.every((ret) => Array.isArray(ret.lineItems));
  if (!complete) return { items: [], complete };
  const inReturns = new Map<string, number>();
  const openByFulfillmentLine = new Map<string, number>();
  for (const ret of snapshot.returns) {
    for (const item of ret.lineItems ?? []) {
      if (COUNTS(ret.status)) inReturns.set(item.fulfillmentLineItemId, (inReturns.get(item.fulfillmentLineItemId) ?? 0) + item.quantity);
      if (OPEN(ret.status)) openByFulfillmentLine.set(item.fulfillmentLineItemId, (openByFulfillmentLine.get(item.fulfillmentLineItemId) ?? 0) + item.quantity);
    }
  }
  const lineOf = (fulfillmentLineItemId: string) => shipped.flatMap((f) => f.lineItems ?? []).find((item) => item.id === fulfillmentLineItemId)?.lineItemId;
  const openByLine = new Map<string, number>();
  for (const [fulfillmentLineItemId, units] of openByFulfillmentLine) {
    const lineItemId = lineOf(fulfillmentLineItemId);
    if (lineItemId) openByLine.set(lineItemId, (openByLine.get(lineItemId) ?? 0) + units);
  }
  const items: ReturnableItem[] = [];
  for (const fulfillment of shipped) {
    for (const item of fulfillment.lineItems ?? []) {
      const line = snapshot.lineItems.find((candidate) => candidate.id === item.lineItemId);
      if (!line) continue;
      const lineLimit = line.currentQuantity - (openByLine.get(line.id) ?? 0);
      const quantity = Math.min(item.quantity - (inReturns.get(item.id) ?? 0), lineLimit);
      if (quantity > 0) items.push({ fulfillmentLineItemId: item.id, lineItemId: line.id, title: line.title, sku: line.sku, fulfillmentName: fulfillment.name, quantity, lineLimit });
    }
  }
  return { items, complete };
}
