import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportAuditCsv } from "../audit/export-audit-csv.server";
import { recordAudit } from "../audit/record-audit.server";
import { ZAuditFilters } from "../audit/schema";
import { AppError } from "../lib/app-error";
import { parseFilters } from "../lib/filters.server";
import { withStaff } from "../lib/route.server";

const FILTER_KEYS = ["actorType", "actorId", "action", "entityType", "from", "to"];

/** GET /app/audit/export?filters: the filtered audit log as CSV (resource route). The export itself is audited. */
export const loader = ({ request }: LoaderFunctionArgs) =>
  withStaff(request, { permission: "audit.export" }, async (ctx) => {
    const parsed = parseFilters(new URL(request.url), ZAuditFilters, FILTER_KEYS, ctx.correlationId);
    if (!parsed.ok) throw new AppError("VALIDATION", parsed.error.message, { fields: parsed.error.fields });
    const { cursor: _cursor, limit: _limit, ...filters } = parsed.filters;
    const csv = await exportAuditCsv({ db: ctx.db, filters });
    await recordAudit({ db: ctx.db, actor: ctx.actor, action: "audit.exported", entityType: "AuditLog", metadata: { filters }, correlationId: ctx.correlationId });
    return new Response(csv, {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="audit-log-${new Date().toISOString().slice(0, 10)}.csv"`,
        "X-Request-Id": ctx.correlationId,
      },
    });
  });
