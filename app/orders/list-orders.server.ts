/**
 * The Orders list, from our tables only (ingestion keeps them current; a page load never calls
 * Shopify). Newest first by Shopify's createdAt, keyset-paginated. Customer details are masked
 * here, on the server, for staff without customers.pii, and they cannot search by email.
 */
import type { Prisma } from "@prisma/client";
import { AppError } from "../lib/app-error";
import { decodeCursor, encodeCursor, type Cursor } from "../lib/cursor";
import { maskEmail, maskName } from "../lib/mask";
import type { DbClient } from "../lib/tenancy.server";
import { classifyOrderQuery, type OrderFilters } from "./list-schema";

export interface OrderRow {
  id: string;
  name: string;
  createdAt: string;
  customerName: string | null;
  customerEmail: string | null;
  financialStatus: string | null;
  fulfillmentStatus: string;
  currencyCode: string;
  /** Exact decimal strings. */
  totalAmount: string;
  currentTotalAmount: string;
  cancelled: boolean;
}

export interface ListOrdersResult {
  rows: OrderRow[];
  nextCursor: string | null;
  /** "ignored": an email search by someone without customers.pii (the page says so). */
  emailSearch: "applied" | "ignored" | null;
}

export interface ListOrdersOptions {
  db: DbClient;
  filters: OrderFilters;
  /** customers.pii: unmasked customer details and search by email. */
  canSeePii: boolean;
}

/** "Strictly after this cursor" in (shopifyCreatedAt desc, id desc) order. */
function afterOrderCursor(cursor: Cursor | null): Prisma.OrderWhereInput {
  if (!cursor) return {};
  return { OR: [{ shopifyCreatedAt: { lt: cursor.createdAt } }, { shopifyCreatedAt: cursor.createdAt, id: { lt: cursor.id } }] };
}

export async function listOrders({ db, filters, canSeePii }: ListOrdersOptions): Promise<ListOrdersResult> {
  const cursor = filters.cursor ? decodeCursor(filters.cursor) : null;
  if (filters.cursor && !cursor) throw new AppError("VALIDATION", "Some filters are invalid", { fields: { cursor: ["Malformed cursor"] } });

  let search: Prisma.OrderWhereInput = {};
  let emailSearch: ListOrdersResult["emailSearch"] = null;
  if (filters.q) {
    const query = classifyOrderQuery(filters.q);
    if (query.kind === "number") {
      search = { OR: [{ orderNumber: query.number }, { name: { equals: query.text, mode: "insensitive" } }] };
    } else if (query.kind === "name") {
      search = { name: { equals: query.name, mode: "insensitive" } };
    } else if (canSeePii) {
      // Order.email is stored lowercased: an exact match on the lowercased input.
      search = { email: query.email };
      emailSearch = "applied";
    } else {
      emailSearch = "ignored";
    }
  }

  const where: Prisma.OrderWhereInput = {
    ...search,
    ...(filters.financialStatus ? { financialStatus: filters.financialStatus } : {}),
    ...(filters.fulfillmentStatus ? { fulfillmentStatus: filters.fulfillmentStatus } : {}),
  };
  const rows = await db.order.findMany({
    where: { AND: [where, afterOrderCursor(cursor)] },
    orderBy: [{ shopifyCreatedAt: "desc" }, { id: "desc" }],
    take: filters.limit + 1,
    select: {
      id: true,
      name: true,
      email: true,
      customerName: true,
      financialStatus: true,
      fulfillmentStatus: true,
      currencyCode: true,
      totalAmount: true,
      currentTotalAmount: true,
      cancelledAt: true,
      shopifyCreatedAt: true,
    },
  });
  const page = rows.slice(0, filters.limit);
  const last = page.at(-1);
  return {
    rows: page.map((row) => ({
      id: row.id,
      name: row.name,
      createdAt: row.shopifyCreatedAt.toISOString(),
      customerName: canSeePii ? row.customerName : maskName(row.customerName),
      customerEmail: canSeePii ? row.email : maskEmail(row.email),
      financialStatus: row.financialStatus,
      fulfillmentStatus: row.fulfillmentStatus,
      currencyCode: row.currencyCode,
      totalAmount: row.totalAmount,
      currentTotalAmount: row.currentTotalAmount,
      cancelled: row.cancelledAt !== null,
    })),
    nextCursor: rows.length > filters.limit && last ? encodeCursor({ createdAt: last.shopifyCreatedAt, id: last.id }) : null,
    emailSearch,
  };
}
