/**
 * Rebuilds orders from a bulk operation's JSONL, streaming: one line at a time, an order is
 * complete when the next order line (or the end) arrives, since children always follow their
 * parent. Nested connection children carry `__parentId`; their type is read from their GID.
 */
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";

type Json = Record<string, unknown>;

export interface AssembledOrder {
  order: Json;
  /** Line number (1-based) of the order's own line: the resume point. */
  line: number;
}

const typeOf = (gid: unknown) => (typeof gid === "string" ? /^gid:\/\/shopify\/([A-Za-z]+)\//.exec(gid)?.[1] : undefined);

/** Where a child line goes in its parent, by the child's GID type and the parent's type. */
const CHILD_FIELD: Record<string, Record<string, string>> = {
  Order: { LineItem: "lineItems", FulfillmentOrder: "fulfillmentOrders", Return: "returns" },
  FulfillmentOrder: { FulfillmentOrderLineItem: "lineItems" },
};

function withConnections(node: Json, type: string): Json {
  const fields = Object.values(CHILD_FIELD[type] ?? {});
  return { ...node, ...Object.fromEntries(fields.map((field) => [field, { nodes: [] as Json[] }])) };
}

export async function* assembleOrders(input: Readable, options: { skipLines?: number } = {}): AsyncGenerator<AssembledOrder> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let current: AssembledOrder | null = null;
  const byId = new Map<string, { node: Json; type: string }>();
  let lineNumber = 0;
  const skipLines = options.skipLines ?? 0;
  for await (const raw of lines) {
    lineNumber++;
    // A resumed import (a later slice, or after a crash) does not even parse what it already
    // stored: each slice reads the file again from the start.
    if (lineNumber <= skipLines) continue;
    if (!raw.trim()) continue;
    const parsed = JSON.parse(raw) as Json;
    const parentId = parsed.__parentId as string | undefined;
    delete parsed.__parentId;
    const type = typeOf(parsed.id) ?? "Unknown";
    if (!parentId) {
      if (current) yield current;
      byId.clear();
      const order = withConnections(parsed, type);
      current = { order, line: lineNumber };
      byId.set(parsed.id as string, { node: order, type });
      continue;
    }
    const parent = byId.get(parentId);
    // The children of the order the resume point names follow it: that order is stored already.
    if (!parent && !current && skipLines > 0) continue;
    if (!parent) throw new Error(`line ${lineNumber}: parent ${parentId} not found before its child (JSONL out of order)`);
    const field = CHILD_FIELD[parent.type]?.[type];
    if (!field) continue; // a child type we do not use
    const child = withConnections(parsed, type);
    (parent.node[field] as { nodes: Json[] }).nodes.push(child);
    byId.set(parsed.id as string, { node: child, type });
  }
  if (current) yield current;
}
