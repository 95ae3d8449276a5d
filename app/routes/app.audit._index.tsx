import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { TitleBar, useAppBridge } from "@shopify/app-bridge-react";
import { Badge, BlockStack, Button, Card, IndexTable, InlineStack, Page, Pagination, Text } from "@shopify/polaris";
import { useState } from "react";
import { listAudit } from "../audit/list-audit.server";
import { ACTOR_TYPES, ZAuditFilters } from "../audit/schema";
import { FilterBar } from "../components/FilterBar";
import { RouteError } from "../components/RouteError";
import type { ErrorBody } from "../lib/app-error";
import { invalidFiltersPage, parseFilters } from "../lib/filters.server";
import { withStaff } from "../lib/route.server";

const FILTER_KEYS = ["actorType", "actorId", "action", "entityType", "from", "to", "cursor", "limit"];

export const loader = ({ request }: LoaderFunctionArgs) =>
  withStaff(request, { permission: "audit.view" }, async (ctx) => {
    const parsed = parseFilters(new URL(request.url), ZAuditFilters, FILTER_KEYS, ctx.correlationId);
    const canExport = ctx.role.permissions.has("audit.export");
    if (!parsed.ok) return invalidFiltersPage({ rows: [], nextCursor: null, canExport }, parsed.error);
    return { ...(await listAudit({ db: ctx.db, filters: parsed.filters })), canExport, error: null as ErrorBody["error"] | null };
  });

export default function AuditLog() {
  const loaded = useLoaderData<typeof loader>();
  const { rows, nextCursor, canExport } = loaded;
  const error = "error" in loaded ? loaded.error : null;
  const [params] = useSearchParams();
  const shopify = useAppBridge();
  const [exporting, setExporting] = useState(false);

  async function exportCsv() {
    setExporting(true);
    try {
      const query = new URLSearchParams(params);
      query.delete("cursor");
      // fetch (not a link) so App Bridge adds the session token.
      const response = await fetch(`/app/audit/export?${query}`);
      if (!response.ok) {
        shopify.toast.show("Export failed", { isError: true });
        return;
      }
      const url = URL.createObjectURL(await response.blob());
      const anchor = document.createElement("a");
      anchor.href = url;
      anchor.download = `audit-log-${new Date().toISOString().slice(0, 10)}.csv`;
      anchor.click();
      URL.revokeObjectURL(url);
    } finally {
      setExporting(false);
    }
  }

  const nextParams = new URLSearchParams(params);
  if (nextCursor) nextParams.set("cursor", nextCursor);
  // Keyset pages only go forward; "previous" returns to the first page with the same filters.
  const firstParams = new URLSearchParams(params);
  firstParams.delete("cursor");

  return (
    <Page fullWidth>
      <TitleBar title="Audit log" />
      <BlockStack gap="400">
        <Card>
          <BlockStack gap="300">
            <FilterBar
              errors={error?.fields ?? {}}
              fields={[
                { name: "actorType", label: "Actor type", type: "select", options: ACTOR_TYPES.map((type) => ({ label: type, value: type })) },
                { name: "action", label: "Action" },
                { name: "entityType", label: "Entity type" },
                { name: "from", label: "From", type: "date" },
                { name: "to", label: "To", type: "date" },
              ]}
            />
            {canExport ? (
              <InlineStack align="end">
                <Button onClick={() => void exportCsv()} loading={exporting}>
                  Export CSV
                </Button>
              </InlineStack>
            ) : null}
          </BlockStack>
        </Card>
        <Card padding="0">
          <IndexTable
            resourceName={{ singular: "entry", plural: "entries" }}
            itemCount={rows.length}
            selectable={false}
            emptyState={
              <div style={{ padding: "var(--p-space-600)", textAlign: "center" }}>
                <Text as="p" tone="subdued">
                  {error ? "Fix the filters to see entries." : "No audit entries match these filters."}
                </Text>
              </div>
            }
            headings={[{ title: "Time" }, { title: "Actor" }, { title: "Action" }, { title: "Entity" }, { title: "Correlation id" }]}
          >
            {rows.map((row, index) => (
              <IndexTable.Row id={row.id} key={row.id} position={index}>
                <IndexTable.Cell>
                  <Link to={`/app/audit/${row.id}`}>{new Date(row.createdAt).toLocaleString("en")}</Link>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Badge>{row.actorType}</Badge> {row.actorLabel ?? row.actorId ?? ""}
                </IndexTable.Cell>
                <IndexTable.Cell>{row.action}</IndexTable.Cell>
                <IndexTable.Cell>
                  {row.entityType}
                  {row.entityId ? ` ${row.entityId}` : ""}
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Text as="span" variant="bodySm" tone="subdued">
                    {row.correlationId}
                  </Text>
                </IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        </Card>
        <InlineStack align="center">
          <Pagination hasPrevious={params.has("cursor")} previousURL={`?${firstParams}`} hasNext={!!nextCursor} nextURL={`?${nextParams}`} label="Audit log pages" />
        </InlineStack>
      </BlockStack>
    </Page>
  );
}

export const ErrorBoundary = RouteError;
