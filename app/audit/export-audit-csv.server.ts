import type { DbClient } from "../lib/tenancy.server";
import { auditWhere } from "./list-audit.server";
import type { AuditFilters } from "./schema";

export const AUDIT_EXPORT_LIMIT = 50_000;
const COLUMNS = ["createdAt", "actorType", "actorId", "actorLabel", "action", "entityType", "entityId", "correlationId", "before", "after"] as const;

/** Quotes a CSV cell and defuses spreadsheet formulas (=, +, -, @ at the start). */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

/** The filtered audit log as CSV, newest first, read in pages so memory stays flat. */
export async function exportAuditCsv({ db, filters }: { db: DbClient; filters: Omit<AuditFilters, "cursor" | "limit"> }): Promise<string> {
  const lines = [COLUMNS.join(",")];
  let cursor: { createdAt: Date; id: string } | undefined;
  for (let exported = 0; exported < AUDIT_EXPORT_LIMIT; ) {
    const rows = await db.auditLog.findMany({
      where: {
        AND: [auditWhere(filters), cursor ? { OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }] } : {}],
      },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: 1000,
    });
    if (rows.length === 0) break;
    for (const row of rows) {
      lines.push(COLUMNS.map((column) => csvCell(column === "createdAt" ? row.createdAt.toISOString() : row[column])).join(","));
    }
    exported += rows.length;
    const last = rows[rows.length - 1];
    cursor = { createdAt: last.createdAt, id: last.id };
  }
  return `${lines.join("\r\n")}\r\n`;
}
