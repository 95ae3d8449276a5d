import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Badge, BlockStack, Card, IndexTable, InlineStack, Page, Pagination, Text } from "@shopify/polaris";
import { ACTOR_TYPES } from "../audit/schema";
import { FilterBar } from "../components/FilterBar";
import { RouteError } from "../components/RouteError";
import { RunStatusBadge } from "../components/RunStatusBadge";
import type { ErrorBody } from "../lib/app-error";
import { invalidFiltersPage, parseFilters } from "../lib/filters.server";
import { withStaff } from "../lib/route.server";
import { listRuns } from "../runs/list-runs.server";
import { RUN_STATUSES, ZRunFilters } from "../runs/schema";

const FILTER_KEYS = ["type", "status", "actorType", "actorId", "from", "to", "cursor", "limit"];

export const loader = ({ request }: LoaderFunctionArgs) =>
  withStaff(request, { permission: "runs.view" }, async (ctx) => {
    const parsed = parseFilters(new URL(request.url), ZRunFilters, FILTER_KEYS, ctx.correlationId);
    if (!parsed.ok) return invalidFiltersPage({ rows: [], nextCursor: null }, parsed.error);
    return { ...(await listRuns({ db: ctx.db, filters: parsed.filters })), error: null as ErrorBody["error"] | null };
  });

export default function Runs() {
  const loaded = useLoaderData<typeof loader>();
  const { rows, nextCursor } = loaded;
  const error = "error" in loaded ? loaded.error : null;
  const [params] = useSearchParams();
  const nextParams = new URLSearchParams(params);
  if (nextCursor) nextParams.set("cursor", nextCursor);
  // Keyset pages only go forward; "previous" returns to the first page with the same filters.
  const firstParams = new URLSearchParams(params);
  firstParams.delete("cursor");
  return (
    <Page fullWidth>
      <TitleBar title="Runs" />
      <BlockStack gap="400">
        <Card>
          <FilterBar
            errors={error?.fields ?? {}}
            fields={[
              { name: "type", label: "Action type" },
              { name: "status", label: "Status", type: "select", options: RUN_STATUSES.map((status) => ({ label: status.replace("_", " "), value: status })) },
              { name: "actorType", label: "Actor type", type: "select", options: ACTOR_TYPES.map((type) => ({ label: type, value: type })) },
              { name: "from", label: "From", type: "date" },
              { name: "to", label: "To", type: "date" },
            ]}
          />
        </Card>
        <Card padding="0">
          <IndexTable
            resourceName={{ singular: "run", plural: "runs" }}
            itemCount={rows.length}
            selectable={false}
            emptyState={
              <div style={{ padding: "var(--p-space-600)", textAlign: "center" }}>
                <Text as="p" tone="subdued">
                  {error ? "Fix the filters to see runs." : "No runs yet. Every action executed through the Action Center appears here."}
                </Text>
              </div>
            }
            headings={[{ title: "Started" }, { title: "Action" }, { title: "Status" }, { title: "Attempts" }, { title: "Actor" }]}
          >
            {rows.map((row, index) => (
              <IndexTable.Row id={row.id} key={row.id} position={index}>
                <IndexTable.Cell>
                  <Link to={`/app/runs/${row.id}`}>{new Date(row.createdAt).toLocaleString("en")}</Link>
                </IndexTable.Cell>
                <IndexTable.Cell>{row.type}</IndexTable.Cell>
                <IndexTable.Cell>
                  <RunStatusBadge status={row.status} />
                </IndexTable.Cell>
                <IndexTable.Cell>{row.attempts}</IndexTable.Cell>
                <IndexTable.Cell>
                  <Badge>{row.actorType}</Badge> {row.actorLabel ?? ""}
                </IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        </Card>
        <InlineStack align="center">
          <Pagination hasPrevious={params.has("cursor")} previousURL={`?${firstParams}`} hasNext={!!nextCursor} nextURL={`?${nextParams}`} label="Run pages" />
        </InlineStack>
      </BlockStack>
    </Page>
  );
}

export const ErrorBoundary = RouteError;
