/**
 * The last step of customers/redact: every text and JSON column of every table of the shop
 * (read from the catalog, so a table added later is swept too) is searched for the customer's
 * full identifiers (name, email, phone, street) and scrubbed where they appear. The steps
 * before it redact by meaning (an order's customer, a ticket's customer messages, a run's
 * address); this catches the free text they cannot know about (a stored API answer, a task
 * someone wrote, a table nobody told the redaction about).
 */
import type { DbClient } from "../lib/tenancy.server";
import { likePatterns, scrubJson, scrubText, type CustomerIdentifiers } from "./customer-identifiers";

/**
 * Not swept: the audit log (append-only: PII is kept out of it when rows are written), the
 * redaction records themselves (digests only), staff (people of the store, not customers).
 */
const NOT_SWEPT = new Set(["AuditLog", "CustomerRedaction", "StaffMember"]);

interface Column {
  table: string;
  column: string;
  type: string;
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

export async function sweepShopText(tx: DbClient, shopId: string, ids: CustomerIdentifiers): Promise<number> {
  const patterns = likePatterns(ids);
  if (patterns.length === 0) return 0;
  // Tables with a shopId and an id: every tenant table with rows of its own.
  const columns = await tx.$queryRaw<Column[]>`
    SELECT c.table_name AS "table", c.column_name AS "column", c.data_type AS "type"
    FROM information_schema.columns c
    WHERE c.table_schema = current_schema() AND c.data_type IN ('text', 'jsonb', 'json')
      AND c.column_name NOT IN ('id', 'shopId')
      AND EXISTS (SELECT 1 FROM information_schema.columns s WHERE s.table_schema = c.table_schema AND s.table_name = c.table_name AND s.column_name = 'shopId')
      AND EXISTS (SELECT 1 FROM information_schema.columns k WHERE k.table_schema = c.table_schema AND k.table_name = c.table_name AND k.column_name = 'id')
    ORDER BY 1, 2`;
  let scrubbed = 0;
  for (const { table, column, type } of columns) {
    if (NOT_SWEPT.has(table)) continue;
    const rows = await tx.$queryRawUnsafe<Array<{ id: string; value: unknown }>>(
      `SELECT id, ${quote(column)} AS value FROM ${quote(table)} WHERE "shopId" = $1 AND ${quote(column)}::text ILIKE ANY($2::text[])`,
      shopId,
      patterns,
    );
    for (const row of rows) {
      // Full identifiers only: name parts would reach other people across the whole shop.
      const next = type === "text" ? scrubText(String(row.value), ids, { nameParts: false }) : scrubJson(row.value, ids, { nameParts: false });
      if (next === row.value) continue;
      const cast = type === "text" ? "" : `::${type}`;
      await tx.$executeRawUnsafe(`UPDATE ${quote(table)} SET ${quote(column)} = $1${cast} WHERE id = $2 AND "shopId" = $3`, type === "text" ? next : JSON.stringify(next), row.id, shopId);
      scrubbed++;
    }
  }
  return scrubbed;
}
